"""Text2Video-Zero: zero-shot video from a Stable Diffusion image model (cross-frame attention, motion in latents)."""
