"""What steers motion in a ComfyUI workflow, as Studio's nodes: WanMove's tracks (GenerateTracks,
WanMoveTracksFromCoords, WanMoveConcatTrack -> Path Tracks, Tracks from Coordinates, Merge Tracks), ATI's
drawn tracks (WanTrackToVideo's JSON -> Tracks from Coordinates, Image to Video's tracks_as 'ati'), a
Fun camera's embedding (WanCameraEmbedding -> Camera Path) and a Fun control clip made by a Canny node
(-> Edges over the loaded video). Each function adds the nodes
to the converter's graph and returns the (node, port) a generator's input is wired from, or None with
what it could not follow said."""
from __future__ import annotations

import math
from typing import Any

from studio.convert.api import CNode
from studio.core.shown import cut, number

TRACK_NODES = ("GenerateTracks", "WanMoveTracksFromCoords", "WanMoveConcatTrack")
EASING = {"linear": "linear", "ease_in": "ease_in", "ease_out": "ease_out", "ease_in_out": "ease_in_out",
          "ease-in": "ease_in", "ease-out": "ease_out", "ease-in-out": "ease_in_out", "constant": "constant_speed"}
MAX_DEPTH = 64  # tracks merged in a chain deeper than this are said, not followed


def tracks_from(b, node: CNode | None, mode: str, said: list[str], depth: int = 0) -> tuple[str, str] | None:
    """Studio's nodes for the tracks ``node`` makes (a builder ``b`` of comfy_map)."""
    wf = b.wf
    if node is None:
        said.append("the workflow's tracks are not connected: connect Keypoints to Image to Video's 'tracks'")
        return None
    if node.cls not in TRACK_NODES or depth > MAX_DEPTH:
        said.append(f"the tracks come from '{node.title or node.cls}' ({node.cls}), which Studio does not convert: "
                    "connect Keypoints (Track Keypoints, Path Tracks) to Image to Video's 'tracks'")
        return None
    b.used.add(node.id)
    if node.cls == "GenerateTracks":
        v = {k: wf.value(node, k) for k in ("width", "height", "start_x", "start_y", "end_x", "end_y", "num_frames",
                                             "num_tracks", "track_spread", "bezier", "mid_x", "mid_y", "interpolation")}
        params: dict[str, Any] = {"width": v["width"], "height": v["height"], "start_x": v["start_x"],
                                  "start_y": v["start_y"], "end_x": v["end_x"], "end_y": v["end_y"],
                                  "frames": v["num_frames"], "tracks": v["num_tracks"], "spread": v["track_spread"],
                                  "bezier": v["bezier"], "mid_x": v["mid_x"], "mid_y": v["mid_y"],
                                  "easing": EASING.get(str(v["interpolation"]), None)}
        if "track_mask" in node.links:
            said.append(f"'{node.title or node.cls}': its track mask (which frames show the tracks) is not taken: every "
                        "frame shows them")
        return b.add("motion.path_tracks", params, node, mode=mode), "keypoints"
    if node.cls == "WanMoveTracksFromCoords":
        text = _coords_text(wf, node)
        if "track_mask" in node.links:
            said.append(f"'{node.title or node.cls}': its track mask is not taken: every frame shows the tracks")
        return b.add("motion.tracks_from_coordinates", {"coordinates": text}, node, mode=mode), "keypoints"
    ends = []
    for port in ("tracks_1", "tracks_2", "tracks"):
        if port in node.links:
            ends.append(tracks_from(b, wf.source(node, port), mode, said, depth + 1))
    ends = [e for e in ends if e is not None]
    if not ends:
        return None
    out = ends[0]
    for other in ends[1:]:
        m = b.add("motion.merge_tracks", {}, node, mode=mode)
        b.g.connect(*out, m, "a")
        b.g.connect(*other, m, "b")
        out = (m, "keypoints")
    return out


# ComfyUI's WanCameraEmbedding poses -> Camera Path's presets (the same moves: nodes/motion/camera.py)
CAMERA_PRESETS = {"Static": "Static", "Pan Up": "Pan Up", "Pan Down": "Pan Down", "Pan Left": "Pan Left",
                  "Pan Right": "Pan Right", "Zoom In": "Zoom In", "Zoom Out": "Zoom Out",
                  "Anti Clockwise (ACW)": "Orbit ACW", "ClockWise (CW)": "Orbit CW"}


