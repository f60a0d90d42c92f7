"""Sana Video (NVIDIA): text and image to video with linear attention."""
