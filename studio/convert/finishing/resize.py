"""ComfyUI's resize of a clip's frames on a utility's way (Load Video -> an upscaler -> ImageScale -> Save Video) as
Studio's Scale with the same size and filter (finishing.core's reading of ImageScale / ImageScaleBy: the core chains'),
instead of passing it over (found by the twenty-sixth held-out set: a 720p clip upscaled x2 then scaled to exactly
1920x1080 was written at 2560x1440, the resize said not applied though Studio has a Scale). Plain data."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from . import height_target
from .core import OPS

SCALE = "transform.scale"


def on_way(b: Any, n: CNode, wire: tuple[str, str], said: list[str] | None = None) -> tuple[str, str] | None:
    """Studio's Scale of the frames ``wire`` gives, for ``n`` (a resize core_chain reads: ImageScale, ImageScaleBy),
    its settings read, or to the height its factor is worked out to give (height_target.py, said into ``said``);
    None where ``n`` is none, bypassed or set to a value Studio's Scale has no like of."""
    op = OPS.get(n.cls)
    if op is None or op.studio != SCALE or not n.enabled:
        return None
    params = op.params(b.wf, n)
    aim = height_target.target(b.wf, n) if params is not None and said is not None else None
    if aim is not None:
        params = {**params, "scale": 1.0, "width": 0, "height": aim["height"]}
        b.used |= aim["read"]
        said.append(_height_said(n, aim))
    elif params is None or any(k in n.links and not _number(b.wf.value(n, k)) for k in ("width", "height", "scale_by")):
        return None  # (a size wired in that Studio cannot work out when converting: not read here; one it works out,
        # a slider's ratio through a math node, is read: heldout42 06's x0.5 after a x4 upscale was passed over)
    nid = b.add(SCALE, params, n)
    b.g.connect(wire[0], wire[1], nid, "video")
    b.used.add(n.id)
    return nid, "video"


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _height_said(n: CNode, aim: dict) -> str:
    """The words of a resize made as Scale to the height its factor is worked out to give."""
    leaf, h = aim["leaf"], aim["height"]
    named = height_target.out_name(leaf, aim["slot"]) or "height"
    files = ", ".join(f"'{f}'" for f in aim["files"])
    return (f"{n.named()}'s scale_by is worked out when the workflow runs from {leaf.named()} (its output '{named}', "
            f"the height of the clip {aim['loader'].named()} loads): {h} / (that height x {aim['factor']}), on frames made "
            f"x{aim['factor']} by {files} (the factor its name gives), so the frames come out {h} lines high whatever "
            f"the clip; Studio's Scale makes them {h} high, the width kept to their aspect, as ComfyUI's factor does"
            + ("; where the frames loaded differ in height from the clip's file (a loader rounding its size), "
               f"ComfyUI's differ from {h} lines in the same proportion" if "source" in named.lower() else ""))
