"""SkyReels-V2's ComfyUI mapping (api.ComfyMapping, found by studio.convert's discovery): the names its model files
carry (Kijai's 'Wan2_1-SkyReels-V2-DF-...' files name Wan 2.1 too: the longer, SkyReels-V2's, is asked first), read
from a diffusers folder (family.py: a denoiser file over a 'base' folder), and kijai's ComfyUI-WanVideoWrapper's
diffusion-forcing sampler read as core nodes, a chain of its extensions as one continued take (comfy_forcing.py).
Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

from .comfy_forcing import DF, DF_WIDGETS, translate

TITLE = "SkyReels-V2"
FOLDER_ONLY = ("of SkyReels-V2's ComfyUI files ({files}) Studio reads the denoiser file over a SkyReels-V2 diffusers "
               "folder given as Load Video Model's 'base' (its UMT5 text encoder, VAE and scheduler; a diffusion-forcing "
               "(DF) folder for a DF file, whose pipelines make its long takes), which the workflow does not name: set "
               "'base' to one")

MAPPING = ComfyMapping(
    key="skyreels", title=TITLE, hooks={"prompt_weights": "weighs"},
    files=(("skyreels-v2", TITLE), ("skyreels_v2", TITLE)), folder_only=FOLDER_ONLY,
    widgets={DF: DF_WIDGETS}, translate=translate, translated={DF: DF_WIDGETS})
