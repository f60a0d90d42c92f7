"""Wan's own nodes (VACE: control video, masks, references)."""
