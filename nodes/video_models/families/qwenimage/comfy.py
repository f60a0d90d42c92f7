"""Qwen-Image's ComfyUI mapping (api.ComfyMapping): its DiT told by its file's name (UNETLoader's qwen_image_*; Load
Video Model tells it from its tensors when it loads), its generator a still picture (the 'still' hook: a one-frame
take, made first where a video's start image is that still, studio/convert/takes/still_first.py), a flow-matching
model (ModelSamplingAuraFlow's shift read as the generator's); its Qwen2.5-VL text encoder (CLIPLoader of type
'qwen_image') and VAE set on Load Video Model, which reads them as separate files. Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

TITLE = "Qwen-Image"
# parts of its released DiT files' names (lower case): ComfyUI's qwen_image_fp8_e4m3fn, qwen_image_bf16
FILES = ("qwen_image_fp8", "qwen_image_bf16", "qwen_image_2512")  # (not the Edit models: qwen_image_edit_*)


def params(title: str, params: dict, said: list) -> None:
    """One picture a take: the empty latent's batch of one is its one frame."""
    params["frames"] = 1


MAPPING = ComfyMapping(key="qwenimage", title=TITLE, files=tuple((f, TITLE) for f in FILES),
                       text_types=("qwen_image",),  # CLIPLoader's type for its Qwen2.5-VL file
                       hooks={"prompt_weights": "literal",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
                              "still": True, "params": params})
