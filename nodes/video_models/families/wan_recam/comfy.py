"""ReCamMaster as ComfyUI workflows give it: kijai's WanVideoWrapper's camera embeds (poses and a source clip's
latents), read by the wrapper's reading (families/wan/comfy_wrapper_recam.py) as one node (``RECAM``) made into the
ReCamMaster node: the encoded clip its source, the chosen path its 'camera_path'; the take as long as the clip and of
its size (width and height 0: the clip's), as the wrapper's embeds take them from the clip's latents.
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, ComfyMapping, Generator, Task

from ..wan.comfy_wrapper_recam import RECAM
from .schedule import FRAMES, PRESETS, SHIFT

NODE = "video_models.recammaster"  # the ReCamMaster node: node.py


def recam_settings(b, node: CNode, params: dict, loras: list, said: list[str], continued: bool = False) -> list:
    """Fill ``params`` from the ``RECAM`` node: its path where one of the release's ten (else said, the node's
    default kept), the take the source clip's length and size (0s)."""
    path = b.wf.value(node, "camera_type")
    if path in PRESETS:
        params["camera_path"] = path
    else:
        said.append(f"the camera path {path!r} is not one of ReCamMaster's ten ({', '.join(PRESETS)}): Studio's "
                    "ReCamMaster makes 'pan_right' (set its camera_path)")
    params.update(frames=0, width=0, height=0)
    said.append(f"the take is the source clip's length (at most {FRAMES} frames) and size, as the wrapper's embeds "
                "take them from its latents")
    return loras


def _words(inputs, params) -> str:
    return "camera re-shoot (ReCamMaster)"


MAPPING = ComfyMapping(
    key="wan_recam", title="ReCamMaster",
    # KwaiVGI's ReCamMaster (Wan 2.1 T2V 1.3B with a camera encoder in every block): the source clip and the path;
    # read from the wrapper's camera embeds by families/wan/comfy_wrapper_recam.py
    tasks={RECAM: Task("camera re-shoot (ReCamMaster)", NODE, (("source_video", "source"),), "ReCamMaster",
                       settings=(("camera_type", "camera_path", "", None),))},
    # its model read from ComfyUI's files gets Studio's flow UniPC at the release's shift (schedule.py, parts.py)
    generators=(Generator(NODE, settings=recam_settings, describe=_words, shift=SHIFT),))
