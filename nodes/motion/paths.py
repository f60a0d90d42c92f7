"""Tracks made without footage: a path drawn by its ends (and a bend), a list of coordinates, and two
sets of tracks merged. They feed what takes Keypoints (Wan-Move's tracks, Draw Tracks), and they are
what ComfyUI's WanMove nodes mean (GenerateTracks, WanMoveTracksFromCoords, WanMoveConcatTrack).

Coordinates are fractions of the frame (0 left or top, 1 right or bottom) for Path Tracks, pixels
or fractions for Coordinates; a position outside the frame is kept (consumers leave it out)."""
from __future__ import annotations

import numpy as np

from studio.core import json_limits
from studio.core.params import Bool, Choice, Float, Int, Text
from studio.core.spec import CLIP, SOURCE, In, Node, Out
from studio.core.values import Keypoints

EASINGS = ("linear", "ease_in", "ease_out", "ease_in_out", "constant_speed")
MAX_TRACKS = 1000
MAX_FRAMES = 100_000
MAX_POINTS = 2_000_000  # frames x tracks of a Coordinates node's text
MAX_PATH_POINTS = 50_000_000  # frames x tracks of Path Tracks: 450 MB of keypoints (at its maxima: 100 million)


def path_size_problem(frames: int, tracks: int) -> str | None:
    """Why Path Tracks' arrays are too large, with the estimate, or None (before anything is made)."""
    n = int(frames) * int(tracks)
    if n <= MAX_PATH_POINTS:
        return None
    return (f"{int(frames):,} frames of {int(tracks):,} tracks are {n:,} points, {n * 9 / 1e9:.1f} GB of keypoints; "
            f"Path Tracks makes at most {MAX_PATH_POINTS:,}: lower 'frames' or 'tracks'")


def eased(t: np.ndarray, easing: str) -> np.ndarray:
    """Progress along the path at times ``t`` in [0, 1] (constant_speed is handled by arc length)."""
    if easing == "ease_in":
        return t * t
    if easing == "ease_out":
        return 1 - (1 - t) ** 2
    if easing == "ease_in_out":
        return t * t * (3 - 2 * t)
    return t


def path_points(start, end, mid, bezier: bool, frames: int, easing: str) -> np.ndarray:
    """[frames, 2] points along the path in fractions of the frame: a line from ``start`` to ``end``, or
    the quadratic Bezier curve through them with ``mid`` as its control point."""
    p0, p1, p2 = (np.asarray(v, np.float64) for v in (start, mid, end))
    t = np.linspace(0.0, 1.0, frames) if frames > 1 else np.zeros(1)

    def at(s):
        s = s[:, None]
        if bezier:
            return (1 - s) ** 2 * p0 + 2 * (1 - s) * s * p1 + s * s * p2
        return (1 - s) * p0 + s * p2
    if easing != "constant_speed" or frames < 2:
        return at(eased(t, easing))
    fine = np.linspace(0.0, 1.0, 1025)  # arc length of the curve, for the same distance each frame
    pts = at(fine)
    length = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
    if length[-1] <= 0:
        return at(t)
    return at(np.interp(t * length[-1], length, fine))


