"""SteadyDancer as ComfyUI workflows give it: kijai's WanVideoWrapper's WanVideoAddSteadyDancerEmbeds on a
WanVideoImageToVideoEncode, read by the wrapper's reading (families/wan/comfy_wrapper_steady.py) as one node
(``STEADY``) made into the SteadyDancer node: its start image the reference, the pose clip encoded on
'pose_latents_positive' the pose, the one on 'pose_latents_negative' the negative pose; width, height and frames the
image-to-video encode's, its pose strengths the node's (they scale the pose's two refinements, as the wrapper's
model does); the span of steps the wrapper's pose steers is said where it is not the whole take.
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, ComfyMapping, Generator, Task

from ..wan.comfy_take_size import take_size, whole
from ..wan.comfy_wrapper_steady import STEADY
from .schedule import SHIFT

DANCER = "video_models.steady_dancer"  # the SteadyDancer node: node.py


def steady_settings(b, node: CNode, params: dict, loras: list, said: list[str], continued: bool = False) -> list:
    """Fill ``params`` from the ``STEADY`` node (``b``: the converter, for its workflow): its size where a multiple
    of 16 (else said), its frames; the LoRAs the Studio graph keeps (all of them)."""
    wf = b.wf
    take_size(wf, node, params, said, "SteadyDancer", {"width": params.get("width", 480),
                                                       "height": params.get("height", 832)})
    length = whole(wf.value(node, "length"))
    params["frames"] = length if length is not None and length > 0 else 0
    if length is None:
        said.append("the take's length is not known when converting: Studio's SteadyDancer makes it as long as its "
                    "pose clip (frames 0)")
    return loras


def _words(inputs, params) -> str:
    return "pose animation (SteadyDancer)"


SPAN = ("outside it the wrapper samples without the pose, as plain image to video; Studio's SteadyDancer reads the "
        "pose at every step")

MAPPING = ComfyMapping(
    key="wan_steady", title="SteadyDancer",
    # MCG-NJU's SteadyDancer (Wan 2.1 I2V 14B with pose modules): the reference, the pose clip and the negative
    # pose clip; read from the wrapper's embeds by families/wan/comfy_wrapper_steady.py
    tasks={STEADY: Task("pose animation (SteadyDancer)", DANCER,
                        (("start_image", "reference"), ("pose_video", "pose"), ("negative_pose_video", "negative_pose")),
                        "SteadyDancer",
                        # the wrapper's strengths scale the pose's two refinements (the node's settings of those
                        # names); its span of steps is said (kijai's WanVideoWrapper, wanvideo/modules/model.py)
                        settings=(("pose_strength_spatial", "pose_strength_spatial", "", 1.0),
                                  ("pose_strength_temporal", "pose_strength_temporal", "", 1.0),
                                  ("start_percent", None, "the first of the steps it steers; " + SPAN, 0.0),
                                  ("end_percent", None, "the last of the steps it steers; " + SPAN, 1.0)))},
    # its model read from ComfyUI's files gets Studio's flow UniPC at the release's shift (schedule.py, parts.py)
    generators=(Generator(DANCER, settings=steady_settings, describe=_words, shift=SHIFT),))
