"""Pusa V1: Wan with a timestep per frame (pipeline.py, node.py)."""
