"""Spline Tracks: tracks drawn as splines through control points, sampled into one point a frame the way a spline
editor samples them (studio.core.spline_path: KJNodes' SplineEditor's interpolations and sampling methods). What
ComfyUI's SplineEditor's saved points mean; its 'coordinates' are these samples. Keypoints out, so Wan-Move,
ATI, Draw Tracks and Track Shapes take it."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Int, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.core.spline_path import INTERPOLATIONS, SAMPLINGS, read_splines, sampled
from studio.core.values import Keypoints
from studio.engine.clip import as_clip

from .paths import MAX_POINTS


def spline_array(splines, count: int, sampling: str, interpolation: str, tension: float, width: float,
                 whole: bool) -> tuple[np.ndarray, np.ndarray]:
    """[T, N, 2] points and [T, N] visibility for the splines (a spline with fewer samples is hidden past its end)."""
    tracks = [sampled(pts, count, sampling, interpolation, tension, width, single) for pts, single in splines]
    frames = max(len(t) for t in tracks)
    if frames * len(tracks) > MAX_POINTS:
        raise StudioError(f"{frames} points of {len(tracks)} splines: at most {MAX_POINTS:,}")
    pts = np.zeros((frames, len(tracks), 2), np.float64)
    vis = np.zeros((frames, len(tracks)), bool)
    for j, t in enumerate(tracks):
        t = np.round(t) if whole else t
        pts[:len(t), j], vis[:len(t), j] = t, True
        if len(t):
            pts[len(t):, j] = t[-1]
    return pts, vis


class SplineTracks(Node):
    """Tracks along splines drawn through control points: each spline one track, sampled into 'points' points
    (one a frame) along the curve chosen ('interpolation', 'tension'), evenly along its length ('path'), evenly
    across the frame's width ('time'), as many between each pair of control points ('speed'), or the control
    points themselves, or evenly in the curve's parameter ('uniform'). Positions are pixels of the 'width' x 'height'
    frame, or of the picture wired into 'plate'. What ComfyUI's SplineEditor (and LTX's track editor) draws."""
    id = "motion.spline_tracks"
    keywords = ("spline editor", "spline", "trajectory", "motion path", "curve", "draw path")
    title = "Spline Tracks"
    category = "Motion"
    timing = CLIP
    inputs = (In("plate", "Video", optional=True, help="the picture (or clip) the splines are drawn on: its size is "
                                                       "the tracks' frame, over 'width' and 'height'"),)
    outputs = (Out("keypoints", "Keypoints"),)
    params = (Text("splines", "[{\"points\": [{\"x\": 208, \"y\": 240}, {\"x\": 416, \"y\": 160}, "
                              "{\"x\": 624, \"y\": 240}]}]",
                   help="JSON: a list of splines, each {\"points\": [{\"x\": .., \"y\": ..}, ...]} (pixels of the "
                        "frame), as ComfyUI's SplineEditor saves its 'points_store'"),
              Int("points", 81, min=2, max=100_000, help="points sampled along each spline: one a frame"),
              Choice("sampling", "path", choices=SAMPLINGS,
                     help="path: evenly along the curve; time: evenly across the frame's width; controlpoints: the "
                          "control points themselves; speed: as many between each pair of control points"),
              Choice("interpolation", "cardinal", choices=INTERPOLATIONS, help="the curve through the points"),
              Float("tension", 0.5, min=0.0, max=1.0, help="cardinal: 0 round, 1 straight between points"),
              Int("width", 832, min=8, max=16384, help="the frame the points are pixels of"),
              Int("height", 480, min=8, max=16384),
              Bool("whole_pixels", True, help="round each point to a whole pixel (as SplineEditor gives its "
                                              "coordinates)"),
              Float("fps", 16.0, min=1.0, max=240.0, help="the tracks' frame rate"))

    @classmethod
    def preflight(cls, params, base_dir):
        try:
            read_splines(params.get("splines") or "")
        except StudioError as e:
            return [str(e)]
        return []

    def run(self, ctx, plate=None):
        p = ctx.params
        w, h = p.width, p.height
        if plate is not None:
            clip = as_clip(plate)
            w, h = clip.width, clip.height
        pts, vis = spline_array(read_splines(p.splines), p.points, p.sampling, p.interpolation, p.tension, w,
                                p.whole_pixels)
        return Keypoints(pts.astype(np.float32), vis, w, h, p.fps)
