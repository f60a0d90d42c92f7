"""Stable Diffusion 1.5's ComfyUI mapping (api.ComfyMapping): its generator a still picture (the 'still' hook: a
one-frame take, made first where a video's start image is that still, studio/convert/takes/still_first.py). The
loader ComfyUI loads it with, CheckpointLoaderSimple, loads SD 1.5, SD 2, SDXL and others alike, and its fine-tunes'
file names (dreamshaper_8, photon_v1, realisticVision...) name no version: the 'still_checkpoint' hook makes it the
family a whole checkpoint's still is read as where its file's name names no family (still_first.py says so;
Load Video Model tells the model from the file's tensors when it loads). Stability's release is told by its name.
Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

TITLE = "Stable Diffusion 1.5"
# parts of the released SD 1.5 checkpoints' file names (lower case): runwayml's and Stability's
FILES = ("v1-5-pruned", "sd-v1-5", "sd_v1-5", "stable-diffusion-v1-5")


def params(title: str, params: dict, said: list) -> None:
    """One picture a take: the empty latent's batch of one is its one frame."""
    params["frames"] = 1


MAPPING = ComfyMapping(key="sd15", title=TITLE, files=tuple((f, TITLE) for f in FILES),
                       hooks={"still": True, "still_checkpoint": True, "params": params},
                       flow=False)  # an Euler scheduler on SD 1.5's betas: the generators' flow-matching samplers do not apply
