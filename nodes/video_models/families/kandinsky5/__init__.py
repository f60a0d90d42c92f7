"""Kandinsky 5 (Lite, Pro): text and image to video."""
