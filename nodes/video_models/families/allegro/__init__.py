"""Allegro (Rhymes AI): text to video."""
