"""Stable Diffusion XL's ComfyUI mapping (api.ComfyMapping): its checkpoints told by their file names (the same
loader, CheckpointLoaderSimple, loads SD 1.5, SDXL and others: nothing declared tells them apart), its generator a
still picture (the 'still' hook: a one-frame take, made first where a video's start image is that still,
studio/convert/takes/still_first.py). Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

from .comfy_prompt import NODE, read_sdxl_prompt

TITLE = "Stable Diffusion XL"
# parts of the released SDXL checkpoints' file names (lower case): Stability's base, and the fine-tunes named for it
FILES = ("sd_xl", "sdxl", "sd-xl", "realvisxl", "juggernautxl", "dreamshaperxl")
# parts of SDXL fine-tunes' whole checkpoints' names (lower case: 'novaAnimeXL_ilV140', Pony's, Illustrious',
# NoobAI's, Animagine's), read as SDXL's where no other image model's part is in the name (the 'still_names' hook)
FINE_TUNES = ("xl", "pony", "illustrious", "noob", "animagine")


def params(title: str, params: dict, said: list) -> None:
    """One picture a take: the empty latent's batch of one is its one frame."""
    params["frames"] = 1


MAPPING = ComfyMapping(key="sdxl", title=TITLE, files=tuple((f, TITLE) for f in FILES),
                       prompt_nodes={NODE: "text_g"},  # its bigG prompt; what is not taken said (comfy_prompt.py)
                       hooks={"prompt_weights": "weighs",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
                              "still": True, "lora_text": True,
                              "embeddings": True,  # ComfyUI's 'embedding:NAME' loaded (loading/embeddings.py)
                              "still_names": FINE_TUNES, "params": params, "prompt": read_sdxl_prompt,
                              # (read from ComfyUI's checkpoint alone, no model folder: configs.SCHEDULER, heldout74)
                              "own_scheduler": "the scheduler Studio gives its checkpoint (SDXL's released Euler on "
                                               "scaled linear betas 0.00085-0.012)"},
                       flow=False)  # SDXL's Euler scheduler: the generators' flow-matching samplers do not apply
