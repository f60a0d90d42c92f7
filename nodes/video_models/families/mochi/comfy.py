"""Mochi 1's ComfyUI mapping (api.ComfyMapping): its empty latent (EmptyMochiLatentVideo: text to video) and
the names its model files carry. Read from a diffusers folder (family.py): the workflow's files are named, the
denoiser file set on Load Video Model with 'base' to be given. Plain data."""
from __future__ import annotations

from studio.convert.api import T2V, ComfyMapping, Task

# its node's settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order: comfy_extras/nodes_mochi.py)
WIDGETS = {"EmptyMochiLatentVideo": ("width", "height", "length", "batch_size")}
FOLDER_ONLY = ("of Mochi's ComfyUI files ({files}) Studio reads the denoiser file, with 'base' set to a diffusers "
               "Mochi folder (its T5 text encoder and VAE come from that folder)")

MAPPING = ComfyMapping(
    key="mochi", title="Mochi 1",
    tasks={"EmptyMochiLatentVideo": Task("text to video", T2V, (), "Mochi 1")},
    files=(("mochi", "Mochi 1"),), folder_only=FOLDER_ONLY, widgets=WIDGETS)
