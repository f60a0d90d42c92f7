"""EasyAnimate's ComfyUI mapping (api.ComfyMapping). ComfyUI has no EasyAnimate nodes of its own: an EasyAnimate
workflow is made with the release's own node pack, read as core nodes by comfy_pack.py, which makes this family's
task nodes: the empty latent of text to video (the sampler's size and length), the image-to-video task (its start
image, and its end image: first and last frames) and the control task (the V2V sampler's control clip and reference
image: EasyAnimate Control); a camera path made by the pack's camera nodes is held in one sentence. Read from a
diffusers folder (family.py): the loader's model folder names the release the diffusers folder holds. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, T2V, ComfyMapping, Generator, Task, held_task

from .comfy_pack import CONTROL_TASK, EMPTY, HELD, IMAGE_TASK, PACK, PACK_NODES, PREFIXES, WIDGETS, translate

TITLE = "EasyAnimate"
CONTROL = "video_models.easyanimate_control"  # control.py's node
FOLDER_ONLY = ("of EasyAnimate's files ({files}) Studio reads a diffusers folder whole: the pack's model folder "
               "(models/EasyAnimate/<name>) is the release's own layout; point 'model' at the same release's diffusers "
               "folder (its '-diffusers' repository), whose Qwen2-VL text encoder and MagViT VAE it holds")

MAPPING = ComfyMapping(
    key="easyanimate", title=TITLE,
    tasks={EMPTY: Task("text to video", T2V, (), TITLE),
           IMAGE_TASK: Task("image to video", I2V, (("start_image", "image"), ("end_image", "last_image")), TITLE),
           CONTROL_TASK: Task("control video (EasyAnimate Control)", CONTROL,
                              (("control_video", "control"), ("ref_image", "image")), TITLE),
           HELD: Task("a video", None, family=TITLE, read=held_task(TITLE))},
    generators=(Generator(CONTROL, describe=lambda inputs, params: "control video (EasyAnimate Control)",
                          rate=8.0),),  # (control.py's FPS: the node has no rate setting)
    files=(("easyanimate", TITLE),), folder_only=FOLDER_ONLY, widgets=WIDGETS,
    packs=tuple((p, PACK, TITLE) for p in PREFIXES), translate=translate, pack_nodes=PACK_NODES)
