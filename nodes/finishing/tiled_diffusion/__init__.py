"""Tiled Diffusion Upscale's engine: the tiles and masks of one frame's redraw and seam fix (plan.py), their
img2img passes composited onto the frame (refine.py), the still family's img2img pipeline (img2img.py)."""
