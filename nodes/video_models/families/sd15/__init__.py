"""Stable Diffusion 1.5: a still picture (a one-frame take) from ComfyUI's one checkpoint."""
