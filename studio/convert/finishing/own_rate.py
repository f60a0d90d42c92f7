"""The take's own frame rate where its frames are interpolated before the node that sets the written rate (RIFE x3
then CreateVideo at 24 fps): ComfyUI writes the interpolated frames at that rate, so the take itself is made at the
rate divided by the interpolation's multiplier (8 fps), which Studio's Frame Interpolation after the generator
multiplies back (24 fps, the same length as ComfyUI's). Told by types: any frame interpolation (finishing.utility)
downstream of the output's sampler on the output's way. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import number

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
            factor *= float(k)
            names.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) x{number(k)}")
    if factor == 1.0:
        return rate
    said.append((rate / factor, f"the take's frames are interpolated ({', '.join(names)}) before they are written at {rate:g} fps: "
                f"the generator makes {rate / factor:g} fps, which Studio's interpolation after it raises to "
                f"{rate:g} (ComfyUI's length kept)"))
    return rate / factor
