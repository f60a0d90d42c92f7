"""A filter on a file's way to a generator's input (a Gaussian blur, an unsharp sharpen: finishing.effects, told by
the declared types and kernel widgets of ComfyUI's Image Blur / Image Sharpen and any pack's like them) made as a step
Studio's node makes there: the same Blur or Sharpen, wired between the file (and the resizes around it) and the
input, as a finishing effect is made after a take (heldout77 05: a tile ControlNet's control clip scaled down,
blurred and scaled back up; the blur had been passed over, the clip given the ControlNet unblurred). A colour match
(it reads a reference) or an effect Studio has no like of is no such step. Plain data."""
from __future__ import annotations

from ..finishing.effects import effect
from ..reading.workflow import CNode


def is_step(wf, n: CNode) -> bool:
    """Whether ``n`` is a filter Studio makes on a file's way (one picture in, no reference, nothing missing)."""
    fx = effect(wf, n) if n.enabled else None
    return fx is not None and not fx.missing and not fx.reference


def said(b, n: CNode, into: str, what: str) -> str:
    """The sentence of the filter ``n`` made on the way to the generator's ``into`` (``what``: the input and its file
    in words), as the Wan control LoRA's reading says its clip's blur."""
    fx = effect(b.wf, n)
    title = b.g.registry.get(fx.studio).title
    gen = getattr(b, "generator_now", None)
    node = f"the {b.g.registry.get(gen).title} node's" if gen else "the generator's"
    settings = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in fx.params.items())
    return (f"{what or repr(into)} through {n.named()}'s {fx.does} (its '{fx.way}'): Studio's {title} ({settings}) "
            f"before {node} '{into}'" + (f"; {', '.join(fx.unapplied)} not applied" if fx.unapplied else ""))
