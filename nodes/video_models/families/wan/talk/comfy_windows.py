"""The windows of a continued InfiniteTalk take joined on the output's way (comfy_talk's 'Video Extend' groups): a later
window's decoded frames cut by the node reading its trim_image (WanInfiniteTalkToVideo's fifth output: the frames the
window repeats from the one before, given to ImageFromBatch's batch_index) and batched after the earlier windows'
frames (ImageBatch): what Studio's InfiniteTalk does itself in the one continued take (each later window's frames kept
from motion_frames on). Read, said once; a cut keeping fewer frames than the window makes is left to its own sentence.
Types read from the catalogue (studio.convert.api.node_type); ComfyUI read for meaning only."""
from __future__ import annotations

from studio.convert.api import CNode, node_type

TRIM_OUT = 4  # WanInfiniteTalkToVideo's 'trim_image' output


def _images_in(n: CNode) -> list[str]:
    t = node_type(n.cls)
    return [i.name for i in t.inputs if i.type == "IMAGE" and i.name in n.links] if t is not None and t.inputs else []


_name = CNode.named  # the node in a sentence


def joined_windows(b, later: list[CNode], up: list[CNode], keep: int, said: list[str]) -> None:
    """The cuts and batches joining ``later`` windows (each keeping ``keep`` frames after the repeated ones) on the
    output's way ``up``: read as the continued take, said."""
    ids = {n.id for n in later}
    trims = []
    for n in up:
        if n.enabled and any(tuple(src) == (i, TRIM_OUT) for src in n.links.values() for i in ids):
            length = b.wf.value(n, "length") if "length" in n.widgets or "length" in n.links else None
            if isinstance(length, int) and not isinstance(length, bool) and length < keep:
                return  # it keeps fewer frames than the window makes: not the continued take's join
            trims.append(n)
    joined, joins = {n.id for n in trims}, []
    grew = bool(trims)
    while grew:
        grew = False
        for n in up:
            ins = _images_in(n)
            if n.enabled and n.id not in joined and len(ins) >= 2 and any(n.links[k][0] in joined for k in ins):
                joined.add(n.id)
                joins.append(n)
                grew = True
    if not trims or not joins:
        return
    b.used.update(joined)
    said.append(f"{', '.join(_name(n) for n in trims)} {'cut' if len(trims) > 1 else 'cuts'} from each later window "
                f"the frames it repeats (its trim_image) and {', '.join(_name(n) for n in joins)} "
                f"{'put' if len(joins) > 1 else 'puts'} the windows one after the other: the one continued take "
                "Studio's InfiniteTalk makes does so itself")
