"""HunyuanVideo Framepack's ComfyUI mapping (api.ComfyMapping). ComfyUI has no FramePack nodes of its own: a
FramePack workflow is made with kijai's ComfyUI-FramePackWrapper, read as core nodes by comfy_wrapper.py, which
makes this family's task node (the sampler's start image and, where given, its end image: the Framepack node's
image and last image), its length in frames, section size and true cfg. Its DiT file is read with a diffusers
Framepack folder as 'base' (family.py). Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping, Generator, Task, held_task

from .comfy_hy import WIDGETS_HY
from .comfy_t2v import WIDGETS_T2V, translate
from .comfy_wrapper import HELD, PACK, PACK_NODES, PREFIXES, TASK, TASK_T2V, WIDGETS
from .comfy_timed import MOST
from .comfy_wrapper import TRANSLATED

TRANSLATED_ALL = {**TRANSLATED, **WIDGETS_HY, **WIDGETS_T2V}

TITLE = "HunyuanVideo Framepack"
# a fork's keyframes (comfy_timed): the task's key_i pictures and their seconds, the node's key_i / key_i_at
KEY_PORTS = tuple((f"key_{i}", f"key_{i}") for i in range(1, MOST + 1))
KEY_SETTINGS = tuple((f"key_{i}_at", f"key_{i}_at", "") for i in range(1, MOST + 1)) + (("timed_fps", "timed_fps", ""),)
NODE = "video_models.framepack"  # node.py
FOLDER_ONLY = ("of FramePack's ComfyUI files ({files}) Studio reads the DiT file over a diffusers Framepack folder "
               "given as Load Video Model's 'base' (its text encoders, SigLIP image encoder and VAE come from that "
               "folder), which the workflow does not name: set 'base' to one")

SETTINGS = (("latent_window_size", "window", ""), ("sections", "sections", ""), ("true_cfg", "true_cfg", ""),
            ("sampling", "sampling", ""), ("bucket", "bucket", ""), ("prompts", "prompts", ""),
            ("fps", "fps", "")) + KEY_SETTINGS
TASK_WIDGETS = ("length", "width", "height", "fps", "latent_window_size", "sections", "true_cfg", "sampling", "bucket",
                "prompts") + tuple(k for k, _, _ in KEY_SETTINGS)

MAPPING = ComfyMapping(
    key="framepack", title=TITLE,
    tasks={TASK: Task("image to video (FramePack)", NODE, (("start_image", "image"), ("end_image", "last_image"))
                      + KEY_PORTS, TITLE, settings=SETTINGS),
           # no start picture (dorpxam's F1 T2V: comfy_t2v): the Framepack node with no image
           TASK_T2V: Task("text to video (FramePack)", NODE, KEY_PORTS, TITLE, settings=SETTINGS),
           HELD: Task("a video", None, family=TITLE, read=held_task(TITLE))},
    generators=(Generator(NODE, describe=lambda inputs, params: ("a long take from a still (FramePack)"
                                                                  if "image" in inputs else
                                                                  "a long take from a prompt (FramePack)")
                          + (" to a last image" if "last_image" in inputs else "")),),
    files=(("framepack", TITLE),), folder_only=FOLDER_ONLY,
    widgets={**WIDGETS, **WIDGETS_HY, **WIDGETS_T2V, TASK: TASK_WIDGETS, TASK_T2V: TASK_WIDGETS,
             HELD: ("input", "from", "carries")},
    packs=tuple((p, PACK, TITLE) for p in PREFIXES), translate=translate, translated=TRANSLATED_ALL, pack_nodes=PACK_NODES)
