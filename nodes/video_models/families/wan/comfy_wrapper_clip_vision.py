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


def unapplied(n: CNode, w: dict) -> str | None:
    """The sentence for ``n``'s settings ``w`` (by name) Studio does not apply, None where all are its own."""
    lost = []
    s1 = w.get("strength_1")
    if finite(s1) and not _one(s1):  # (the frontend saves 1 as 1.0000000000000002 after a drag: full strength)
        lost.append(f"strength_1 {s1:g}")
    if "image_2" in n.links:
        s2, how = w.get("strength_2"), w.get("combine_embeds")
        lost.append("image_2 (a second picture" + (f", strength_2 {s2:g}" if finite(s2) and not _one(s2) else "")
                    + (f", combined by '{how}'" if isinstance(how, str) else "") + ")")
    tiles = w.get("tiles")
    if isinstance(tiles, int) and not isinstance(tiles, bool) and tiles > 0:
        ratio = w.get("ratio")
        lost.append(f"tiles {tiles}" + (f" (ratio {ratio:g})" if finite(ratio) else ""))
    if not lost:
        return None
    return (f"'{n.title or n.cls}' ({n.cls}, #{n.id})'s {', '.join(lost)}: not applied, Studio's generator encodes "
            "its picture ('image_1') itself, whole and at full strength")
