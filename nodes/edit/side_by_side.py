"""Two clips side by side in one frame (a comparison: the source beside the take), as ComfyUI's ImageConcanate and
KJNodes' ImageConcatMulti place pictures: 'b' to the right of, below, left of or above 'a', scaled (aspect kept) to
share 'a''s height or width; a clip shorter than the other holds its last frame; the sound is 'a''s."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Choice
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip

DIRECTIONS = ("right", "down", "left", "up")


def _fit(frame: np.ndarray, width: int | None, height: int | None) -> np.ndarray:
    """``frame`` scaled to ``height`` (or ``width``), its aspect kept; 3 channels."""
    h, w = frame.shape[:2]
    tw, th = (max(1, round(w * height / h)), height) if height else (width, max(1, round(h * width / w)))
    if (tw, th) != (w, h):
        frame = cv2.resize(frame, (tw, th), interpolation=cv2.INTER_AREA if tw < w else cv2.INTER_LINEAR)
        frame = frame.reshape(th, tw, -1)
    return np.repeat(frame[..., :1], 3, axis=2) if frame.shape[2] == 1 else frame[..., :3]


class _SideClip(Clip):
    def __init__(self, a: Clip, b: Clip, direction: str):
        self.a, self.b, self.direction = a, b, direction
        across = direction in ("right", "left")
        bw, bh = ((max(1, round(b.width * a.height / b.height)), a.height) if across
                  else (a.width, max(1, round(b.height * a.width / b.width))))
        self.b_size = (bw, bh)
        w, h = (a.width + bw, a.height) if across else (a.width, a.height + bh)
        super().__init__(max(a.n_frames, b.n_frames), a.fps, w, h, 3, audio_from=a)

    def _frame(self, i):
        fa = _fit(self.a.frame(min(i, self.a.n_frames - 1)), self.a.width, None)
        fb = _fit(self.b.frame(min(i, self.b.n_frames - 1)), *((None, self.b_size[1]) if self.direction in
                                                               ("right", "left") else (self.b_size[0], None)))
        first, second = (fa, fb) if self.direction in ("right", "down") else (fb, fa)
        return np.ascontiguousarray(np.concatenate((first, second), axis=1 if self.direction in ("right", "left")
                                                   else 0), np.float32)


class SideBySide(Node):
    """Place 'b' beside 'a' in one frame: to its right, below, left of or above it (a before-and-after
    comparison), 'b' scaled to share 'a''s height (side by side) or width (stacked), its aspect kept. The clip
    is as long as the longer of the two (the shorter holds its last frame), at 'a''s frame rate, with 'a''s sound."""
    id = "edit.side_by_side"
    keywords = ("compare", "comparison", "stack", "concat", "before after", "split screen", "hstack", "vstack")
    title = "Side by Side"
    category = "Edit"
    timing = CLIP
    inputs = (In("a", "Video"), In("b", "Video"))
    outputs = (Out("video", "Video"),)
    params = (Choice("direction", "right", choices=DIRECTIONS, help="where 'b' goes beside 'a'"),)

    def run(self, ctx, a, b):
        return _SideClip(a, b, ctx.params.direction)
