"""ComfyUI's resize of a clip's frames on a utility's way (Load Video -> an upscaler -> ImageScale -> Save Video) as
Studio's Scale with the same size and filter (finishing.core's reading of ImageScale / ImageScaleBy: the core chains'),
instead of passing it over (found by the twenty-sixth held-out set: a 720p clip upscaled x2 then scaled to exactly
1920x1080 was written at 2560x1440, the resize said not applied though Studio has a Scale). Plain data."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from .core import OPS

SCALE = "transform.scale"


def on_way(b: Any, n: CNode, wire: tuple[str, str]) -> tuple[str, str] | None:
    """Studio's Scale of the frames ``wire`` gives, for ``n`` (a resize core_chain reads: ImageScale, ImageScaleBy),
    its settings read; None where ``n`` is none, bypassed or set to a value Studio's Scale has no like of."""
    op = OPS.get(n.cls)
    if op is None or op.studio != SCALE or not n.enabled:
        return None
    params = op.params(b.wf, n)
    if params is None or any(k in n.links and not _number(b.wf.value(n, k)) for k in ("width", "height", "scale_by")):
        return None  # (a size wired in that Studio cannot work out when converting: not read here; one it works out,
        # a slider's ratio through a math node, is read: heldout42 06's x0.5 after a x4 upscale was passed over)
    nid = b.add(SCALE, params, n)
    b.g.connect(wire[0], wire[1], nid, "video")
    b.used.add(n.id)
    return nid, "video"


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
