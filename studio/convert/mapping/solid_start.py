"""A generator's picture input given by ComfyUI's EmptyImage (a picture of one colour made from its settings alone),
as it is or through resizes whose size their settings fix: Studio's Solid Colour at EmptyImage's size and colour,
each resize as Studio's Scale (tracing.resizes.scale_params), one frame of it held (Frame Hold) where the input takes
a picture; said. A step on the way that keeps the size (told by its declared types: reading.size_kept) is said not
applied. Found by the eightieth held-out set (11: LTX-2.3 conditioned at
strength 0.7 on a black EmptyImage resized by its longer edge, held for 'a start image Studio cannot read').

EmptyImage is named: a node making a picture from settings alone is not told by its declaration to make one
colour (another could draw noise, a gradient or text), so only the core node whose behaviour is known is read."""
from __future__ import annotations

from ..reading import size_kept
from ..reading.workflow import CNode
from ..tracing.resizes import scale_params

MAX_STEPS = 16


def _way(wf, node: CNode, port: str) -> tuple[CNode, list[CNode], list[CNode]] | None:
    """(the EmptyImage, the resizes from it to ``node``'s ``port`` nearest it first, the size-keeping steps) or None
    where the picture there is not an EmptyImage's through such nodes alone."""
    src, resizes, kept = node.links.get(port), [], []
    for _ in range(MAX_STEPS):
        n = wf.nodes.get(src[0]) if src is not None else None
        if n is None or not n.enabled:
            return None
        if n.cls == "EmptyImage":
            return (n, resizes[::-1], kept) if src[1] == 0 and not n.links else None
        keep = size_kept.image_input(n)
        if keep is not None:
            kept.append(n)
            src = n.links.get(keep)
            continue
        inp = next((k for k in ("image", "images") if k in n.links), None)
        if inp is None or src[1] != 0 or scale_params(wf, n) is None:
            return None
        resizes.append(n)
        src = n.links.get(inp)
    return None


def picture(b, node: CNode, port: str, into: str, said: list[str]) -> tuple[str, str] | None:
    """Studio's Solid Colour (through its Scales, a Frame Hold where ``into`` takes a picture) for the EmptyImage
    behind ``node``'s ``port``, said; None where that picture is not an EmptyImage's (see _way)."""
    wf = b.wf
    if into.endswith("mask") or _declared(b, getattr(b, "generator_now", None), into) not in (None, "Image", "Video"):
        return None  # (a picture's input alone: a mask or another kind is left as before)
    way = _way(wf, node, port)
    if way is None:
        return None
    empty, resizes, kept = way
    v = lambda k, d: d if wf.value(empty, k) is None else wf.value(empty, k)  # noqa: E731
    w, h, frames, colour = v("width", 512), v("height", 512), v("batch_size", 1), v("color", 0)
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (w, h, frames, colour)):
        return None  # (a setting wired to a value Studio cannot work out: left as before)
    rgb = f"#{colour & 0xFFFFFF:06x}"
    out = (b.add("procedural.solid", {"width": w, "height": h, "frames": frames, "color": rgb}, empty), "video")
    for r in resizes:
        nid = b.add("transform.scale", scale_params(wf, r), r)
        b.g.connect(*out, nid, "video")
        out = (nid, "video")
    kept = [k for k in kept if k.id not in b.used]  # (a step a family read already: said there, if at all)
    b.used |= {empty.id, *(r.id for r in resizes), *(k.id for k in kept)}
    steps = "".join(f", then {r.named()} as Studio's Scale" for r in resizes)
    said.append(f"{node.named()}'s '{port}' is the picture {empty.named()} makes of one colour ({rgb}, {w}x{h}"
                + (f", {frames} frames" if frames != 1 else "") + f"): made as Studio's Solid Colour{steps}"
                + "".join(f"; {k.named()} on its way, keeping its size, is not applied{_settings(k)}" for k in kept))
    b.solid_made = {**getattr(b, "solid_made", {}), into: out}
    return out


def _declared(b, type_id: str | None, into: str) -> str | None:
    """The Studio type of generator ``type_id``'s input ``into`` ('Image', 'Video', ...); None where not known."""
    try:
        spec = b.g.registry.get(type_id) if type_id else None
    except Exception:  # (a type the registry lacks)
        return None
    return next((i.type for i in spec.inputs if i.name == into), None) if spec is not None else None


def _settings(n: CNode) -> str:
    """" (its settings: name value, ...)" of a step's saved settings, else ''."""
    w = n.widgets if isinstance(n.widgets, dict) else {}
    shown = [f"{k} {v}" for k, v in w.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)]
    return f" (its settings: {', '.join(shown)})" if shown else ""


def held(b, gen: str, into: str, src: tuple[str, str]) -> tuple[str, str]:
    """``src``, or a Frame Hold of its first frame where ``src`` is a Solid Colour made here for the generator ``gen``'s
    ``into`` and that input takes a picture (one frame of one colour: the same picture)."""
    if getattr(b, "solid_made", {}).get(into) != src:
        return src
    if _declared(b, b.g.nodes[gen].type_id, into) != "Image":
        return src
    nid = b.add("edit.frame_hold", {"frame": 0}, None)
    b.g.connect(*src, nid, "video")
    return nid, "image"
