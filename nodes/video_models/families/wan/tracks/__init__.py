"""Wan-Move and ATI: point tracks steer a Wan 2.1 image-to-video take (a wing of wan)."""
