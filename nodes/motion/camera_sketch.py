"""A camera path drawn as a picture (issue 75, item 4: the path previewed before a run): the camera's
positions seen from above (x across, z forward) and from the front (x across, y up), the start green,
the end red, the time between as a ramp, and where the camera looks at a few frames. Camera Path's
``first_frame``: the viewer shows it as soon as the node is selected or a setting changes. numpy + cv2."""
from __future__ import annotations

import cv2
import numpy as np

W, H = 480, 240  # two square panels side by side
MARGIN = 24


def _panel(img: np.ndarray, x0: int, title: str, pts: np.ndarray, dirs: np.ndarray, span: float) -> None:
    """One view: ``pts`` [T, 2] positions and ``dirs`` [T, 2] looking directions in the panel's plane."""
    size = H - 2 * MARGIN
    cv2.rectangle(img, (x0 + MARGIN, MARGIN), (x0 + MARGIN + size, MARGIN + size), (76, 76, 76), 1)
    cv2.putText(img, title, (x0 + MARGIN, MARGIN - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (204, 204, 204), 1, cv2.LINE_AA)
    centre = np.array([x0 + MARGIN + size / 2, MARGIN + size / 2])
    k = (size / 2 - 8) / span

    def at(p):
        return tuple(int(round(v)) for v in centre + p * np.array([k, -k]))
    n = len(pts)
    for i in range(n - 1):
        t = i / max(1, n - 2)
        ramp = (255 * (1.0 - t), 255 * (0.8 * (1 - abs(2 * t - 1)) + 0.2), 255 * t)  # green at the start, red at the end
        cv2.line(img, at(pts[i]), at(pts[i + 1]), ramp, 2, cv2.LINE_AA)
    for i in sorted({0, n // 4, n // 2, 3 * n // 4, n - 1}):  # where it points: a stroke from the camera
        d = dirs[i] / (np.linalg.norm(dirs[i]) or 1.0)
        cv2.arrowedLine(img, at(pts[i]), at(pts[i] + d * span * 0.25), (230, 230, 230), 1, cv2.LINE_AA, tipLength=0.3)
    cv2.circle(img, at(pts[0]), 5, (51, 230, 51), -1, cv2.LINE_AA)
    cv2.circle(img, at(pts[-1]), 5, (242, 64, 51), -1, cv2.LINE_AA)


def sketch(c2w: np.ndarray, label: str = "") -> np.ndarray:
    """An [H, W, 3] float32 picture of the camera-to-world poses ``c2w`` [T, 4, 4] (OpenCV axes)."""
    img = np.full((H, W, 3), 31, np.uint8)  # drawn in 8 bits (cv2's text), returned as floats
    pos = c2w[:, :3, 3]
    fwd = c2w[:, :3, 2]  # the camera's z axis in the world: where it looks
    span = max(float(np.abs(pos).max()), 1e-3) * 1.15
    # from above: x right, z forward (up the panel); from the front: x right, y up (OpenCV's y is down)
    _panel(img, 0, "from above (x, z)", pos[:, [0, 2]], fwd[:, [0, 2]], span)
    up = -c2w[:, :3, 1]  # the camera's up in the world (OpenCV's y is down): a roll turns it in the front view
    _panel(img, W // 2, "from the front (x, y up): its up", pos[:, [0, 1]] * [1, -1], up[:, [0, 1]] * [1, -1], span)
    moved = float(np.linalg.norm(pos[-1] - pos[0]))
    turn = float(np.degrees(np.arccos(np.clip((np.trace(c2w[-1, :3, :3]) - 1) / 2, -1, 1))))
    cv2.putText(img, f"{label}: {len(c2w)} frames, moves {moved:.2f}, turns {turn:.0f} deg", (MARGIN, H - 6),
                cv2.FONT_HERSHEY_SIMPLEX, 0.38, (217, 217, 217), 1, cv2.LINE_AA)
    return img.astype(np.float32) / 255.0
