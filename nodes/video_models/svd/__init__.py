"""Stable Video Diffusion from ComfyUI's one checkpoint file (Stability's sgm layout), with no diffusers folder."""
