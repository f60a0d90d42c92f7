"""Two of kijai's ComfyUI-WanVideoWrapper 'embeds' nodes read as the core nodes meaning the same (issue 112):
WanVideoVACEEncode as ComfyUI's WanVaceToVideo (Studio's Wan VACE: control clip, mask, reference images) and
WanVideoAddWanMoveTracks on a WanVideoImageToVideoEncode as ComfyUI's WanMoveTrackToVideo (Studio's Image to
Video steered by Wan-Move tracks), its drawn tracks (KJNodes' SplineEditor, or a text) as WanMoveTracksFromCoords.

The inputs' meanings are the wrapper's (nodes.py's WanVideoVACEEncode, WanMove/nodes.py, Apache-2.0, read for
meaning, nothing copied): VACE's input_frames the control clip (grey where the model makes), input_masks the mask
(white: made), ref_images the reference pictures, strength its scale, vace_start/end_percent the part of the steps
it steers; WanMove's track_coords (JSON: per track, per frame, x and y in pixels) or a TRACKS input, its strength
the feature map's multiplier. What Studio's nodes have no counterpart for is said, naming the node and the input.
Called by comfy_wrappers' translation (``t``, a studio.convert.api.PackTranslation); plain data and stdlib."""
from __future__ import annotations

import json

from studio.convert.api import CNode, finite
from studio.core.shown import number

VACE_WIDGETS = ("width", "height", "num_frames", "strength", "vace_start_percent", "vace_end_percent", "tiled_vae")
MOVE_WIDGETS = ("strength",)
SPLINE_COORDS = 1  # KJNodes' SplineEditor: its second widget holds the points it samples (its 'coordinates')
SPLINE_COUNT = 3  # its 'count' output: the points of its first path
SPLINE_TYPES = ("SplineEditor",)


_name = CNode.named  # the node in a sentence


Made = tuple  # (the latent, the positive and the negative prompts through the node made: each (id, slot))
VACE_PORTS = {"control_video": "input_frames", "control_masks": "input_masks", "reference_image": "ref_images"}


def vace(t, n: CNode, pos, neg, sampler: CNode | None = None) -> Made:
    """WanVideoVACEEncode ``n`` as WanVaceToVideo in its place (its latent: output 2; the prompts through it)."""
    w = t.named(n)
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(n, "vae")),
                               ("control_video", t.link(n, "input_frames")),
                               ("control_masks", t.link(n, "input_masks")),
                               ("reference_image", t.link(n, "ref_images"))) if v is not None}
    start, end = w.get("vace_start_percent"), w.get("vace_end_percent")
    if (finite(start) and start > 0) or (finite(end) and end < 1):
        t.said.append(f"{_name(n)} steers only from {number(start or 0)} to {number(end if finite(end) else 1)} of the "
                      "steps (vace_start_percent, vace_end_percent): not taken, Studio's Wan VACE steers every step")
    prev = t.link(n, "prev_vace_embeds")
    if prev is not None:
        src = t.wf.nodes.get(prev[0])
        t.said.append(f"{_name(n)}'s prev_vace_embeds (another VACE encoding, "
                      + (_name(src) if src is not None else "a node") + ") adds a second control to the same take: "
                      "not taken, Studio's Wan VACE takes one control clip, mask and references (this node's)")
    c = t.core(n, "WanVaceToVideo", {"width": w.get("width"), "height": w.get("height"),
                                     "length": w.get("num_frames"), "batch_size": 1,
                                     "strength": w.get("strength")}, links)
    c.ports.update(VACE_PORTS)
    return (c.id, 2), (c.id, 0), (c.id, 1)


