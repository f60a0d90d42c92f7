"""The x2 upscale refine's start picture in a ComfyUI workflow (task ltx2x22): LTX-2's two-stage workflows put the
start picture in place again on the upsampled latent before the refine pass (ComfyUI's LTXVImgToVideoInplace,
Lightricks' LTXVImgToVideoConditionOnly: the picture brought to the latent's size, encoded, the first latent frame
replaced, a noise mask of 1 - strength). LTX-2 Latent Upscale does the same on its 'image' input (upsample.py,
same_size.py: at the refine's size, held clean): the generator's start picture is wired there (comfy_middle's
wire_picture) where the in-place node's picture comes from the one the take was made from. Functions on a builder
``b`` of comfy_map (as comfy_stages'); what is not taken is said in the pipeline's note."""
from __future__ import annotations

from typing import Any

from studio.core.shown import cut, number

from studio.convert.api import LATENT_NAMES, CNode, Sampling, Workflow, node_type, upstream

IN_PLACE = ("LTXVImgToVideoInplace", "LTXVImgToVideoConditionOnly")  # the picture put in place on a latent
MAX_WALK = 64  # latent nodes walked between the refine's sampler and its upsampler


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _strength(wf: Workflow, node: CNode) -> Any:
    """An in-place node's strength: its own or the constant wired in, else (an API file leaving it out, nothing
    wired) the default its type declares, as ComfyUI runs it (never shown as None)."""
    v = wf.value(node, "strength")
    if v is None and "strength" not in node.links:
        t = node_type(node.cls)
        v = next((i.default for i in (t.inputs or ()) if i.name == "strength"), None) if t is not None else None
    return v


def _latent_source(wf: Workflow, node: CNode) -> CNode | None:
    name = next((k for k in LATENT_NAMES if k in node.links), None)
    return wf.source(node, name) if name else None


def _from_take(b, node: CNode) -> bool:
    """The in-place node's picture comes from a node the take's first pass also reads (the same loaded picture, maybe
    through other steps): the generator's start picture stands for it."""
    wf, first = b.wf, getattr(b, "take_sampler", None)
    src = wf.source(node, "image")
    if src is None or first is None:
        return False
    before = {n.id for n in upstream(wf, first)}
    return any(n.id in before for n in upstream(wf, src))


def refine_picture(b, second: Sampling, upsampler: CNode, said: list[str]) -> CNode | None:
    """The start picture put in place again between ``upsampler`` and its refine pass ``second``: the in-place node
    (its picture wired to LTX-2 Latent Upscale's 'image' by upscale_stage), a strength other than 1 said; None where
    there is none, it is bypassed, or its picture is not the take's (said: the refine starts from the upsampled take
    only)."""
    wf = b.wf
    node = _latent_source(wf, second.node)
    for _ in range(MAX_WALK):
        if node is None or node is upsampler:
            return None
        if node.cls in IN_PLACE:
            b.used.add(node.id)
            if wf.value(node, "bypass") or not node.enabled:
                return None
            v = _strength(wf, node)
            if not _from_take(b, node):
                said.append(f"the second pass puts a start image in place again ({_name(node)}, strength "
                            f"{_shown(v)}) that the take is not made from: LTX-2 Latent Upscale's refine starts "
                            "from the upsampled take only (connect that picture to its 'image')")
                return None
            src = wf.source(node, "image")
            if src is not None and src.id not in {n.id for n in upstream(wf, b.take_sampler)}:  # (another resize of it)
                said.append(f"{_name(node)} puts in place what {_name(src)} makes of the take's start picture for the "
                            "second pass: LTX-2 Latent Upscale's refine is given the generator's start picture, brought "
                            "to the refine's size")
            if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v) != 1.0:
                said.append(f"{_name(node)} puts the start picture in place at strength {number(v)} for the second "
                            "pass: LTX-2 Latent Upscale's refine holds the picture's latent frame clean (strength 1)")
            return node
        node = _latent_source(wf, node)
    return None


def _shown(v: Any) -> str:
    return cut(repr(v) if isinstance(v, str) else number(v), 64)


def picture_words(st: dict) -> str:
    """The refine's start picture in words (a clause of the stages line), '' where none is put in place."""
    pic = st.get("image")
    return "" if pic is None else (f", the generator's start picture put in place again first at that size, as "
                                   f"{_name(pic)} does")
