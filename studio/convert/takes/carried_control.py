"""A file the generator already takes that reaches the sampler a second time through a control step Studio does not
read (a ControlNet apply of any pack, told by its declared CONTROL_NET input): the task is still the one the file is
wired into (the clip VAE-encoded as the latent: video to video), and the control step is said not applied by the
passing rules; only a file the generator does not take makes another task (ledger.blocked).

Found by the nineteenth held-out set: an AnimateDiff LCM restyle whose clip is also turned into soft edges for a
ControlNet was held as "a video from video given to the sampler by ControlNetApplyAdvanced ... made from the prompt
alone, it would be another video" (false: the clip is the latent; Studio makes that restyle)."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from ..tracing.control_apply import is_control
from ..tracing.roles import out_types
from .. import catalogue


def lost_files(b: Any, inputs: dict, pairs: list[tuple[CNode, CNode]]) -> list[CNode]:
    """The files of ``pairs`` ((file, the node Studio does not read on its way to the sampler), ledger.blocked)
    that make another task: not one the generator already takes (``inputs``: its input -> (ComfyUI node, ...))
    reaching the sampler again through a control step."""
    taken = {v[0].id for v in inputs.values() if v and isinstance(v[0], CNode)}
    return [f for f, via in pairs if not (f.id in taken and (is_control(via) or _vision(b, via)))]


def _vision(b: Any, via: CNode) -> bool:
    """``via`` gives only a CLIP-vision encoding (its declared outputs: CLIP_VISION_OUTPUT): of a picture the generator
    takes already, that is the encoding Studio's image to video makes of its own picture, not another task (heldout54
    04: a talking avatar's start picture, also CLIP-encoded by the wrapper's node, was said held by that node)."""
    t = catalogue.node_type(via.cls)  # (a pack's twin read as ComfyUI's CLIPVisionEncode: the type it is read as)
    kinds = set(t.output_types) if t is not None and t.output_types else out_types(b.wf, via)
    return kinds == {"CLIP_VISION_OUTPUT"}
