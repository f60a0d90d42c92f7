"""HunyuanVideo's ComfyUI mapping (api.ComfyMapping): its empty latent (text to video), its image to video
node (HunyuanImageToVideo: the start image, its size and length read as Image to Video's, the
HunyuanVideo I2V model set on Load Video Model), its model files' names, and kijai's HunyuanVideoWrapper read
as those core nodes (comfy_wrapper.py). Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task, held_task

from .comfy_wrapper import HELD, PACK, PACK_NODES, PREFIXES, translate
from .comfy_wrapper import TRANSLATED
from .comfy_wrapper import WIDGETS as WRAPPER_WIDGETS

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "EmptyHunyuanLatentVideo": ("width", "height", "length", "batch_size"),
    "HunyuanImageToVideo": ("width", "height", "length", "batch_size", "guidance_type"),
    **WRAPPER_WIDGETS, HELD: ("input", "from", "carries"),
}

MAPPING = ComfyMapping(
    key="hunyuan", title="HunyuanVideo", empty=("EmptyHunyuanLatentVideo",),
    tasks={"HunyuanImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "HunyuanVideo",
                                       needs="start_image"),
           HELD: Task("a video", None, family="HunyuanVideo", read=held_task("HunyuanVideo"))},
    files=(("hunyuan_video", "HunyuanVideo"),), widgets=WIDGETS,
    # its image-to-video text encode: the prompt, with the start image the I2V pipeline's own Llava encoder reads
    # from the image given to Image to Video (as ComfyUI's CLIP-vision output interleaves it)
    prompt_nodes={"TextEncodeHunyuanVideo_ImageToVideo": "prompt"},
    # kijai's ComfyUI-HunyuanVideoWrapper read as the core nodes (comfy_wrapper.py)
    packs=tuple((p, PACK, "HunyuanVideo") for p in PREFIXES), translate=translate, translated=TRANSLATED, pack_nodes=PACK_NODES)
