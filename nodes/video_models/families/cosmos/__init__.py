"""Cosmos (NVIDIA): Cosmos 1.0, Cosmos Predict2 and Predict2.5 world models (text, image and video to world)."""
