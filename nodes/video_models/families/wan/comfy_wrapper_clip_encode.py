"""The first WanVideoWrapper image encode's settings past its size and length (WanVideoImageClipEncode, the pack's
early-2025 node, read for meaning: noise_aug_strength adds noise to the start picture before it is encoded,
latent_strength scales the picture's latent, clip_embed_strength the CLIP-vision embedding, and adjust_resolution
on sets the take's size from the picture's aspect at about generation_width x generation_height's pixels, as the
original Wan code did), said where Studio's image to video does not take them (heldout54 05: its 0.03 and its
adjust_resolution went unsaid; the later WanVideoImageToVideoEncode's are said in comfy_wrapper_flf).

adjust_resolution on is made (wrapper9): the wrapper's rule (nodes.py@721cd65e, read for the fact: h = the picture's
height over width x the area, its square root rounded down to a multiple of 16, w the same of width over height; the
picture stretched to w x h by Lanczos) is a size node of its own (studio.convert.tracing.worked_sizes' AREA_SIZE)
giving a resize of the picture (ComfyUI's ImageScale, Lanczos, no crop) and the encode's width and height: the
converter makes Studio's Scale ('area' fit, multiple 16, rounded down) on the picture's way and the generator takes the
scaled picture's size when it runs, each said by the converter's own sentences. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import AREA_SIZE, CNode, finite
from studio.core.shown import number


def said(t, n: CNode, w: dict, image) -> None:
    """What of ``n``'s (a WanVideoImageClipEncode's) settings ``w`` Studio's image to video does not take, said."""
    if image is None:
        return
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    noise = w.get("noise_aug_strength")
    if finite(noise) and noise > 0:
        t.said.append(f"{name}'s noise_aug_strength {number(noise)} (noise added to the start picture before it is "
                      "encoded) is not taken: Studio's generator encodes the picture as it is")
    for k, what in (("latent_strength", "the picture's latent scaled"),
                    ("clip_embed_strength", "the picture's CLIP-vision embedding scaled")):
        v = w.get(k)
        if finite(v) and v != 1:
            t.said.append(f"{name}'s {k} {number(v)} ({what}) is not taken: Studio's generator takes it at full "
                          "strength")
    if w.get("adjust_resolution") is True and not _sized(w):
        width, height = w.get("generation_width"), w.get("generation_height")
        size = f"{number(width)}x{number(height)}" if finite(width) and finite(height) else "the size it is given"
        t.said.append(f"{name}'s adjust_resolution on (the wrapper sets the take's size from the start picture's "
                      f"aspect, at about {size}'s pixels) is not taken: Studio makes {size} whatever the picture's "
                      "aspect")


def _sized(w: dict) -> bool:
    """True where the encode's area is two numbers known when converting (its adjust_resolution then made)."""
    return all(finite(w.get(k)) and 0 < w[k] for k in ("generation_width", "generation_height"))


def adjusted(t, n: CNode, w: dict, image) -> tuple | None:
    """With adjust_resolution on and the area known: (the picture stretched to the wrapper's size, that size's width
    and height links) made beside ``n``, for the encode's start picture, width and height; else None."""
    if image is None or w.get("adjust_resolution") is not True or not _sized(w):
        return None
    size = t.core(n, AREA_SIZE, {"generation_width": w["generation_width"],
                                    "generation_height": w["generation_height"]}, {"image": image}, nid=f"{n.id}:size")
    t.wf.taken.add(size.id)
    scaled = t.core(n, "ImageScale", {"upscale_method": "lanczos", "crop": "disabled"},
                    {"image": image, "width": (size.id, 0), "height": (size.id, 1)}, nid=f"{n.id}:scale")
    scaled.unsaved = ("upscale_method", "crop")  # the wrapper's own resize, no setting of the file's (heldout76 09)
    return (scaled.id, 0), (size.id, 0), (size.id, 1)
