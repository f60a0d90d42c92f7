"""Cosmos's ComfyUI mapping (api.ComfyMapping): Cosmos 1.0's image-to-video latent (CosmosImageToVideoLatent,
its 7B and 14B Video2World models) and empty latent (EmptyCosmosLatentVideo: Text2World), and Cosmos
Predict2's image-to-video latent (CosmosPredict2ImageToVideoLatent), each with its start image; the names
its model files carry. Its families are read from diffusers folders (family.py: no part reader), so the
workflow's files are named, the denoiser file set on Load Video Model with 'base' to be given. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order: comfy_extras/nodes_cosmos.py)
WIDGETS = {
    "EmptyCosmosLatentVideo": ("width", "height", "length", "batch_size"),
    "CosmosImageToVideoLatent": ("width", "height", "length", "batch_size"),
    "CosmosPredict2ImageToVideoLatent": ("width", "height", "length", "batch_size"),
}
FOLDER_ONLY = ("of Cosmos's ComfyUI files ({files}) Studio reads the denoiser file over a diffusers Cosmos folder "
               "of the same generation given as Load Video Model's 'base' (its T5 text encoder and VAE come from "
               "that folder), which the workflow does not name: set 'base' to one")

MAPPING = ComfyMapping(
    key="cosmos", title="Cosmos",
    tasks={"CosmosImageToVideoLatent": Task("image to video", I2V, (("start_image", "image"),), "Cosmos 1.0",
                                            needs="start_image"),
           "CosmosPredict2ImageToVideoLatent": Task("image to video", I2V, (("start_image", "image"),),
                                                    "Cosmos Predict2", needs="start_image")},
    empty=("EmptyCosmosLatentVideo",),
    files=(("cosmos-1", "Cosmos 1.0"), ("cosmos_1", "Cosmos 1.0"), ("cosmos-predict2", "Cosmos Predict2"),
           ("cosmos_predict2", "Cosmos Predict2"), ("cosmos", "Cosmos 1.0")),
    folder_only=FOLDER_ONLY, widgets=WIDGETS,
    hooks={"load_formats": {"Cosmos": (16, 8)},  # VideoHelperSuite's load format 'Cosmos': dim 16, 8n + 1 frames
           # both encode their start image through vae_encode_with_padding: common_upscale(image, width, height,
           # "bilinear", "center"), comfy_extras/nodes_cosmos.py (Image to Video's image_fit 'crop':
           # studio/convert/mapping/picture_fit.py)
           "centre_cropped": {"CosmosImageToVideoLatent": ("start_image",),
                              "CosmosPredict2ImageToVideoLatent": ("start_image",)}})
