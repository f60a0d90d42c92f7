"""Stable Diffusion XL: a still picture (a one-frame take) from ComfyUI's one checkpoint."""
