"""kijai's ComfyUI-WanVideoWrapper's WanVideoWanDrawWanMoveTracks: it draws Wan-Move's tracks over the pictures it is
given (its 'images': the start image repeated, or the made video), to look at the tracks; the take does not read it.
The converted graph does not make that picture: said in one sentence naming the node and its input, never lost
silently, with Studio's own node for it (motion.draw_tracks, 'Draw Tracks': Keypoints drawn over a clip). One
drawing the decoded take (its 'images' declared latents in, pictures out) for saves only is not said here: the save's
finishing reads it (studio.convert.finishing.tracks_drawn: made as Draw Tracks, else said naming the save).
Called by comfy_wrappers' translation (``t``); plain stdlib."""
from __future__ import annotations

from studio.convert.api import in_type, node_type, out_types

DRAW = "WanVideoWanDrawWanMoveTracks"


def _on_save_way(wf, n, src) -> bool:
    """``n`` draws over a decoded take (its source declared latents in, pictures out) and gives only saves (declared
    pictures in, no pictures or latents out): the save's finishing reads it."""
    if src is None or "IMAGE" not in out_types(wf, src) or \
            not any(in_type(src, k) == "LATENT" for k in src.links):
        return False
    users = [x for x in wf.nodes.values() if any(v and v[0] == n.id for v in x.links.values())]
    for x in users:
        t = node_type(x.shown_cls)
        if not x.enabled or t is None or {"IMAGE", "LATENT"} & set(t.output_types) or not t.takes("IMAGE"):
            return False
    return bool(users)


def said(t) -> None:
    for n in [x for x in t.wf.nodes.values() if x.cls == DRAW and x.enabled]:
        src = t.wf.nodes.get(n.links["images"][0]) if "images" in n.links else None
        if _on_save_way(t.wf, n, src):
            continue
        over = f"'{src.title or src.shown_cls}' (#{src.id})'s pictures" if src is not None else "its pictures"
        t.said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) draws the Wan-Move tracks over {over} "
                      "('images') for a look at them: that picture is not made by the converted graph (Studio's Draw "
                      "Tracks draws Keypoints over a clip: wire the Keypoints the generator's 'tracks' takes into it)")
