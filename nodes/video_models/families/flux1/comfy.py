"""FLUX.1's ComfyUI mapping (api.ComfyMapping): its diffusion models told by their file names (ComfyUI's UNETLoader
loads any diffusion model: nothing declared tells them apart; the load tells the model from the file's tensors), its
two text encoders (DualCLIPLoader of type 'flux': CLIP-L and T5-XXL) set on Load Video Model, its generator a still
picture (the 'still' hook: a one-frame take, made first where a video's start image is that still,
studio/convert/takes/still_first.py). Its guidance is dev's embedded guidance, FluxGuidance's (mapping/settings.py).
Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

from .comfy_prompt import NODE, PROMPT, read_flux_prompt

TITLE = "FLUX.1"
# parts of the released FLUX.1 files' names (lower case): Black Forest Labs' (flux1-dev, flux1-schnell, flux1-krea-dev,
# the Kontext and Fill variants are edits: not these) and ComfyUI's repackaged ones (flux1-dev-fp8)
FILES = ("flux1-dev", "flux1-schnell", "flux1_dev", "flux1_schnell", "flux1-krea-dev", "flux.1-dev", "flux.1-schnell")


EMBEDDED = 3.5


def params(title: str, params: dict, said: list) -> None:
    """One picture a take: the empty latent's batch of one is its one frame."""
    params["frames"] = 1


MAPPING = ComfyMapping(key="flux1", title=TITLE, files=tuple((f, TITLE) for f in FILES), dual_types=("flux",),
                       rank=90, prompt_nodes={NODE: PROMPT},  # its T5 prompt; its CLIP-L one said (comfy_prompt.py)
                       hooks={"still": True, "still_first_only": True, "params": params,
                              # ComfyUI's where no FluxGuidance sets one (comfy/model_base.py, Flux's extra_conds)
                              "embedded_guidance": EMBEDDED,
                              "prompt": read_flux_prompt})
