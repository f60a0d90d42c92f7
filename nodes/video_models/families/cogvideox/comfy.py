"""CogVideoX's ComfyUI mapping (api.ComfyMapping). ComfyUI has no CogVideoX nodes of its own: a CogVideoX workflow
is made with kijai's ComfyUI-CogVideoXWrapper, read as core nodes by comfy_wrapper.py, which makes this family's
two node types: the wrapper's start-image encode as the image-to-video task, and the empty latent with the
sampler's length (text to video). A start and an end image (the wrapper's interpolation) is a task Studio's
CogVideoX cannot do, said. VideoX-Fun's own CogVideoX-Fun nodes are read by comfy_videox_fun.py (its InP
samplers held in words). Read from a diffusers folder (family.py): the wrapper's loader names the diffusers
repository it downloads, the folder Load Video Model reads. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, T2V, ComfyMapping, Generator, Task, held_task

from .comfy_videox_fun import INP_MADE, INP_TASK, INP_WIDGETS, inp_task, translate as fun_translate
from .comfy_videox_fun_older import read_older
from .comfy_wrapper import EMPTY, FUN_CONTROL_TASK, HELD, IMAGE_TASK, PACK, PACK_NODES, PREFIXES, WIDGETS
from .comfy_wrapper import TRANSLATED
from .comfy_wrapper import translate as wrapper_translate

TITLE = "CogVideoX"
FUN_CONTROL = "video_models.cogvideox_fun_control"  # fun_control.py's node
FUN_INP = "video_models.cogvideox_fun_inp"  # fun_inp.py's node
FOLDER_ONLY = ("of CogVideoX's ComfyUI files ({files}) Studio reads the diffusers folder the loader names, "
               "whole ('org/name' in a models folder or the Hugging Face cache): its T5 text encoder and VAE come "
               "from that folder; kijai's wrapper's own download (models/CogVideo/<name>) leaves the text encoder out, "
               "VideoX-Fun's (models/Fun_Models/<name>) holds its parts in diffusers' subfolders")
# the start-image encode's settings Studio's Image to Video has no counterpart for, said where set (value, default)
ENCODE_SETTINGS = (("noise_aug_strength", 0.0, "noise added to the start image"),
                   ("strength", 1.0, "the start image's latents scaled"),
                   ("start_percent", 0.0, "the start image held from this part of the schedule"),
                   ("end_percent", 1.0, "the start image held until this part of the schedule"))


def _read_encode(b, node, up, spec, inputs, said):
    """The wrapper's encode with an end image too (its interpolation model) is first and last frames, which
    diffusers' CogVideoX image to video cannot make; its other settings said where not the defaults."""
    if "end_image" in node.links:
        return Task("first-and-last-frame video", None, family=TITLE,
                    cannot="make first-and-last-frame video with CogVideoX (diffusers' CogVideoX image to video takes "
                           "a start image only)")
    for name, default, words in ENCODE_SETTINGS:
        v = b.wf.value(node, name)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v != default:
            said.append(f"{node.shown_cls}'s {name} {v:g} ({words}) is not taken")
    return None




def _inp_words(inputs) -> str:
    """The CogVideoX Fun InP node's task in words, from the inputs wired into it."""
    if "video" in inputs:
        return "video to video (CogVideoX-Fun InP)"
    if "image" in inputs:
        return ("first-and-last-frame video" if "last_image" in inputs else "image to video") + " (CogVideoX-Fun InP)"
    return "text to video (CogVideoX-Fun InP)"


def translate(wf):
    """kijai's CogVideoXWrapper's nodes and VideoX-Fun's CogVideoX-Fun nodes, read as ComfyUI's own."""
    return wrapper_translate(wf) + read_older(wf) + fun_translate(wf)  # (the older CogVideoX-Fun names first)


MAPPING = ComfyMapping(
    key="cogvideox", title=TITLE, hooks={"prompt_weights": "weighs"},
    tasks={IMAGE_TASK: Task("image to video", I2V, (("start_image", "image"),), TITLE, read=_read_encode),
           EMPTY: Task("text to video", T2V, (), TITLE),
           FUN_CONTROL_TASK: Task("control video (Fun Control)", FUN_CONTROL, (("start_image", "control"),), TITLE),
           HELD: Task("a video", None, family=TITLE, read=held_task(TITLE)),
           INP_TASK: Task("a video", None, family=TITLE, read=inp_task),
           INP_MADE: Task("video (CogVideoX-Fun InP)", FUN_INP, (("start_img", "image"), ("end_img", "last_image"),
                                                               ("validation_video", "video")), TITLE,
                          settings=(("strength", "strength", ""),))},
    generators=(Generator(FUN_CONTROL, describe=lambda inputs, params: "control video (CogVideoX Fun Control)",
                          rate=8.0),  # (fun_control.py's FPS: the node has no rate setting)
                Generator(FUN_INP, describe=lambda inputs, params: _inp_words(inputs), rate=8.0)),
    files=(("cogvideo", TITLE),), folder_only=FOLDER_ONLY,
    widgets={**{k: v for k, v in WIDGETS.items() if k != IMAGE_TASK},
             IMAGE_TASK: WIDGETS[IMAGE_TASK], EMPTY: ("width", "height", "length", "batch_size"),
             FUN_CONTROL_TASK: WIDGETS[IMAGE_TASK], HELD: ("input", "from", "carries"),
             INP_TASK: ("model", "task", "sampler"), INP_MADE: INP_WIDGETS},
    packs=tuple((p, PACK, TITLE) for p in PREFIXES), translate=translate, translated=TRANSLATED, pack_nodes=PACK_NODES,
    flow=False)  # CogVideoX's DDIM / DPM schedulers: the generators' flow-matching samplers do not apply
