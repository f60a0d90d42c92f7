"""Kandinsky 6: text and image to video with sound, and its video super-resolution."""
