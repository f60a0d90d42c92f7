"""A written rate (CreateVideo's fps) given by the rate of a loaded clip (GetVideoComponents' 'fps' of ComfyUI's
LoadVideo: one VIDEO socket, IMAGE and a FLOAT 'fps' out, by declared types) whose frames Studio gives the generator
on an input whose rate its 'fps' 0 takes (the Studio node's declared rate_ports: Wan VACE's and Video to Video's
'video'): not known when converting, but the take is made at it when it runs, said so (heldout55 10: "given by a node
Studio cannot work out when converting: the video's rate is not taken from it", while Wan VACE at 'fps' 0 made the
clip's rate). The steps Studio makes on that input's way (Trim, Scale, Crop, a mask's) keep the clip's rate. Also a
VideoHelperSuite Video Info node's fps of a loader reading its file's every frame at the file's rate (info_rate:
heldout75 04). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.aspect_size import plain_name
from ..reading.clip_info_rate import info_rate
from ..reading.loaded_clip import components_input
from ..reading.workflow import LOADER_NODES, CNode
from .. import catalogue


def _rate_of(b: Any, n: CNode, k: str) -> CNode | None:
    """The video loader whose clip's rate ``n``'s ``k`` is given (a node taking that VIDEO alone and giving its 'fps';
    a Video Info node of a loader reading its file's frames at their own rate, info_rate), else None."""
    src = b.wf.source(n, k)
    if src is None:
        return None
    if (into := components_input(src)) is None:
        return info_rate(b.wf, src, n.links[k][1])
    t = catalogue.node_type(src.origin or src.cls)
    slot = n.links[k][1]
    outs = t.outputs or () if t is not None else ()
    if not 0 <= slot < len(outs) or plain_name(outs[slot].name) != "fps":
        return None
    loader = b.wf.source(src, into)
    return loader if loader is not None and LOADER_NODES.get(loader.cls, ("", ""))[1] == "video" else None


def said(b: Any, n: CNode, k: str) -> str | None:
    """The sentence for ``n``'s rate ``k`` where it is the rate of a clip the generator being made takes its own rate
    from at 'fps' 0 (see above); else None."""
    loader = _rate_of(b, n, k)
    if loader is None:
        return None
    try:
        spec = b.g.registry.get(b.task_now) if getattr(b, "task_now", None) else None
    except Exception:  # (a type the registry lacks)
        return None
    ports = spec.ports("rate") if spec is not None else ()  # (declared: no node module imported; a generator with
    # no 'fps' setting whose take has its rate port's clip's rate: takes.unset_rate, clip_made below)
    into = next((i for i, (_, ld) in getattr(b, "clips_given", {}).items() if i in ports and ld.id == loader.id), None)
    if into is None:
        return None
    src = b.wf.source(n, k)
    made = (f"{spec.title}'s 'fps' 0 takes the rate of its '{into}', that clip," if spec.param("fps") is not None else
            f"{spec.title}, which has no rate setting, makes its take at the rate of its '{into}', that clip,")
    return (f"'{n.title or n.shown_cls}' (#{n.id})'s {k} is the rate of the clip {loader.named()} loads "
            f"({src.named()} gives it), not known when converting: {made} when it runs")


def clip_made(b: Any) -> bool:
    """Whether the generator being made has no 'fps' setting and declares the clip whose rate its take has (its rate
    port: LTX-2 Sound for Clip's 'video'): a written rate said to be that clip's is its take's (base.fps_of reads no
    other node's rate for it)."""
    try:
        spec = b.g.registry.get(b.task_now) if getattr(b, "task_now", None) else None
    except Exception:  # (a type the registry lacks)
        return False
    return spec is not None and spec.param("fps") is None and bool(spec.ports("rate"))
