"""Preprocessors: what real footage gives the models (masks from clicks, people, poses, depth)."""
