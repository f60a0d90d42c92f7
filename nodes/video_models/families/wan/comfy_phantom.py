"""Phantom-Wan (subject to video) as ComfyUI workflows give it, read as Studio's Phantom node (phantom/node.py):
ComfyUI's WanPhantomSubjectToVideo (comfy_extras/nodes_wan.py: 'images', width, height, length; its three
conditionings positive / negative_text / negative_img_text) and kijai's WanVideoWrapper's WanVideoPhantomEmbeds
(read as ``PHANTOM`` by comfy_wrapper_phantom.py). Their pictures are the node's references; the take's width, height
and frames theirs; the wrapper's phantom_cfg_scale the node's image guidance, its span of steps said where it is not
the whole take. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Generator, Task

from .comfy_wrapper_phantom import PHANTOM

NODE = "video_models.phantom"  # the Phantom node: phantom/node.py
CORE = "WanPhantomSubjectToVideo"
MULTIPLE = 16
DEFAULTS = {"width": 832, "height": 480}
REFS = (("images_1", "reference"), ("images_2", "reference_2"), ("images_3", "reference_3"),
        ("images_4", "reference_4"))
SPAN = ("outside it the wrapper samples without the references; Studio's Phantom reads them at every step, as the "
        "release does")


def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def phantom_settings(b, node: CNode | None, params: dict, loras: list, said: list[str], continued: bool = False):
    """Fill ``params`` from the task node (``b``: the converter, for its workflow): its size where a multiple of 16
    (else said), its frames (else said)."""
    if node is None:
        return loras
    wf = b.wf
    for k in ("width", "height"):
        v = _int(wf.value(node, k))
        if v is not None and v % MULTIPLE == 0:
            params[k] = v
        elif v is not None:
            said.append(f"the take's {k} {v} is not a multiple of {MULTIPLE}: Studio's Phantom makes {DEFAULTS[k]} "
                        f"(set its {k})")
        else:
            said.append(f"the take's {k} is not known when converting: Studio's Phantom makes {DEFAULTS[k]} (set its "
                        f"{k}, a multiple of {MULTIPLE})")
    length = _int(wf.value(node, "length"))
    if length is not None and length > 0:
        params["frames"] = length
    else:
        said.append("the take's length is not known when converting: Studio's Phantom makes 81 frames (set its "
                    "frames)")
    return loras


TASKS = {
    # kijai's WanVideoWrapper's Phantom embeds, read as one node (comfy_wrapper_phantom.py)
    PHANTOM: Task("subject to video (Phantom)", NODE, REFS, "Phantom-Wan",
                  settings=(("phantom_cfg_scale", "image_guidance", "", 5.0),
                            ("phantom_start_percent", None, "the first of the steps the references guide; " + SPAN,
                             0.0),
                            ("phantom_end_percent", None, "the last of the steps the references guide; " + SPAN,
                             1.0))),
    # ComfyUI's own: its 'images' (one picture, or a batch: each of its pictures a reference, phantom/node.py)
    CORE: Task("subject to video (Phantom)", NODE, (("images", "reference"),), "Phantom-Wan"),
}
WIDGETS = {CORE: ("width", "height", "length", "batch_size"),
           PHANTOM: ("num_frames", "phantom_cfg_scale", "phantom_start_percent", "phantom_end_percent", "width",
                     "height", "length")}
GENERATORS = (Generator(NODE, settings=phantom_settings,
                        describe=lambda inputs, params: "subject to video (Phantom)"),)
