"""What the wrapper's WanVideoClipVisionEncode sets beyond its first picture, said where it is not Studio's way: a
strength other than 1, a second picture (strength_2, combined by its 'combine_embeds'), the picture encoded in tiles.
Studio's generators encode the one picture they are given with their image encoder, whole and at full strength: the
translation reads the node as ComfyUI's CLIPVisionEncode of 'image_1' (comfy_wrappers), and these are never dropped
unsaid. Names and order as the wrapper's INPUT_TYPES declare them (read for meaning, nothing of it imported)."""
from __future__ import annotations

from studio.convert.api import CNode, finite

WIDGETS = ("strength_1", "strength_2", "crop", "combine_embeds", "force_offload", "tiles", "ratio")


def _one(v) -> bool:
    """A strength of 1 as saved, within a float's rounding (heldout32 04: "strength_1 1: not applied")."""
    return abs(float(v) - 1.0) < 1e-9


def end_picture_of(wf, n: CNode) -> CNode | None:
    """The node that takes ``n``'s (an image encode's) embeds and is given its 'image_2' as its own 'end_image' (the
    take's last picture, given to Studio's generator as its last image), None where there is none (heldout57 08)."""
    second = n.links.get("image_2")
    if not second:
        return None
    return next((m for m in wf.nodes.values() if m.enabled and tuple(m.links.get("end_image") or ()) == tuple(second)
                 and any(tuple(v)[:1] == (n.id,) for v in m.links.values())), None)


def end_picture(n: CNode, w: dict, taker: CNode) -> str | None:
    """The sentence for a second picture that is the take's end picture combined by 'concat': Studio's generator is
    given it as its last image, and diffusers' pipeline encodes both pictures' CLIP tokens where the model reads two
    (Wan 2.1 FLF2V), the start picture's alone on the others (families/wan/first_last); None for another combine."""
    if w.get("combine_embeds") not in ("concat", None):
        return None
    return (f"'{n.title or n.cls}' ({n.cls}, #{n.id})'s image_2 (the take's end picture, as '{taker.title or taker.cls}' "
            f"(#{taker.id})'s end_image, combined by 'concat'): Studio's generator is given it as its last image and "
            "encodes its CLIP tokens beside the start picture's where the model reads two pictures' (Wan 2.1 FLF2V), "
            "the start picture's alone on the others")


def _second(wf, n: CNode) -> str:
    """The node giving ``n``'s 'image_2', named (' from ...'); a loader given nothing from another node and read by
    ``n`` alone is taken with it (near16: InfiniteTalk's second face picture, its LoadImage listed as not converted
    beside the sentence that said the picture is not applied); '' without ``wf`` or a node."""
    src = wf.nodes.get(n.links["image_2"][0]) if wf is not None else None
    if src is None:
        return ""
    if not src.links and all(r.id == n.id for r in wf.nodes.values() if any(v[0] == src.id for v in r.links.values())):
        wf.taken.add(src.id)
    file = src.widgets.get("image") if isinstance(src.widgets.get("image"), str) else None
    return f" from '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})" + (f", {file!r}" if file else "")


def unapplied(n: CNode, w: dict, end_taker: CNode | None = None, wf=None) -> str | None:
    """The sentence for ``n``'s settings ``w`` (by name) Studio does not apply, None where all are its own; a second
    picture that ``end_taker`` takes as the take's end picture is said by ``end_picture`` instead; with ``wf``, the
    node giving the second picture named (_second)."""
    lost = []
    s1 = w.get("strength_1")
    if finite(s1) and not _one(s1):  # (the frontend saves 1 as 1.0000000000000002 after a drag: full strength)
        lost.append(f"strength_1 {s1:g}")
    if "image_2" in n.links and not (end_taker is not None and end_picture(n, w, end_taker)):
        s2, how = w.get("strength_2"), w.get("combine_embeds")
        lost.append("image_2 (a second picture" + _second(wf, n)
                    + (f", strength_2 {s2:g}" if finite(s2) and not _one(s2) else "")
                    + (f", combined by '{how}'" if isinstance(how, str) else "") + ")")
    tiles = w.get("tiles")
    if isinstance(tiles, int) and not isinstance(tiles, bool) and tiles > 0:
        ratio = w.get("ratio")
        lost.append(f"tiles {tiles}" + (f" (ratio {ratio:g})" if finite(ratio) else ""))
    if not lost:
        return None
    return (f"'{n.title or n.cls}' ({n.cls}, #{n.id})'s {', '.join(lost)}: not applied, Studio's generator encodes "
            "its picture ('image_1') itself, whole and at full strength")
