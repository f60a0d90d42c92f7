"""Z-Image's ComfyUI mapping (api.ComfyMapping): its DiT told by its file's name (UNETLoader's z_image_*; Load Video
Model tells it from its tensors when it loads), its generator a still picture (the 'still' hook: a one-frame take,
made first where a video's start image is that still, studio/convert/takes/still_first.py), a flow-matching model
(ModelSamplingAuraFlow's shift read as the generator's, as every flow family's); its Qwen3 text encoder (CLIPLoader
of type 'lumina2') and VAE set on Load Video Model, which reads them as separate files. Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

TITLE = "Z-Image"
# parts of its released DiT files' names (lower case): ComfyUI's z_image_turbo_bf16, Tongyi-MAI's Z-Image-Turbo
FILES = ("z_image", "z-image", "zimage")


def params(title: str, params: dict, said: list) -> None:
    """One picture a take: the empty latent's batch of one is its one frame."""
    params["frames"] = 1


MAPPING = ComfyMapping(key="zimage", title=TITLE, files=tuple((f, TITLE) for f in FILES),
                       text_types=("lumina2",),  # CLIPLoader's type for its Qwen3 file (ComfyUI reads Z-Image so)
                       hooks={"prompt_weights": "literal",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
                              "still": True, "params": params})
