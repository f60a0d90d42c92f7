"""Keypoints: detect, track across a clip (pyramidal Lucas-Kanade with a forward-backward check
and re-detection), draw tracks over the frames."""
from __future__ import annotations

import colorsys

import cv2
import numpy as np

from studio.core.params import Bool, Choice, Float, Int
from studio.core.spec import CLIP, FRAME, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import as_clip

from . import tracklib

_DETECT_PARAMS = (
    Choice("detector", "good_features", choices=tracklib.DETECTORS,
           help="Shi-Tomasi corners (good_features), ORB or SIFT"),
    Int("max_points", 200, min=1, max=5000, help="most points found (and alive while tracking)"),
    Float("quality", 0.01, min=1e-4, max=1.0, help="good_features: weakest corner kept, relative to the best"),
    Float("min_distance", 7.0, min=0.0, max=500.0, help="pixels between points"),
)


class DetectKeypoints(Node):
    """Find trackable points in one frame (a single-frame Keypoints value)."""
    id = "motion.detect_keypoints"
    title = "Detect Keypoints"
    category = "Motion"
    timing = CLIP
    inputs = (In("video", "Video", help="an image or a clip"),)
    outputs = (Out("keypoints", "Keypoints"),)
    params = _DETECT_PARAMS + (Int("frame", 0, min=0, max=10_000_000, help="which frame of a clip"),)

    def run(self, ctx, video):
        clip = as_clip(video)
        p = ctx.params
        if p.frame >= len(clip):
            raise ValueError(f"frame {p.frame} is outside the clip (0..{len(clip) - 1})")
        pts = tracklib.detect(clip.frame(p.frame), p.detector, p.max_points, p.quality, p.min_distance)
        return Keypoints(pts[None], np.ones((1, len(pts)), bool), clip.width, clip.height, clip.fps)


class TrackKeypoints(Node):
    """Track points across a clip with pyramidal Lucas-Kanade. A point is dropped when the
    forward-backward check fails; new points are detected when too few are left. Output: tracks
    [T, N, 2] with visibility. Wire Keypoints in to track your own points instead of detecting."""
    id = "motion.track_keypoints"
    keywords = ("tracker", "track", "point tracker", "match move", "stabilize")
    title = "Track Keypoints"
    category = "Motion"
    timing = CLIP
    disk_cache = True  # a preprocessor over the whole clip: its tracks are kept between runs
    inputs = (In("video", "Video"),
              In("points", "Keypoints", optional=True, help="start from these points (their first frame)"))
    outputs = (Out("keypoints", "Keypoints"),)
    params = _DETECT_PARAMS + (
        Int("window", 21, min=5, max=101, help="Lucas-Kanade window in pixels"),
        Int("levels", 3, min=0, max=8, help="pyramid levels (more follows faster motion)"),
        Float("fb_threshold", 1.0, min=0.01, max=100.0, help="forward-backward error (px) that loses a point"),
        Float("max_error", 12.0, min=0.0, max=255.0, help="patch difference (0..255) that loses a point; 0 = off"),
        Bool("redetect", True, help="find new points when too many are lost"),
        Float("redetect_below", 0.7, min=0.0, max=1.0, help="re-detect below this fraction of max points"),
    )

    def run(self, ctx, video, points=None):
        p = ctx.params
        initial = None
        if points is not None:
            if not isinstance(points, Keypoints):
                raise ValueError(f"points must be Keypoints, got {type(points).__name__}")
            sx, sy = video.width / points.width, video.height / points.height
            initial = points.points[0][points.visible[0]] * np.float32([sx, sy])
        tp = tracklib.TrackParams(p.detector, p.max_points, p.quality, p.min_distance, p.window | 1,
                                  p.levels, p.fb_threshold, p.max_error, p.redetect, p.redetect_below)
        n = len(video)
        tr = tracklib.track((video.frame(i) for i in range(n)), tp, initial,
                            on_frame=lambda t: ctx.progress(t + 1, n, frame=t))
        return Keypoints(tr.points, tr.visible, video.width, video.height, video.fps)


def _track_colors(n: int) -> np.ndarray:
    return np.array([colorsys.hsv_to_rgb((k * 0.618034) % 1.0, 0.85, 1.0) for k in range(n)],
                    np.float32).reshape(-1, 3)


class DrawTracks(Node):
    """Draw keypoint tracks over the frames: a dot for each visible point and a trail of its
    last positions."""
    id = "motion.draw_tracks"
    title = "Draw Tracks"
    category = "Motion"
    timing = FRAME
    inputs = (In("video", "Video"), In("keypoints", "Keypoints"))
    outputs = (Out("video", "Video"),)
    params = (Int("radius", 3, min=1, max=50), Int("trail", 10, min=0, max=1000, help="frames of trail"),
              Int("thickness", 1, min=1, max=20))

    def output_shape(self, ctx, video, keypoints, **_):
        if not isinstance(keypoints, Keypoints):
            raise ValueError(f"keypoints input must be Keypoints, got {type(keypoints).__name__}")
        self._colors = _track_colors(keypoints.n_points)
        self._scale = np.float32([video.width / keypoints.width, video.height / keypoints.height])
        return {"channels": 3}

    def frame(self, ctx, i, video, keypoints):
        img = np.array(video[..., :3] if video.shape[2] >= 3 else np.repeat(video, 3, axis=2), np.float32)
        kp = keypoints
        if i >= kp.n_frames or kp.n_points == 0:
            return img
        p = ctx.params
        sh = 4
        k = float(1 << sh)
        t0 = max(0, i - p.trail)
        vis = kp.visible[t0:i + 1]                       # [L, N]
        pts = np.round(kp.points[t0:i + 1] * self._scale * k).astype(np.int32)  # [L, N, 2]
        now = kp.visible[i]
        for n in np.nonzero(now)[0]:
            c = tuple(float(v) for v in self._colors[n])
            seg = pts[vis[:, n], n]
            if len(seg) > 1:
                cv2.polylines(img, [seg.reshape(-1, 1, 2)], False, c, p.thickness, cv2.LINE_AA, sh)
            cv2.circle(img, tuple(int(v) for v in pts[-1, n]), int(p.radius * k), c, -1, cv2.LINE_AA, sh)
        return img
