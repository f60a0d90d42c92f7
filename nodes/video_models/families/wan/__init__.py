"""Wan (2.1, 2.2 A14B with two experts, 2.2 TI2V-5B, VACE, Animate)."""
