"""Wan's own nodes (VACE: control video, masks, references; Animate: a character moved by a pose and a face video)."""