def camera_from(b, node: CNode | None, said: list[str]) -> tuple[str, str] | None:
    """A Camera Path for the WanCameraEmbedding wired into a WanCameraImageToVideo: its pose, speed,
    length and lens."""
    wf = b.wf
    if node is None or node.cls != "WanCameraEmbedding":
        said.append("the camera embedding is " + ("not connected" if node is None else
                                                  f"made by '{node.title or node.cls}' ({node.cls}), which Studio "
                                                  "does not convert") + ": connect a Camera Path to Wan Fun Camera's "
                    "'camera'")
        return None
    b.used.add(node.id)
    pose = wf.value(node, "camera_pose")
    preset = CAMERA_PRESETS.get(str(pose))
    if preset is None:
        said.append(f"'{node.title or node.cls}': its camera pose {pose!r} is not one Studio knows: Camera Path is "
                    "Static; choose its preset")
    params: dict[str, Any] = {"preset": preset or "Static", "speed": wf.value(node, "speed"),
                              "frames": wf.value(node, "length")}
    params.update({k: wf.value(node, k) for k in ("fx", "fy", "cx", "cy")})
    return b.add("motion.camera_path", {k: v for k, v in params.items() if v is not None}, node), "camera"


def ati_tracks(b, node: CNode, mode: str, said: list[str]) -> tuple[str, str] | None:
    """WanTrackToVideo's drawn tracks (JSON, pixels of its width x height, ATI's editor drawing 24-fps
    points: ComfyUI spreads the first 121 over the clip) as Tracks from Coordinates, and its
    temperature / top-k as Image to Video's ATI settings (into ``b.extra``)."""
    wf = b.wf
    length, temp, topk = (wf.value(node, k) for k in ("length", "temperature", "topk"))
    b.extra["tracks_as"] = "ati"
    for k, what, v in (("ati_temperature", "temperature", temp), ("ati_topk", "topk", topk)):
        if v is None:  # not set (or wired to what gives no constant)
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            b.extra[k] = v
        else:  # NaN, infinite or a text ("NaN") in the workflow: said, never dropped silently
            given = cut(repr(v) if isinstance(v, str) else number(v), 40)
            said.append(f"'{node.title or node.cls}': its {what} is not a finite number ({given}): Image to Video's "
                        f"own ATI {what} is used")
    text = _coords_text(wf, node, "tracks")
    if text.strip() in ("", "[]"):
        said.append(f"'{node.title or node.cls}' has no drawn tracks: connect Keypoints to Image to Video's 'tracks'")
        return None
    for n in (wf.source(node, "tracks"),):
        if n is not None:
            b.used.add(n.id)
    per_frame = 120 / (length - 1) if isinstance(length, int) and length > 1 else 1.5
    params = {"coordinates": text, "points_per_frame": round(per_frame, 6)}
    params.update({k: wf.value(node, k) for k in ("width", "height") if isinstance(wf.value(node, k), int)})
    return b.add("motion.tracks_from_coordinates", params, node, mode=mode), "keypoints"


def _coords_text(wf, node: CNode, port: str = "track_coords") -> str:
    """The coordinates' JSON text: the node's own widget, or the text node wired into it."""
    src = wf.source(node, port)
    if src is not None:
        for key in ("value", "text", "string"):
            v = wf.value(src, key)
            if isinstance(v, str):
                return v
    v = wf.value(node, port)
    return v if isinstance(v, str) else "[]"


def control_clip(b, port_source: CNode | None, video: CNode | None, mode: str, said: list[str]) -> tuple[str, str] | None:
    """The control clip wired into a Fun control node: the loaded video, through Studio's Edges when a
    Canny node makes it from that video (its thresholds, fractions of 1, as grey levels)."""
    wf = b.wf
    if video is None:
        said.append("the control video is made by nodes Studio does not convert: connect a clip to Wan Fun Control's "
                    "'control'")
        return None
    clip = (b.add("io.load_video", {"path": b.file_of(video)}, video, mode=mode), "video")
    canny = next((n for n in _chain(wf, port_source) if n.cls == "Canny"), None)
    if canny is not None:
        b.used.add(canny.id)
        low, high = wf.value(canny, "low_threshold"), wf.value(canny, "high_threshold")
        params = {k: round(float(v) * 255) for k, v in (("low", low), ("high", high)) if isinstance(v, (int, float))}
        edges = b.add("control.edges", params, canny, mode=mode)
        b.g.connect(*clip, edges, "video")
        clip = (edges, "video")
    for n in _chain(wf, port_source):
        if n.cls == "GetVideoComponents":
            b.used.add(n.id)
    return clip


def _chain(wf, node: CNode | None, limit: int = 32) -> list[CNode]:
    """The nodes up the first wired input of each, from ``node`` (a control clip's preprocessing)."""
    out, seen = [], set()
    while node is not None and node.id not in seen and len(out) < limit:
        seen.add(node.id)
        out.append(node)
        port = next(iter(node.links), None)
        node = wf.source(node, port) if port else None
    return out
