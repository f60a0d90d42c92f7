"""Motif Video (Motif Technologies): text and image to video."""
