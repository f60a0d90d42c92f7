"""A latent's length wired from a video loader's own count of the frames it loads (VideoHelperSuite's VHS_LoadVideo
'frame_count': an INT output its pack declares, named a count, decoded_count.COUNTS), or from a count of that
loader's pictures, where the clip a generator input taking its length at 'frames' 0 is given comes from that loader
through steps each giving one picture (or pose) for each frame it is given: that count is the input's clip's length
when the workflow runs, as Studio makes the loader's frames (Load Video, its Frame Rate and Trim of the loader's own
settings), so the generator's 'frames' 0 takes it (mapping/folded_sizes._counted). A step keeps the count where it is
no pick of frames (takes.extend.pick_of), has no more than one picture input wired, and none of its settings is named
for frames, a count, a rate or a repeat (decoded_count.COUNTING: an interpolation's 'multiplier', a repeat's 'amount'),
by its declared inputs, else the names its file saves. Found by measures11 (issue 112): the wrapper's Wan Animate
examples set WanVideoAnimateEmbeds' num_frames from VHS_LoadVideo's frame_count, the pose clip drawn from the same
frames (DWPreprocessor; PoseAndFaceDetection and DrawViTPose), and were said "the generator's own is used". Plain
data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.decoded_count import COUNTS
from ..reading.workflow import LOADER_NODES, CNode
from ..takes.count_kept import keeps_count


def is_count(src: CNode, slot: int) -> bool:
    """True where output ``slot`` of video loader ``src`` is declared an INT named a count of its frames."""
    if LOADER_NODES.get(src.cls, ("", ""))[1] != "video":
        return False
    t = catalogue.node_type(src.origin or src.cls)
    outs = t.outputs if t is not None and t.outputs else ()
    return 0 <= slot < len(outs) and outs[slot].type == "INT" and (outs[slot].name or "").lower() in COUNTS


def record(b: Any, into: str, loader: CNode, walked: list[CNode], steps: list[CNode]) -> None:
    """``b.loaders_counted[into]`` = the video ``loader`` whose count of frames is the length of the clip the generator
    input ``into`` is given (``walked``: every node on the way from it; ``steps``: those Studio makes), where each step
    on the way keeps the count."""
    made = {n.id for n in steps}
    if LOADER_NODES.get(loader.cls, ("", ""))[1] == "video" and all(keeps_count(b.wf, n, made) for n in walked):
        b.__dict__.setdefault("loaders_counted", {})[into] = loader
