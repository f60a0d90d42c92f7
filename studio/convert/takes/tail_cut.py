"""A join's input that picks all but the last frames of what it is given (svi9: Stable Video Infinity's segments join
the frames so far less their last one, the frame the next segment starts from and makes again: GetImageRangeFromBatch
from frame 0, its count SimpleMath+ 'a - b' of GetImageSizeAndCount's count of those frames and a motion-frames
constant 1). The frames dropped are the last of the take those frames end with (a take's decoded frames, or the last
take of an earlier join of takes): that take keeps its frames but the last ones in the join (join_trims).

Told by declared types: the pick (frame_way.pick_widgets), a node measuring its picture and passing it on
(reading.measured), its count output (an INT named a count), the expression node (reading.by_types.expression),
evaluated at two counts Studio does not know when converting: the pick is read only where it gives that count less
the same number at both. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading import by_types, measured
from ..reading.primitives import evaluate
from ..reading.workflow import CNode, Workflow
from ..tracing.latent_ways import MAX_STEPS
from . import frame_way
from .extend import pick_of

COUNTS = ("count", "batch_size", "frame_count", "image_count")  # an INT output counting the pictures a node is given
PROBES = (10_000, 123_457)  # counts of frames given when it runs (not known when converting)
JOINS = ("ImageBatch", "ImageBatchMulti", "VHS_MergeImages", "easy batchAnything")  # (join_trims.JOINS)


def _counts(n: CNode, slot: int) -> bool:
    """Output ``slot`` of measuring node ``n`` counts the pictures it is given."""
    t = catalogue.node_type(n.origin or n.cls)
    outs = t.outputs if t is not None and t.outputs is not None else ()
    return 0 <= slot < len(outs) and outs[slot].type == "INT" and (outs[slot].name or "") in COUNTS


def dropped(wf: Workflow, pick: CNode) -> tuple[int, CNode, CNode] | None:
    """(how many of the last frames ``pick`` leaves out, the measuring node it reads them through, the expression node
    giving its count) where it picks from frame 0 all but the last frames of a measured batch; else None."""
    at, count = pick_of(pick) or ("", "")
    if not count or count not in pick.links or wf.value(pick, at) != 0:
        return None
    src = wf.nodes.get(pick.links.get("images", pick.links.get("image", ("", 0)))[0])
    expr = wf.nodes.get(pick.links[count][0])
    if src is None or expr is None or not measured.passes_picture(src):
        return None
    read = by_types.expression(expr)
    if read is None:
        return None
    text = str(wf.value(expr, read[0]) or "")
    results = []
    for probe in PROBES:
        names: dict[str, Any] = {}
        for letter in read[1]:
            link = expr.links.get(letter)
            counted = link is not None and link[0] == src.id and _counts(src, link[1])
            names[letter] = probe if counted else wf.value(expr, letter)
        results.append(by_types.expression_output(expr, pick.links[count][1], evaluate(text, names)))
    cut = [probe - r if isinstance(r, int) else None for probe, r in zip(PROBES, results)]
    return (cut[0], src, expr) if cut[0] is not None and cut[0] == cut[1] and cut[0] >= 1 else None


def last_take(wf: Workflow, link: tuple) -> CNode | None:
    """The decoder of the take the frames of ``link`` end with: through reroutes and measuring nodes, a join's last
    part; None where not so."""
    for _ in range(MAX_STEPS):
        src = wf.nodes.get(link[0])
        if src is None:
            return None
        if src.cls.startswith("VAEDecode"):
            return src
        if src.cls in JOINS:
            parts = frame_way.batch_parts(src)
            k = parts[-1] if parts else None
        elif src.cls == "Reroute":
            k = next(iter(src.links), None)
        else:
            k = measured.image_input(src) if measured.passes_picture(src) else None
        if k is None or k not in src.links:
            return None
        link = src.links[k]
    return None

