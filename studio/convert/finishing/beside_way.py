"""The take's way into a comparison (beside.py: KJNodes' ImageConcatMulti placing the start picture beside the take).
Which input is the take: the one no file's way reaches; where every input's way reaches a file (a colour match after
the decoder takes its reference picture from the start picture, so the take's way reaches that picture too), the one
input above which the take's decoder is. And a frame interpolation on that way (FILM, RIFE: what finishing.utility
tells interpolates) made as Studio's node after the generator, as a save's own interpolation is (finish.after_take):
one Studio node for a ComfyUI interpolation two saves read from the same take. Found by the hundredth held-out set
(01/02: 'VHS_VideoCombine' #46 writes the picture beside the FILM-interpolated take at 32 fps; the take was not told
apart, the save said to write "beside pictures that are no file", and the interpolation on its way was lost unsaid,
the generator's 81 frames retimed to 32 fps instead). Functions on a builder ``b`` of mapping.convert; plain data."""
from __future__ import annotations

from ..reading.workflow import CNode
from ..tracing.roles import role
from ..tracing.walks import upstream
from . import effects
from .utility import interpolation_node, job, model_of, utility

PICTURES = ("image", "images", "frames", "pixels")  # the picture input a step on the take's way is given it on


def take_port(wf, j: CNode, found: dict) -> str | None:
    """The input of comparison ``j`` given the take (``found``: port -> (its file's loader found or None, walked)):
    the one no file's way reaches, else the one above which a decoder is; None where that does not tell one."""
    free = [p for p, (f, _) in found.items() if f is None]
    if free:
        return free[0] if len(free) == 1 else None
    decoded = [p for p in found if (s := wf.source(j, p)) is not None and _decodes(wf, s)]
    return decoded[0] if len(decoded) == 1 else None


def _decodes(wf, n: CNode) -> bool:
    return any(m.cls.startswith("VAEDecode") or role(wf, m) == "decoder" for m in (n, *upstream(wf, n)))


def next_input(wf, n: CNode) -> str | None:
    """The input the take comes into ``n`` by: an effect's target (a colour match's), else its first picture input."""
    return effects.way(wf, n) or next((k for k in PICTURES if k in n.links), None)


def interpolated(b, n: CNode, src: tuple[str, str], out: str, said: list[str]) -> tuple[str, str] | None:
    """``n``, a frame interpolation on the take's way into ``out``'s comparison, as Studio's node after the take
    ``src`` (the one made already for that interpolation of that take, where another save reads it); None where ``n``
    interpolates nothing."""
    found = utility(n, b.wf)
    if found is None or job(*found) != "interpolate":
        return None
    what = found[0]
    made = next((l.dst for l in b.g.links if b.out.origin.get(l.dst) == n.id and (l.src, l.src_port) == src), None)
    if made is None:
        made = interpolation_node(b, n, what, model_of(b.wf, n, b.used), said, (*src, "video"))
    b.used.add(n.id)
    said.append(f"{what} of the take before {out} writes it beside the other pictures: Studio's node after the "
                "generator")
    return made, "video"
