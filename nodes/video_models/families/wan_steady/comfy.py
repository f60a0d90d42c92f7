"""SteadyDancer as ComfyUI workflows give it: kijai's WanVideoWrapper's WanVideoAddSteadyDancerEmbeds on a
WanVideoImageToVideoEncode, read by the wrapper's reading (families/wan/comfy_wrapper_steady.py) as one node
(``STEADY``) made into the SteadyDancer node: its start image the reference, the pose clip encoded on
'pose_latents_positive' the pose, the one on 'pose_latents_negative' the negative pose; width, height and frames the
image-to-video encode's. The wrapper's pose strengths and the span of steps the pose steers have no counterpart in
the release (its pose modules are applied whole, at every step): said where they are not the wrapper's defaults.
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, ComfyMapping, Generator, Task

from ..wan.comfy_wrapper_steady import STEADY

DANCER = "video_models.steady_dancer"  # the SteadyDancer node: node.py
MULTIPLE = 16


def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def steady_settings(b, node: CNode, params: dict, loras: list, said: list[str], continued: bool = False) -> list:
    """Fill ``params`` from the ``STEADY`` node (``b``: the converter, for its workflow): its size where a multiple
    of 16 (else said), its frames; the LoRAs the Studio graph keeps (all of them)."""
    wf = b.wf
    for k in ("width", "height"):
        v = _int(wf.value(node, k))
        default = params.get(k, 480 if k == "width" else 832)
        if v is not None and v % MULTIPLE == 0:
            params[k] = v
        elif v is not None:
            said.append(f"the take's {k} {v} is not a multiple of {MULTIPLE}: Studio's SteadyDancer makes {default} "
                        f"(set its {k})")
        else:
            said.append(f"the take's {k} is not known when converting: Studio's SteadyDancer makes {default} (set its "
                        f"{k}, a multiple of {MULTIPLE})")
    length = _int(wf.value(node, "length"))
    params["frames"] = length if length is not None and length > 0 else 0
    if length is None:
        said.append("the take's length is not known when converting: Studio's SteadyDancer makes it as long as its "
                    "pose clip (frames 0)")
    return loras


def _words(inputs, params) -> str:
    return "pose animation (SteadyDancer)"


NOT_IN_RELEASE = "the release applies its pose modules whole at every step; Studio's SteadyDancer does"

MAPPING = ComfyMapping(
    key="wan_steady", title="SteadyDancer",
    # MCG-NJU's SteadyDancer (Wan 2.1 I2V 14B with pose modules): the reference, the pose clip and the negative
    # pose clip; read from the wrapper's embeds by families/wan/comfy_wrapper_steady.py
    tasks={STEADY: Task("pose animation (SteadyDancer)", DANCER,
                        (("start_image", "reference"), ("pose_video", "pose"), ("negative_pose_video", "negative_pose")),
                        "SteadyDancer",
                        settings=(("pose_strength_spatial", None, NOT_IN_RELEASE, 1.0),
                                  ("pose_strength_temporal", None, NOT_IN_RELEASE, 1.0),
                                  ("start_percent", None, NOT_IN_RELEASE, 0.0),
                                  ("end_percent", None, NOT_IN_RELEASE, 1.0)))},
    generators=(Generator(DANCER, settings=steady_settings, describe=_words),))
