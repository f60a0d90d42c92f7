"""HunyuanVideo's ComfyUI mapping (api.ComfyMapping): its empty latent (text to video), its image to video
node (HunyuanImageToVideo: the start image, its size and length read as Image to Video's, the
HunyuanVideo I2V model set on Load Video Model) and its model files' names. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "EmptyHunyuanLatentVideo": ("width", "height", "length", "batch_size"),
    "HunyuanImageToVideo": ("width", "height", "length", "batch_size", "guidance_type"),
}

MAPPING = ComfyMapping(
    key="hunyuan", title="HunyuanVideo", empty=("EmptyHunyuanLatentVideo",),
    tasks={"HunyuanImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "HunyuanVideo",
                                       needs="start_image")},
    files=(("hunyuan_video", "HunyuanVideo"),), widgets=WIDGETS,
    # its image-to-video text encode: the prompt, with the start image the I2V pipeline's own Llava encoder reads
    # from the image given to Image to Video (as ComfyUI's CLIP-vision output interleaves it)
    prompt_nodes={"TextEncodeHunyuanVideo_ImageToVideo": "prompt"})
