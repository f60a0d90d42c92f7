"""Camera from Tracks (issue 75, item 4): a camera move solved from points tracked in the footage, for
a camera-controlled generator (Wan Fun Camera) to repeat. Each frame's points against the first frame's
give a similarity (OpenCV's estimateAffinePartial2D with RANSAC: a scale, a turn and a shift of the
picture, outliers such as a moving person left out); the camera is taken to have done the opposite at
a unit distance from what it films: the picture growing s times is a dolly in of 1 - 1/s, the picture
turning is a roll the other way, the picture shifting is a truck the other way (the shift over the
focal length). Flat scenes and distant ones fit this best; parallax is read as the move of the points'
majority. A frame with too few points holds the pose before it (said). numpy + cv2."""
from __future__ import annotations

import math

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import CameraPath

from .camera import poses, relative


def solve(points: np.ndarray, visible: np.ndarray, width: int, height: int, fx: float, fy: float,
          threshold: float = 3.0, smooth: int = 0) -> tuple[np.ndarray, list[int]]:
    """([T, 4, 4] camera-to-world poses, the frames held for too few points) from tracks [T, N, 2]."""
    import cv2
    t_n = len(points)
    angles, pos, held = np.zeros((t_n, 3)), np.zeros((t_n, 3)), []
    centre = np.array([width / 2.0, height / 2.0, 1.0])
    for t in range(1, t_n):
        ok = visible[0] & visible[t]
        if int(ok.sum()) < 3:
            angles[t], pos[t] = angles[t - 1], pos[t - 1]
            held.append(t)
            continue
        m, _ = cv2.estimateAffinePartial2D(points[0][ok].astype(np.float32), points[t][ok].astype(np.float32),
                                           method=cv2.RANSAC, ransacReprojThreshold=float(threshold))
        if m is None:
            angles[t], pos[t] = angles[t - 1], pos[t - 1]
            held.append(t)
            continue
        scale = math.hypot(m[0, 0], m[1, 0])
        turn = math.atan2(m[1, 0], m[0, 0])  # the picture's turn (clockwise on screen: y is down)
        shift = m @ centre - centre[:2]  # where the frame's centre went, in pixels
        angles[t] = (0.0, 0.0, -turn)
        pos[t] = (-shift[0] / (fx * width), -shift[1] / (fy * height), 1.0 - 1.0 / max(scale, 1e-3))
    if smooth > 1:  # a moving average over the frames (tracker jitter), the first pose kept
        k = np.ones(smooth) / smooth
        for arr in (angles, pos):
            for c in range(3):
                padded = np.pad(arr[:, c], (smooth // 2, smooth - 1 - smooth // 2), mode="edge")
                arr[:, c] = np.convolve(padded, k, mode="valid")
        angles[0], pos[0] = 0.0, 0.0
    return relative(poses(angles, pos)), held


class CameraFromTracks(Node):
    """A camera move solved from tracked points (Track Keypoints, Drawn Tracks): the picture's scale, turn
    and shift against the first frame, made into a dolly, a roll and a truck of the camera, as a Camera
    Path for a camera-controlled generator (Wan Fun Camera) to repeat on a new picture."""
    id = "motion.camera_from_tracks"
    keywords = ("camera solve", "camera track", "matchmove", "camera from footage", "solved camera", "tracker")
    title = "Camera from Tracks"
    category = "Motion"
    timing = CLIP
    inputs = (In("tracks", "Keypoints", help="points tracked over the footage (Track Keypoints, Drawn Tracks)"),)
    outputs = (Out("camera", "Camera"),)
    params = (Float("threshold", 3.0, min=0.5, max=50.0, help="pixels a point may stray from the fit and still "
                                                                "count (RANSAC); points that move on their own fall out"),
              Int("smooth", 5, min=0, max=101, help="frames averaged over to steady the path (0: as solved)"),
              Float("fx", 0.5, min=0.01, max=10.0, help="focal length, a fraction of the width (Camera Path's)"),
              Float("fy", 0.5, min=0.01, max=10.0, help="focal length, a fraction of the height"))

    def run(self, ctx, tracks):
        p = ctx.params
        pts = np.asarray(tracks.points, np.float64)
        if pts.ndim != 3 or pts.shape[0] < 2 or pts.shape[1] < 3:
            raise StudioError(f"Camera from Tracks needs 3 points or more over 2 frames or more; the tracks have "
                              f"{pts.shape[1] if pts.ndim == 3 else 0} points over {len(pts)} frames")
        c2w, held = solve(pts, np.asarray(tracks.visible, bool), tracks.width, tracks.height, p.fx, p.fy,
                          p.threshold, p.smooth)
        if held:
            ctx.warn(f"{len(held)} frame(s) had fewer than 3 points seen in the first frame too (first: frame "
                     f"{held[0]}): the pose before each is held")
        moved = float(np.linalg.norm(c2w[-1, :3, 3]))
        ctx.info(f"solved {len(c2w)} frames from {pts.shape[1]} points: the camera moves {moved:.2f} by the end")
        return CameraPath(c2w, p.fx, p.fy, 0.5, 0.5, f"solved from {pts.shape[1]} tracks")
