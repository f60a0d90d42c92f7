"""HunyuanVideo's ComfyUI mapping (api.ComfyMapping): its empty latent (text to video), its image to video
node (HunyuanImageToVideo: the start image, its size and length read as Image to Video's, the
HunyuanVideo I2V model set on Load Video Model), its model files' names, and kijai's HunyuanVideoWrapper read
as those core nodes (comfy_wrapper.py). Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task, held_task

from . import comfy_skyreels as skyreels
from .comfy_interleave import say_interleave
from .comfy_wrapper import HELD, PACK, PACK_NODES, PREFIXES, translate
from .comfy_wrapper import TRANSLATED
from .comfy_wrapper import WIDGETS as WRAPPER_WIDGETS

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "EmptyHunyuanLatentVideo": ("width", "height", "length", "batch_size"),
    "HunyuanImageToVideo": ("width", "height", "length", "batch_size", "guidance_type"),
    **WRAPPER_WIDGETS, HELD: ("input", "from", "carries"),
}

# (inputs, outputs, category, optional inputs) of its empty latent as ComfyUI declares it (comfy_extras/
# nodes_hunyuan.py; MAX_RESOLUTION ComfyUI's 16384): /object_info and /prompt's (studio/serve/api/core_declared.py)
DECLARED = {"EmptyHunyuanLatentVideo": ({
    "width": ["INT", {"default": 848, "min": 16, "max": 16384, "step": 16}],
    "height": ["INT", {"default": 480, "min": 16, "max": 16384, "step": 16}],
    "length": ["INT", {"default": 25, "min": 1, "max": 16384, "step": 4}],
    "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}]}, ["LATENT"], "latent/video", ())}

# HunyuanImageToVideo's guidance_type: how its start picture conditions the take (comfy_extras/nodes_hunyuan.py:
# 'v1 (concat)' joins its latent and a mask to the noise's channels, 'v2 (replace)' gives it as the first latent
# frame, 'custom' as a reference latent only); Studio's pipeline conditions as its model's config says (diffusers'
# image_condition_type), so the setting is said, never dropped (heldout121 06)
GUIDANCE_TYPE = (("guidance_type", None, "how the start picture conditions the take: 'v1 (concat)' joins it to the "
                  "noise's channels, 'v2 (replace)' gives it as the first latent frame; Studio's HunyuanVideo I2V "
                  "conditions as its model's own config says (diffusers' image_condition_type)"),)

MAPPING = ComfyMapping(
    key="hunyuan", title="HunyuanVideo", empty=("EmptyHunyuanLatentVideo",),
    tasks={"HunyuanImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "HunyuanVideo",
                                       needs="start_image", read=skyreels.read,  # (SkyReels V1's by its file)
                                       settings=GUIDANCE_TYPE),
           HELD: Task("a video", None, family="HunyuanVideo", read=held_task("HunyuanVideo"))},
    # (its files named with and without the underscore: GGUF quantisations name it 'hunyuanvideo_Q4_K_M.gguf';
    # HunyuanVideo 1.5's longer keys are met first: the lookup tries the longest key first)
    files=(("hunyuan_video", "HunyuanVideo"), ("hunyuanvideo", "HunyuanVideo")), widgets=WIDGETS,
    # VideoHelperSuite's load format 'Hunyuan': dim 16, 4n + 1 frames
    hooks={"comfy_declared": DECLARED, "load_formats": {"Hunyuan": (16, 4)},
           "latent_stride": 4,  # ComfyUI's latents hold (length - 1) // 4 + 1 (mapping/latent_frames)
           # its execute: common_upscale(start_image[:length, :, :, :3], width, height, "bilinear", "center"),
           # comfy_extras/nodes_hunyuan.py (Image to Video's image_fit 'crop': mapping/picture_fit.py)
           "centre_cropped": {"HunyuanImageToVideo": ("start_image",)},
           # its Video to Video (v2v.py) takes a clip of one frame: num_frames 1 (4k + 1), its causal VAE
           # encoding a first frame alone (a picture re-made part way: mapping/one_frame.py)
           "one_frame_restyle": True,
           # its I2V Llava's picture: diffusers' pipeline gives it to base's image_processor (a CLIPImageProcessor,
           # do_center_crop): a CLIPVisionEncode's crop 'none' said not taken (mapping/image_crop.py; heldout121 06)
           "image_crop": {"HunyuanVideo": "center, base"},
           "prompt": say_interleave},  # its I2V text encode's image_interleave, said where not Studio's (comfy_interleave)
    # its image-to-video text encode: the prompt, with the start image the I2V pipeline's own Llava encoder reads
    # from the image given to Image to Video (as ComfyUI's CLIP-vision output interleaves it)
    prompt_nodes={"TextEncodeHunyuanVideo_ImageToVideo": "prompt"},
    # kijai's ComfyUI-HunyuanVideoWrapper read as the core nodes (comfy_wrapper.py)
    packs=tuple((p, PACK, "HunyuanVideo") for p in PREFIXES), translate=translate, translated=TRANSLATED, pack_nodes=PACK_NODES)
