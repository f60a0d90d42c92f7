"""The take's own frame rate where its frames are interpolated before the node that sets the written rate (RIFE x3
then CreateVideo at 24 fps): ComfyUI writes the interpolated frames at that rate, so the take itself is made at the
rate divided by the interpolation's multiplier (8 fps), which Studio's Frame Interpolation after the generator
multiplies back (24 fps, the same length as ComfyUI's). Told by types: any frame interpolation (finishing.utility)
downstream of the output's sampler on the output's way. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import number

from .. import catalogue
from ..reading.workflow import CNode
from ..tracing.walks import upstream
from .utility import multiplier, utility


def interpolates(n: CNode) -> bool:
    """``n`` is a frame interpolation (finishing.utility: by its declared types, else by name)."""
    what = utility(n)
    return what is not None and what[0].startswith("frame interpolation")


def own_rate(b, up: list[CNode], sampler: CNode, said: list[tuple[float, str]]) -> float | None:
    """The rate the take of ``sampler`` is made at (b.fps_of(up): the written rate, over the multipliers of the
    frame interpolations between the sampler and the output); when divided, (that rate, its sentence) put in ``said``
    (said where the generator keeps that rate: a family may set its own, mapping.outputs)."""
    rate = b.fps_of(up)
    if rate is None:
        return None
    wf, factor, names = b.wf, 1.0, []
    for n in up:
        if not (n.enabled and interpolates(n)):
            continue
        k = multiplier(wf, n) if "multiplier" not in n.links or wf.value(n, "multiplier") is not None else None
        if isinstance(k, bool) or not isinstance(k, (int, float)) or k <= 1:
            continue
        if any(m.id == sampler.id for m in upstream(wf, n)):
            if _joined(wf, n, up, sampler):  # the take's frames not all multiplied: its own rate not known
                said.append((None, f"the take's frames are interpolated in part ('{n.title or n.shown_cls}' "
                                   f"({n.shown_cls}, #{n.id}) x{number(k)}, joined with others) before they are "
                                   f"written at {rate:g} fps: the rate the take is made at is not known, the "
                                   f"generator's own is used"))
                return None
            factor *= float(k)
            names.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) x{number(k)}")
    if factor == 1.0:
        return rate
    said.append((rate / factor, f"the take's frames are interpolated ({', '.join(names)}) before they are written at {rate:g} fps: "
                f"the generator makes {rate / factor:g} fps, which Studio's interpolation after it raises to "
                f"{rate:g} (ComfyUI's length kept)"))
    return rate / factor


def _joined(wf, n: CNode, up: list[CNode], sampler: CNode) -> bool:
    """Whether ``n``'s frames are joined with others of the take on the output's way (a node after it taking two or
    more inputs the sampler reaches: heldout WAN2.2_LOOP's RIFE x3 of a loop's seam, two of its frames batched with
    the take): then the take is not made of its multiplied frames."""
    took = {m.id for m in up if any(x.id == sampler.id for x in upstream(wf, m))} | {sampler.id}
    after = [m for m in up if m.id != n.id and any(x.id == n.id for x in upstream(wf, m))]
    return any(sum(1 for k, (src, _) in m.links.items() if src in took and _frames(m, k)) >= 2 for m in after)


def _frames(m: CNode, k: str) -> bool:
    """Input ``k`` of ``m`` takes pictures (IMAGE, or anything), by its declared types, else those its file saved."""
    t = catalogue.node_type(m.origin or m.cls)
    types = {i.name: i.type for i in t.inputs} if t is not None and t.inputs is not None else m.in_types
    return types.get(k, "IMAGE") in ("IMAGE", "*")
