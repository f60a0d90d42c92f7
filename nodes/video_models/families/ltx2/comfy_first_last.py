"""TTPlanetPig's LTXVFirstLastFrameControl_TTP (Comfyui_TTP_Toolset, LTXVFirstLastFrameControl_TTP.py, read for
meaning) on LTX-2's latent way: its first image encoded into the latent's first frames and its last image into its
last ones, each with a noise mask of 1 - its strength (an image of strength 0 not placed): what KJNodes'
LTXVImgToVideoInplaceKJ does with an image at frame 0 and one at frame -1. Read as LTX-2's keyframes at frame 0 and
at the last frame, each strength taken as keyframe strengths are (comfy_strengths). Keyed on the node's name (a
latent step its declared types tell nothing of: which image goes where is in its code). Its middle frames (a chained
LTXVMiddleFrame_TTP's, given on an input its schema leaves undeclared) are said not taken. Plain data."""
from __future__ import annotations

from studio.convert.api import CNode, find_loader, finite, frame_mark
from studio.core.shown import number

from .comfy_strengths import keyframe_strength

NAME = "LTXVFirstLastFrameControl_TTP"
ENDS = (("first_image", "first_strength", 0), ("last_image", "last_strength", -1))


def first_last(b, n: CNode, gen: str, inputs: dict, said: list[str], ltx2: str) -> str:
    """The node's first and last images as LTX-2's keyframes at frame 0 and at the last frame (``ltx2``: the
    generator they go to); ``gen`` where it places none."""
    wf, placed = b.wf, False
    who = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    for port, setting, at in ENDS:
        if port not in n.links:
            continue
        strength = wf.value(n, setting)
        if finite(strength) and strength <= 0:  # (the node places no image of strength 0): its file read here, said
            found = find_loader(wf, n, port, b.used)
            if found is not None:
                b.used.add(found[0].id)
            name = f" '{b.file_of(found[0])}'" if found is not None else ""
            said.append(f"the image{name} on '{port}' of {who} is not placed: its {setting} is {number(strength)}")
            continue
        k = next((i for i in range(1, 5) if f"keyframe_{i}" not in inputs), None)
        if k is None:
            said.append(f"the image on '{port}' of {who} is not taken: four keyframes at most")
            continue
        unnamed = any(str(key).startswith("#") for key in n.widgets) or not n.widgets and bool(n.raw)
        if strength is None and unnamed and setting not in n.links:  # values saved, none named by its pack's order
            said.append(f"{who}'s {setting} is not read (its saved values are not in the places its pack declares): "
                        "its image is held at strength 1")
        b.intent(n, port, f"keyframe_{k}", inputs, said)
        b.keyframes.append(frame_mark(wf, n, "", at)[0])
        keyframe_strength(b, n, at, strength if finite(strength) else 1.0, said)
        placed = True
    if n.links.get("middle_frames") is not None:
        src = wf.source(n, "middle_frames")
        if src is not None and src.enabled:
            said.append(f"the middle frames {who} is given ('{src.title or src.shown_cls}' ({src.shown_cls}, "
                        f"#{src.id})) are not taken: LTX-2's keyframes are its first and last images only")
    return ltx2 if placed else gen