def wanmove(t, n: CNode, pos, neg, sampler: CNode | None = None) -> Made | None:
    """WanVideoAddWanMoveTracks ``n`` on a WanVideoImageToVideoEncode as WanMoveTrackToVideo in the encode's place
    (the start image, size and length the encode's, the strength ``n``'s; the tracks a WanMoveTracksFromCoords of the
    drawn coordinates beside ``n``); None (kept as it is, the task held) where its embeds come from another node."""
    src = t.link(n, "image_embeds")
    enc = t.wf.nodes.get(src[0]) if src else None
    if enc is None or enc.cls != "WanVideoImageToVideoEncode":
        return None
    e, w = t.named(enc), t.named(n)
    count = _spline_count(t, enc)
    if count is not None:  # the length the drawn path gives (its points, one a frame): worked out, nothing to say
        e["num_frames"] = count
        t.said[:] = [line for line in t.said if f"(#{enc.id})'s num_frames comes from" not in line]
    for k in ("end_image", "control_embeds", "temporal_mask", "extra_latents", "add_cond_latents"):
        if k in enc.links:
            t.said.append(f"{_name(enc)}'s {k} is not taken: Studio's Wan-Move starts from the start image alone")
    if "track_mask" in n.links:
        t.said.append(f"{_name(n)}'s track_mask (which frames show the tracks) is not taken: every frame shows them")
    tracks = _tracks(t, n)
    if tracks is not None and tracks != t.link(n, "track_coords"):  # (a TRACKS output, not a text)
        t.rewire((n.id, 1), tracks)  # what drew the tracks reads them from the tracks node (its TRACKS output)
    t.wf.taken.add(n.id)
    t.made.setdefault(n.cls, "WanMoveTrackToVideo's strength and tracks")
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(enc, "vae")),
                               ("start_image", t.link(enc, "start_image")),
                               ("clip_vision_output", t.link(enc, "clip_embeds")), ("tracks", tracks)) if v}
    c = t.core(enc, "WanMoveTrackToVideo", {"strength": w.get("strength"), "width": e.get("width"),
                                            "height": e.get("height"), "length": e.get("num_frames"),
                                            "batch_size": 1}, links)
    c.ports.update({"clip_vision_output": "clip_embeds", "strength": (n, "strength"), "tracks": (n, "track_coords"
                                                                                            if "track_coords" in n.links
                                                                                            else "tracks")})
    return (c.id, 2), (c.id, 0), (c.id, 1)


def _spline_count(t, enc: CNode) -> int | None:
    """The encode's num_frames where a SplineEditor's count gives it: the points of its first path as the file saves
    them (KJNodes' curve_nodes.py, read for meaning: the count is the first spline's length); None otherwise."""
    link = enc.links.get("num_frames")
    src = t.wf.nodes.get(link[0]) if link else None
    if src is None or src.cls not in SPLINE_TYPES or link[1] != SPLINE_COUNT:
        return None
    raw = src.raw if isinstance(src.raw, list) else []
    text = src.widgets.get("coordinates") if src.widgets else (raw[SPLINE_COORDS] if len(raw) > SPLINE_COORDS else None)
    try:
        points = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    first = points[0] if isinstance(points, list) and points and isinstance(points[0], list) else points
    return len(first) if isinstance(first, list) and first else None


def _tracks(t, n: CNode) -> tuple[str, int] | None:
    """The tracks ``n`` is given: the coordinates a SplineEditor saves (or a text) as a WanMoveTracksFromCoords
    beside ``n``; a TRACKS input or another maker as it is (comfy_motion says what it cannot follow)."""
    link = t.link(n, "track_coords")
    src = t.wf.nodes.get(link[0]) if link else None
    if src is None:
        return t.link(n, "tracks")
    text = None
    if src.cls in SPLINE_TYPES and link[1] == 1:  # its coord_str: the points the editor sampled, as saved
        raw = src.raw if isinstance(src.raw, list) else []
        text = src.widgets.get("coordinates") if src.widgets else (raw[SPLINE_COORDS] if len(raw) > SPLINE_COORDS
                                                                   else None)
    else:
        text = t.wf.value(n, "track_coords")
    if not isinstance(text, str) or not text.strip():
        return link  # made by a node Studio does not read: said where the tracks are read
    t.wf.taken.add(src.id)
    c = t.core(n, "WanMoveTracksFromCoords", {"track_coords": text}, {}, nid=f"{n.id}:tracks")
    return (c.id, 0)
