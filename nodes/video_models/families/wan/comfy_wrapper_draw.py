"""kijai's ComfyUI-WanVideoWrapper's WanVideoWanDrawWanMoveTracks: it draws Wan-Move's tracks over the pictures it is
given (its 'images': the start image repeated, or the made video), to look at the tracks; the take does not read it.
The converted graph does not make that picture: said in one sentence naming the node and its input, never lost
silently, with Studio's own node for it (motion.draw_tracks, 'Draw Tracks': Keypoints drawn over a clip).
Called by comfy_wrappers' translation (``t``); plain stdlib."""
from __future__ import annotations

DRAW = "WanVideoWanDrawWanMoveTracks"


def said(t) -> None:
    for n in [x for x in t.wf.nodes.values() if x.cls == DRAW and x.enabled]:
        src = t.wf.nodes.get(n.links["images"][0]) if "images" in n.links else None
        over = f"'{src.title or src.shown_cls}' (#{src.id})'s pictures" if src is not None else "its pictures"
        t.said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) draws the Wan-Move tracks over {over} "
                      "('images') for a look at them: that picture is not made by the converted graph (Studio's Draw "
                      "Tracks draws Keypoints over a clip: wire the Keypoints the generator's 'tracks' takes into it)")
