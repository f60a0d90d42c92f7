"""Tracks from a mask (issue 57: tracks from Segment's masks): one track, the centroid of the mask's
pixels in each frame, hidden where the mask is empty. What Path Tracks makes (Keypoints), so Wan-Move's
tracks, Image to Video's 'tracks' and Draw Tracks take it. The mask is pulled a chunk at a time (memory
bounded however long the clip) and each chunk's centroids are sums over whole arrays.

Positions are pixels of the mask's frame with a pixel's centre at (i + 0.5), the convention of the
other track makers (a fraction f of the frame is f x width), so a one-pixel mask at column 0 row 0 is
the point (0.5, 0.5)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import as_clip

from .paths import MAX_FRAMES

CHUNK_PIXELS = 1 << 24  # mask values pulled at once (64 MB of float32), at least one frame


def chunk_frames(width: int, height: int) -> int:
    """Frames pulled at once: as many as fit CHUNK_PIXELS, 1 to 64."""
    return int(max(1, min(64, CHUNK_PIXELS // max(1, width * height))))


def centroids(masks: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """[n, 2] centroids (pixel centres at i + 0.5) and [n] 'not empty' of ``masks`` [n, H, W, C]: the
    mean position of the pixels of the first channel above ``threshold``; (nan, nan) where none is."""
    on = masks[..., 0] > threshold  # [n, H, W]
    count = on.sum((1, 2)).astype(np.float64)
    xs = on.sum(1, dtype=np.float64) @ (np.arange(on.shape[2]) + 0.5)  # [n]: column sums weighted by x
    ys = on.sum(2, dtype=np.float64) @ (np.arange(on.shape[1]) + 0.5)
    with np.errstate(invalid="ignore", divide="ignore"):
        pts = np.stack([xs / count, ys / count], 1)
    return pts, count > 0


def held(pts: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """``pts`` [T, 2] with each unseen frame's point the last seen one before it (the first seen one
    before any); (0, 0) when no frame is seen."""
    if not seen.any():
        return np.zeros_like(pts)
    idx = np.where(seen, np.arange(len(seen)), -1)
    idx = np.maximum.accumulate(idx)
    idx[idx < 0] = int(np.argmax(seen))
    return pts[idx]


def frame_list(frames: np.ndarray, most: int = 8) -> str:
    """'3, 4, 9' (and 'and N more' past ``most``)."""
    shown = ", ".join(str(int(f)) for f in frames[:most])
    return shown + (f" and {len(frames) - most} more" if len(frames) > most else "")


class TracksFromMask(Node):
    """One track following a mask: the centroid of its pixels in each frame (those above 'threshold'),
    hidden on frames where the mask is empty (held at its last place there). Wire Segment's mask (or
    any mask clip) to steer Wan-Move or Image to Video's 'tracks' by the object, or to draw its path
    with Draw Tracks."""
    id = "motion.tracks_from_mask"
    keywords = ("centroid", "segment tracks", "mask centre", "object path", "follow mask", "trajectory")
    title = "Tracks from Mask"
    category = "Motion"
    timing = CLIP
    inputs = (In("mask", "Mask", help="a mask clip (Segment's, Control Mask's): 1 on the object"),)
    outputs = (Out("keypoints", "Keypoints"),)
    params = (Float("threshold", 0.5, min=0.0, max=1.0, help="a pixel is the object where the mask is above this"),)

    def run(self, ctx, mask):
        clip = as_clip(mask)
        n, w, h = len(clip), clip.width, clip.height
        if n > MAX_FRAMES:
            raise StudioError(f"the mask has {n:,} frames: at most {MAX_FRAMES:,} (trim it first)")
        pts = np.zeros((n, 2), np.float64)
        seen = np.zeros(n, bool)
        for a, masks in clip.chunks(chunk_frames(w, h), check=ctx.check_cancelled):
            pts[a:a + len(masks)], seen[a:a + len(masks)] = centroids(masks, ctx.params.threshold)
        empty = np.flatnonzero(~seen)
        if len(empty) == n:
            ctx.warn(f"the mask is empty (nothing above {ctx.params.threshold:g}) in all {n} frames: the track is "
                     "hidden throughout")
        elif len(empty):
            ctx.info(f"the mask is empty on {len(empty)} of {n} frames ({frame_list(empty)}): the track is hidden "
                     "there")
        px = held(pts, seen).astype(np.float32)[:, None, :]
        return Keypoints(px, seen[:, None].copy(), w, h, clip.fps)
