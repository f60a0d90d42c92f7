"""The first WanVideoWrapper image encode's settings past its size and length (WanVideoImageClipEncode, the pack's
early-2025 node, read for meaning: noise_aug_strength adds noise to the start picture before it is encoded,
latent_strength scales the picture's latent, clip_embed_strength the CLIP-vision embedding, and adjust_resolution
on sets the take's size from the picture's aspect at about generation_width x generation_height's pixels, as the
original Wan code did), said where Studio's image to video does not take them (heldout54 05: its 0.03 and its
adjust_resolution went unsaid; the later WanVideoImageToVideoEncode's are said in comfy_wrapper_flf). Plain data and
stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite
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
    if w.get("adjust_resolution") is True:
        width, height = w.get("generation_width"), w.get("generation_height")
        size = f"{number(width)}x{number(height)}" if finite(width) and finite(height) else "the size it is given"
        t.said.append(f"{name}'s adjust_resolution on (the wrapper sets the take's size from the start picture's "
                      f"aspect, at about {size}'s pixels) is not taken: Studio makes {size} whatever the picture's "
                      "aspect")
