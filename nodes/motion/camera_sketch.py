"""A camera path drawn as a picture (issue 75, item 4: the path previewed before a run): the camera's
positions seen from above (x across, z forward) and from the front (x across, y up), the start green,
the end red, the time between as a ramp, and where the camera looks at a few frames. Camera Path's
``first_frame`` is a clip of the path's frames (:class:`PathPreview`): on top the view through the
camera at that frame (the first frame's picture as a grid with a floor before it, studio.core.camera_keys:
the viewer's overlay draws the same lines while a key is dragged), below it the sketch with that
frame's camera marked and the keys as squares. The viewer shows it as soon as the node is selected
or a setting changes, and its timeline scrubs it. numpy + cv2."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core import camera_keys as ck
from studio.engine.clip import Clip

W, H = 480, 240  # two square panels side by side
MARGIN = 24
MAX_STROKES = 400  # the path drawn in at most this many strokes (each preview frame draws it: 100,000 frames stay quick)
LINE_COLORS = {0: (70, 90, 80), 1: (110, 110, 120), 2: (235, 235, 235)}  # floor, grid, border (camera_keys' kinds)


def _panel(img: np.ndarray, x0: int, title: str, pts: np.ndarray, dirs: np.ndarray, span: float,
           now: int | None = None, keys: tuple[int, ...] = ()) -> None:
    """One view: ``pts`` [T, 2] positions and ``dirs`` [T, 2] looking directions in the panel's plane;
    the frame ``now`` ringed, the ``keys``' frames as squares."""
    size = H - 2 * MARGIN
    cv2.rectangle(img, (x0 + MARGIN, MARGIN), (x0 + MARGIN + size, MARGIN + size), (76, 76, 76), 1)
    cv2.putText(img, title, (x0 + MARGIN, MARGIN - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (204, 204, 204), 1, cv2.LINE_AA)
    centre = np.array([x0 + MARGIN + size / 2, MARGIN + size / 2])
    k = (size / 2 - 8) / span

    def at(p):
        return tuple(int(round(v)) for v in centre + p * np.array([k, -k]))
    n = len(pts)
    step = np.unique(np.linspace(0, n - 1, min(n, MAX_STROKES + 1)).round().astype(int))  # a long path thinned
    for a, b in zip(step[:-1], step[1:]):
        t = a / max(1, n - 2)
        ramp = (255 * (1.0 - t), 255 * (0.8 * (1 - abs(2 * t - 1)) + 0.2), 255 * t)  # green at the start, red at the end
        cv2.line(img, at(pts[a]), at(pts[b]), ramp, 2, cv2.LINE_AA)
    for i in sorted({0, n // 4, n // 2, 3 * n // 4, n - 1}):  # where it points: a stroke from the camera
        d = dirs[i] / (np.linalg.norm(dirs[i]) or 1.0)
        cv2.arrowedLine(img, at(pts[i]), at(pts[i] + d * span * 0.25), (230, 230, 230), 1, cv2.LINE_AA, tipLength=0.3)
    cv2.circle(img, at(pts[0]), 5, (51, 230, 51), -1, cv2.LINE_AA)
    cv2.circle(img, at(pts[-1]), 5, (242, 64, 51), -1, cv2.LINE_AA)
    for f in keys:
        if 0 <= f < n:
            x, y = at(pts[f])
            cv2.rectangle(img, (x - 3, y - 3), (x + 3, y + 3), (255, 210, 60), -1)
    if now is not None and 0 <= now < n:
        cv2.circle(img, at(pts[now]), 8, (255, 255, 255), 2, cv2.LINE_AA)


def sketch(c2w: np.ndarray, label: str = "", now: int | None = None, keys: tuple[int, ...] = (),
           as_bytes: bool = False) -> np.ndarray:
    """An [H, W, 3] float32 picture of the camera-to-world poses ``c2w`` [T, 4, 4] (OpenCV axes); the
    frame ``now`` ringed and the ``keys``' frames marked (uint8 with ``as_bytes``)."""
    img = np.full((H, W, 3), 31, np.uint8)  # drawn in 8 bits (cv2's text), returned as floats
    pos = c2w[:, :3, 3]
    fwd = c2w[:, :3, 2]  # the camera's z axis in the world: where it looks
    span = max(float(np.abs(pos).max()), 1e-3) * 1.15
    # from above: x right, z forward (up the panel); from the front: x right, y up (OpenCV's y is down)
    _panel(img, 0, "from above (x, z)", pos[:, [0, 2]], fwd[:, [0, 2]], span, now, keys)
    up = -c2w[:, :3, 1]  # the camera's up in the world (OpenCV's y is down): a roll turns it in the front view
    _panel(img, W // 2, "from the front (x, y up): its up", pos[:, [0, 1]] * [1, -1], up[:, [0, 1]] * [1, -1], span, now, keys)
    moved = float(np.linalg.norm(pos[-1] - pos[0]))
    turn = float(np.degrees(np.arccos(np.clip((np.trace(c2w[-1, :3, :3]) - 1) / 2, -1, 1))))
    cv2.putText(img, f"{label}: {len(c2w)} frames, moves {moved:.2f}, turns {turn:.0f} deg", (MARGIN, H - 6),
                cv2.FONT_HERSHEY_SIMPLEX, 0.38, (217, 217, 217), 1, cv2.LINE_AA)
    return img if as_bytes else img.astype(np.float32) / 255.0


def view_through(c2w: np.ndarray, lens: tuple[float, float, float, float]) -> np.ndarray:
    """[VIEW_H, VIEW_W, 3] uint8: what the camera at pose ``c2w`` [4, 4] sees of the first frame's
    picture (a grid at camera_keys.DEPTH, its border and up stroke brighter) and the floor before it."""
    img = np.full((ck.VIEW_H, ck.VIEW_W, 3), 18, np.uint8)
    segs, kinds = ck.picture_lines(c2w, *lens)
    scale = np.array([ck.VIEW_W, ck.VIEW_H], np.float64)
    big = 4 * max(ck.VIEW_W, ck.VIEW_H)  # cv2 wants ints: far ends are clamped (a line's way is kept on screen)
    for (a, b), kind in zip(segs, kinds):
        pa, pb = (np.clip(a * scale, -big, big), np.clip(b * scale, -big, big))
        ok, p, q = cv2.clipLine((0, 0, ck.VIEW_W, ck.VIEW_H), tuple(int(v) for v in pa), tuple(int(v) for v in pb))
        if ok:
            cv2.line(img, p, q, LINE_COLORS[kind], 2 if kind == ck.BORDER else 1, cv2.LINE_AA)
    return img


class PathPreview(Clip):
    """A camera path as a clip for the viewer (one frame a frame of the path): the view through the
    camera on top, the path's sketch below with this frame ringed; drawn when pulled."""

    def __init__(self, c2w: np.ndarray, lens: tuple[float, float, float, float], label: str,
                 keys: tuple[int, ...] = (), fps: float = 16.0):
        super().__init__(len(c2w), fps, ck.PREVIEW_W, ck.PREVIEW_H)
        self.c2w, self.lens, self.label, self.keys = c2w, lens, label, tuple(keys)

    def _frame(self, i: int) -> np.ndarray:
        img = np.zeros((ck.PREVIEW_H, ck.PREVIEW_W, 3), np.uint8)
        img[:ck.VIEW_H] = view_through(self.c2w[i], self.lens)
        words = f"frame {i}" + (" - key" if i in self.keys else "")
        cv2.putText(img, words, (12, 34), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 210, 60) if i in self.keys
                    else (200, 200, 200), 2, cv2.LINE_AA)  # big enough to read in a small viewer
        below = sketch(self.c2w, self.label, i, self.keys, as_bytes=True)
        x0 = (ck.PREVIEW_W - W) // 2
        img[ck.VIEW_H:ck.VIEW_H + H, x0:x0 + W] = below
        return img.astype(np.float32) / 255.0
