"""Stable Diffusion 1.5's ComfyUI mapping (api.ComfyMapping): its generator a still picture (the 'still' hook: a
one-frame take, made first where a video's start image is that still, studio/convert/takes/still_first.py). The
loader ComfyUI loads it with, CheckpointLoaderSimple, loads SD 1.5, SD 2, SDXL and others alike, and its fine-tunes'
file names (dreamshaper_8, photon_v1, realisticVision...) name no version: the 'still_checkpoint' hook makes it the
family a whole checkpoint's still is read as where its file's name names no family and none of the other image
models' name parts it lists (OTHERS) (still_first.py says so;
Load Video Model tells the model from the file's tensors when it loads). Stability's release is told by its name.
Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

TITLE = "Stable Diffusion 1.5"
# parts of the released SD 1.5 checkpoints' file names (lower case): runwayml's and Stability's
FILES = ("v1-5-pruned", "sd-v1-5", "sd_v1-5", "stable-diffusion-v1-5")

# parts of other image models' checkpoint names (lower case) a whole checkpoint may hold: never read as SD 1.5's
# (Flux's and SD 3's all-in-one fp8 files, SDXL's fine-tunes, SD 2's releases...); such a still stays held, said
OTHERS = ("flux", "sd3", "sd_3", "stable-diffusion-3", "z_image", "z-image", "zimage", "qwen", "hidream", "hunyuan",
          "kolors", "pixart", "auraflow", "lumina", "cascade", "chroma", "cosmos", "wan2", "wan_", "ltx", "svd", "xl",
          "pony", "illustrious", "noob", "animagine", "sd2", "sd_2", "v2-", "768-v", "512-base", "playground", "sana")


def params(title: str, params: dict, said: list) -> None:
    """One picture a take: the empty latent's batch of one is its one frame."""
    params["frames"] = 1


MAPPING = ComfyMapping(key="sd15", title=TITLE, files=tuple((f, TITLE) for f in FILES),
                       hooks={"prompt_weights": "weighs",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
                              "still": True, "lora_text": True, "embeddings": True,
                              "own_scheduler": "the scheduler Studio gives its checkpoint (Euler on SD 1.5's betas)",
                              "still_checkpoint": OTHERS, "params": params},
                       flow=False)  # Euler on SD 1.5's betas: the generators' flow-matching samplers do not apply
