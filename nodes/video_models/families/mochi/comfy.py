"""Mochi 1's ComfyUI mapping (api.ComfyMapping): its empty latent (EmptyMochiLatentVideo: text to video) and
the names its model files carry; kijai's MochiWrapper read as those core nodes (comfy_wrapper.py). Read from a
diffusers folder (family.py): the workflow's files are named, the denoiser file set on Load Video Model with
'base' to be given. Plain data."""
from __future__ import annotations

from studio.convert.api import T2V, ComfyMapping, Task, held_task

from .comfy_wrapper import HELD, PACK, PREFIXES, translate
from .comfy_wrapper import TRANSLATED
from .comfy_wrapper import WIDGETS as WRAPPER_WIDGETS

# its node's settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order: comfy_extras/nodes_mochi.py)
WIDGETS = {"EmptyMochiLatentVideo": ("width", "height", "length", "batch_size"), **WRAPPER_WIDGETS,
           HELD: ("input", "from", "carries")}
FOLDER_ONLY = ("of Mochi's ComfyUI files ({files}) Studio reads the denoiser file over a diffusers Mochi folder "
               "given as Load Video Model's 'base' (its T5 text encoder and VAE come from that folder), which the "
               "workflow does not name: set 'base' to one")

MAPPING = ComfyMapping(
    key="mochi", title="Mochi 1",
    tasks={"EmptyMochiLatentVideo": Task("text to video", T2V, (), "Mochi 1"),
           HELD: Task("a video", None, family="Mochi 1", read=held_task("Mochi 1"))},
    files=(("mochi", "Mochi 1"),), folder_only=FOLDER_ONLY, widgets=WIDGETS,
    # kijai's ComfyUI-MochiWrapper read as the core nodes (comfy_wrapper.py)
    packs=tuple((p, PACK, "Mochi 1") for p in PREFIXES), translate=translate, translated=TRANSLATED,
    hooks={"load_formats": {"Mochi": (16, 6)}})  # VideoHelperSuite's load format 'Mochi': dim 16, 6n + 1 frames