class PathTracks(Node):
    """Tracks along a path you give by its start and end (and, bent, a control point between): one or
    several tracks side by side across the direction of travel, 'spread' apart. The motion steered by
    Wan-Move, or a path for Draw Tracks (ComfyUI's GenerateTracks means the same)."""
    id = "motion.path_tracks"
    keywords = ("trajectory", "spline", "motion path", "generate tracks", "move along")
    title = "Path Tracks"
    category = "Motion"
    timing = SOURCE
    outputs = (Out("keypoints", "Keypoints"),)
    params = (Int("width", 832, min=16, max=16384, help="the frame the path is drawn in (pixels)"),
              Int("height", 480, min=16, max=16384),
              Float("start_x", 0.25, min=-1.0, max=2.0, help="fractions of the frame: 0 left, 1 right"),
              Float("start_y", 0.5, min=-1.0, max=2.0, help="0 top, 1 bottom"),
              Float("end_x", 0.75, min=-1.0, max=2.0),
              Float("end_y", 0.5, min=-1.0, max=2.0),
              Int("frames", 81, min=1, max=MAX_FRAMES),
              Int("tracks", 5, min=1, max=MAX_TRACKS, help="tracks side by side along the path"),
              Float("spread", 0.025, min=0.0, max=1.0, help="between neighbouring tracks, across the direction of "
                                                           "travel (a fraction of the frame)"),
              Bool("bezier", False, help="bend the path through the control point"),
              Float("mid_x", 0.5, min=-1.0, max=2.0, help="the control point (bezier)"),
              Float("mid_y", 0.5, min=-1.0, max=2.0),
              Choice("easing", "linear", choices=EASINGS, help="speed along the path: even in time (linear), "
                                                              "slow start / end, or even in distance"))

    @classmethod
    def preflight(cls, params, base_dir):
        p = params
        out = []
        if (p.get("start_x"), p.get("start_y")) == (p.get("end_x"), p.get("end_y")) and not p.get("bezier"):
            out.append("the path has no length: its start and end are the same point")
        why = path_size_problem(p.get("frames", 81), p.get("tracks", 5))  # validate says it too, with its estimate
        return out + ([why] if why else [])

    def run(self, ctx):
        p = ctx.params
        why = path_size_problem(p.frames, p.tracks)
        if why:
            from studio.core.errors import StudioError
            raise StudioError(why)
        centre = path_points((p.start_x, p.start_y), (p.end_x, p.end_y), (p.mid_x, p.mid_y), p.bezier, p.frames,
                             p.easing)
        d = np.array([p.end_x - p.start_x, p.end_y - p.start_y], np.float64)
        if np.linalg.norm(d) == 0:
            d = centre[-1] - centre[0] if len(centre) > 1 else np.array([1.0, 0.0])
        n = np.linalg.norm(d)
        normal = np.array([-d[1], d[0]]) / n if n > 0 else np.array([0.0, 1.0])
        offsets = (np.arange(p.tracks) - (p.tracks - 1) / 2) * p.spread
        size = np.array([p.width, p.height], np.float64)  # float32 made once: no float64 copy of every point
        px = ((centre * size).astype(np.float32)[:, None, :]
              + (offsets[:, None] * normal[None, :] * size).astype(np.float32)[None, :, :])  # [T, N, 2] pixels
        return Keypoints(px, np.ones(px.shape[:2], bool), p.width, p.height)


class TracksFromCoordinates(Node):
    """Tracks from a list of coordinates: JSON, one list of points per track ('[[{"x": 10, "y": 20}, ...],
    ...]' or '[[[10, 20], ...], ...]'), each point a frame, in pixels of the frame given (or fractions
    of it when every value is between 0 and 1 and 'fractions' is on). What ComfyUI's
    WanMoveTracksFromCoords and path editors write."""
    id = "motion.tracks_from_coordinates"
    keywords = ("trajectory", "coords", "spline", "points")
    title = "Tracks from Coordinates"
    category = "Motion"
    timing = SOURCE
    outputs = (Out("keypoints", "Keypoints"),)
    params = (Text("coordinates", "[]", help="JSON: a list of tracks, each a list of points (one "
                                                              "a frame) as {\"x\": .., \"y\": ..} or [x, y]"),
              Int("width", 832, min=16, max=16384), Int("height", 480, min=16, max=16384),
              Bool("fractions", False, help="the values are fractions of the frame (0..1), not pixels"),
              Float("points_per_frame", 1.0, min=0.1, max=100.0,
                    help="points drawn per frame of the clip: 1 one a frame; 1.5 ATI's editor (24-fps points on "
                         "the 16-fps model; the nearest point each frame, as ATI's process_tracks)"))

    def run(self, ctx):
        p = ctx.params
        tracks = retimed(parse_coordinates(p.coordinates), p.points_per_frame)
        pts = tracks * (np.array([p.width, p.height], np.float32) if p.fractions else 1)
        vis = np.isfinite(pts).all(-1)
        return Keypoints(np.nan_to_num(pts).astype(np.float32), vis, p.width, p.height)


