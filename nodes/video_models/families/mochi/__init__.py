"""Mochi 1 (Genmo): text to video."""
