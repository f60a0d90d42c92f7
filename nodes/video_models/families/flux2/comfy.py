"""FLUX.2 [klein]'s ComfyUI mapping (api.ComfyMapping): its diffusion models told by their file names (UNETLoader's
flux-2-klein-*; UNETLoader loads any diffusion model, nothing declared tells them apart; Load Video Model tells the
model from its tensors when it loads), its Qwen3 text encoder (CLIPLoader of type 'flux2') and its VAE set on Load
Video Model, which reads them as separate files; its generator a still picture (the 'still' hook: a one-frame take,
made first where a video's start image is that still, studio/convert/takes/still_first.py). Its guidance is the
sampler's cfg (classifier-free guidance with the negative prompt; klein has no embedded guidance, so a FluxGuidance
on its prompt changes nothing in ComfyUI either). Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

from .comfy_sampler import FIXED, read_sampler

TITLE = "FLUX.2 [klein]"
# parts of the released klein files' names (lower case): Black Forest Labs' flux-2-klein-4b / -9b (base, fp8, the
# kv variant) as ComfyUI's templates load them
FILES = ("flux-2-klein", "flux2-klein", "flux_2_klein", "flux2_klein", "flux.2-klein")


def params(title: str, params: dict, said: list) -> None:
    """One picture a take: the empty latent's batch of one is its one frame."""
    params["frames"] = 1


MAPPING = ComfyMapping(key="flux2", title=TITLE, files=tuple((f, TITLE) for f in FILES),
                       text_types=("flux2",),  # CLIPLoader's type for klein's Qwen3 file
                       hooks={"prompt_weights": "literal",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
                              "still": True, "params": params,
                              # ComfyUI's Flux2 model config's shift 2.02 (supported_models.py) on Flux's exponential
                              # scale: Studio's fixed shift e^2.02 (configs.py); Flux2Scheduler's sigmas the family's
                              # own schedule; a FluxGuidance not taken (comfy_sampler.py)
                              "comfy_shift": FIXED, "sampler_params": read_sampler})
