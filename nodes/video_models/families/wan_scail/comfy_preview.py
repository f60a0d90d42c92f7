"""SCAIL-Preview as ComfyUI workflows give it: kijai's WanVideoWrapper's WanVideoAddSCAILPoseEmbeds on a
WanVideoAddSCAILReferenceEmbeds on a WanVideoEmptyEmbeds, read by the wrapper's reading
(families/wan/comfy_wrapper_scail.py) as one node (``SCAIL_PREVIEW``) made into the SCAIL-Preview Character node: the
reference picture its reference, the pose pictures its pose clip, the empty embeds' width and height its size (where
multiples of 32, else said) and its num_frames its frames (0, the pose clip's length, where not a number); the
embeds' strengths and spans of steps, which the release does not have, said where they are not the whole.
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Generator, Task

from ..wan.comfy_wrapper_scail import SCAIL_PREVIEW
from .schedule import SHIFT

PREVIEW = "video_models.scail_preview"  # SCAIL-Preview Character: preview_node.py
DEFAULTS = {"width": 512, "height": 896}
MULTIPLE = 32
NOT_RELEASE = "the release has no such setting: Studio's SCAIL-Preview Character reads the {what} whole at every step"


def _whole(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def preview_settings(b, node: CNode | None, params: dict, loras: list, said: list[str], continued: bool = False):
    """Fill ``params`` from the ``SCAIL_PREVIEW`` node (``b``: the converter, for its workflow): its size where
    multiples of 32 (else said), its frames (0: the pose clip's, where not a number)."""
    if node is None:
        return loras
    wf = b.wf
    for k in ("width", "height"):
        v = _whole(wf.value(node, k))
        if v is not None and v > 0 and v % MULTIPLE == 0:
            params[k] = v
        else:
            said.append(f"the take's {k} " + (f"{v} is not a multiple of {MULTIPLE}" if v is not None else
                                              "is not known when converting") +
                        f": Studio's SCAIL-Preview Character makes {DEFAULTS[k]} (set its {k}, a multiple of 32)")
    n = _whole(wf.value(node, "length"))
    params["frames"] = n if n is not None and n > 0 else 0
    return loras


def _words(inputs, params) -> str:
    return "pose animation (SCAIL-Preview)"


def _span(name: str, what: str, default: float) -> tuple:
    return (name, None, f"{name.replace('_', ' ')}; " + NOT_RELEASE.format(what=what), default)


TASKS = {SCAIL_PREVIEW: Task("pose animation (SCAIL-Preview)", PREVIEW,
                             (("reference", "reference"), ("pose_video", "pose")), "SCAIL-Preview",
                             # the wrapper scales each embedding and applies it on a span of the steps (kijai's
                             # WanVideoWrapper, scail/nodes.py: strength, start_percent, end_percent); the release reads
                             # both whole at every step (zai-org/SCAIL sample_video.py), as the node does: said
                             settings=(_span("pose_strength", "pose", 1.0), _span("pose_start_percent", "pose", 0.0),
                                       _span("pose_end_percent", "pose", 1.0), _span("ref_strength", "reference", 1.0),
                                       _span("ref_start_percent", "reference", 0.0),
                                       _span("ref_end_percent", "reference", 1.0)))}
GENERATORS = (Generator(PREVIEW, settings=preview_settings, describe=_words, shift=SHIFT),)