def retimed(tracks: np.ndarray, per_frame: float) -> np.ndarray:
    """``tracks`` [P, N, 2] drawn ``per_frame`` points a frame, one a frame: frame 0 keeps point 0 and
    frame j >= 1 takes point 1 + floor(per_frame (j - 1) + 1/2). At 1.5 that is bytedance/ATI@168b443
    wan/utils/motion.py process_tracks (``repeat_interleave(points[1:], 2)[1::3]``)."""
    if per_frame == 1 or len(tracks) < 2:
        return tracks
    j = np.arange(1, int(np.ceil(len(tracks) / per_frame)) + 2)
    idx = 1 + np.floor(per_frame * (j - 1) + 0.5).astype(np.int64)
    return tracks[np.concatenate([[0], idx[idx < len(tracks)]])]


def parse_coordinates(text: str) -> np.ndarray:
    """[T, N, 2] from the JSON text (tracks of different lengths: the shorter ones are hidden past their
    end, NaN); refused in words when it is not a list of tracks of points."""
    try:
        data = json_limits.loads(text or "[]")
    except ValueError as e:
        raise ValueError(f"the coordinates are not JSON: {e}") from None
    if isinstance(data, list) and data and all(isinstance(q, (dict, list)) and _is_point(q) for q in data):
        data = [data]  # one track
    if not isinstance(data, list) or not data or not all(isinstance(t, list) and t for t in data):
        raise ValueError("the coordinates are not a list of tracks, each a list of points ({\"x\": .., \"y\": ..} "
                         "or [x, y])")
    if len(data) > MAX_TRACKS:
        raise ValueError(f"{len(data)} tracks: at most {MAX_TRACKS}")
    frames = max(len(t) for t in data)
    if frames * len(data) > MAX_POINTS:
        raise ValueError(f"{frames} frames of {len(data)} tracks: at most {MAX_POINTS:,} points")
    out = np.full((frames, len(data), 2), np.nan, np.float32)
    for j, track in enumerate(data):
        for i, q in enumerate(track):
            if not _is_point(q):
                raise ValueError(f"track {j + 1}, point {i + 1} is not a point ({{\"x\": .., \"y\": ..}} or [x, y]): "
                                 f"{str(q)[:40]}")
            out[i, j] = (q["x"], q["y"]) if isinstance(q, dict) else q[:2]
    return out


def _is_point(q) -> bool:
    if isinstance(q, dict):
        vals = [q.get("x"), q.get("y")]
    elif isinstance(q, list) and len(q) in (2, 3):
        vals = q[:2]
    else:
        return False
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)


class MergeTracks(Node):
    """Two sets of tracks as one (their frames as many as the longer's, a shorter set hidden past its
    end); b's positions scaled into a's frame when their frame sizes differ."""
    id = "motion.merge_tracks"
    keywords = ("concat tracks", "combine tracks", "join tracks")
    title = "Merge Tracks"
    category = "Motion"
    timing = CLIP
    inputs = (In("a", "Keypoints"), In("b", "Keypoints"))
    outputs = (Out("keypoints", "Keypoints"),)

    def run(self, ctx, a, b):
        for v, name in ((a, "a"), (b, "b")):
            if not isinstance(v, Keypoints):
                raise ValueError(f"{name} must be Keypoints, got {type(v).__name__}")
        t = max(a.n_frames, b.n_frames)
        scale = np.array([a.width / b.width, a.height / b.height], np.float32)

        def padded(k: Keypoints, s):
            pts = np.zeros((t, k.points.shape[1], 2), np.float32)
            vis = np.zeros((t, k.points.shape[1]), bool)
            pts[:k.n_frames] = k.points * s
            vis[:k.n_frames] = k.visible
            return pts, vis
        pa, va = padded(a, 1.0)
        pb, vb = padded(b, scale)
        return Keypoints(np.concatenate([pa, pb], 1), np.concatenate([va, vb], 1), a.width, a.height, a.fps)
