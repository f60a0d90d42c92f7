"""SkyReels V1's ComfyUI mapping (api.ComfyMapping, found by studio.convert's discovery): the name its image-to-video
file carries (kijai's Kijai/SkyReels-V1-Hunyuan_comfy 'skyreels_hunyuan_i2v_bf16' / '_fp8_e4m3fn'), read as one
transformer file over a diffusers folder (family.py). Its workflows are HunyuanVideo's (kijai's HunyuanVideoWrapper's
HyVideoSampler given HyVideoEncode's start image, or ComfyUI's HunyuanImageToVideo): HunyuanVideo's mapping reads
them, and tells this family's task by the model file (families/hunyuan/comfy_skyreels.py). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

TITLE = "SkyReels V1 (HunyuanVideo)"
FOLDER_ONLY = ("of SkyReels V1's ComfyUI files ({files}) Studio reads the transformer file over a diffusers folder "
               "given as Load Video Model's 'base', SkyReels V1's or HunyuanVideo's (its Llama and CLIP text encoders, "
               "VAE and scheduler), which the workflow does not name: set 'base' to one")

# its pipeline's guidance (HunyuanSkyreelsImageToVideoPipeline.__call__ in diffusers 0.42.1): true CFG at 6
# (true_cfg_scale's default, which Studio's generator does not set) wherever a negative prompt is given, beside the
# embedded guidance, whose default ComfyUI runs HunyuanVideo's models at is 6 too (model_base's HunyuanVideo)
TRUE_CFG = EMBEDDED = 6.0

MAPPING = ComfyMapping(key="hunyuan_skyreels", title=TITLE, files=(("skyreels_hunyuan_i2v", TITLE),),
                       folder_only=FOLDER_ONLY, hooks={"embedded_guidance": EMBEDDED, "true_cfg": TRUE_CFG})
