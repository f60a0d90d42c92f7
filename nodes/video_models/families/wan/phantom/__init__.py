"""Phantom (subject to video on Wan 2.1 T2V): pipeline.py, node.py."""
