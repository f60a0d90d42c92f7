"""Concatenate clips end to end, with their sound."""
from __future__ import annotations

import bisect
import math

import cv2
import numpy as np

from studio.core.params import Choice
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio
from studio.engine.clip import Clip

from .audio import fit_length, match_channels, resample


def fit_frame(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale a frame to fit inside width x height keeping its aspect, centred on black."""
    h, w, c = frame.shape
    if (w, h) == (width, height):
        return frame
    s = min(width / w, height / h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(frame, (nw, nh), interpolation=interp).reshape(nh, nw, c)
    out = np.zeros((height, width, c), np.float32)
    ox, oy = (width - nw) // 2, (height - nh) // 2
    out[oy:oy + nh, ox:ox + nw] = scaled
    return out


class _ConcatClip(Clip):
    """Frame i comes from the part whose range holds it; each part is read at ``maps[k]``."""

    def __init__(self, parts: list[Clip], maps: list[np.ndarray], fps: float, width: int, height: int,
                 channels: int, audio: Audio | None):
        self.parts, self.maps = parts, maps
        self.starts = np.cumsum([0] + [len(m) for m in maps]).tolist()
        super().__init__(self.starts[-1], fps, width, height, channels, audio)

    def _frame(self, i):
        k = bisect.bisect_right(self.starts, i) - 1
        part = self.parts[k]
        f = part.frame(int(self.maps[k][i - self.starts[k]]))
        if f.shape[2] != self.channels:
            f = np.repeat(f[..., :1], self.channels, axis=2) if f.shape[2] == 1 else f[..., :self.channels]
        return fit_frame(f, self.width, self.height)


class Concatenate(Node):
    """Play clips one after another, with their sound (a clip without sound adds silence).
    Clips of different sizes or frame rates: 'error' stops with the differences listed;
    'conform to first' fits each frame inside the first clip's size (aspect kept, black bars)
    and resamples each clip to the first clip's rate by nearest frame, so each keeps its duration."""
    id = "edit.concatenate"
    keywords = ("splice", "append", "sequence", "edit")
    title = "Concatenate"
    category = "Edit"
    timing = CLIP
    inputs = (In("a", "Video"), In("b", "Video"), In("c", "Video", optional=True),
              In("d", "Video", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Choice("conform", "error", choices=("error", "conform to first"),
                     help="what to do when sizes or frame rates differ"),)

    def run(self, ctx, a, b, c=None, d=None):
        parts = [(n, x) for n, x in zip("abcd", (a, b, c, d)) if x is not None]
        first = parts[0][1]
        diffs = [f"'{n}' is {x.width}x{x.height} @ {x.fps:g} fps" for n, x in parts[1:]
                 if (x.width, x.height) != (first.width, first.height) or abs(x.fps - first.fps) > 1e-3]
        if diffs and ctx.params.conform == "error":
            raise ValueError(f"clips differ: 'a' is {first.width}x{first.height} @ {first.fps:g} fps, "
                             + ", ".join(diffs) + "; set conform to 'conform to first' or resize/retime them")
        if diffs:
            ctx.info(f"conformed to {first.width}x{first.height} @ {first.fps:g} fps: " + ", ".join(diffs))
        maps = []
        for _, x in parts:
            if abs(x.fps - first.fps) > 1e-3:
                m = max(1, int(round(x.n_frames * first.fps / x.fps)))
                maps.append(np.minimum(np.floor(np.arange(m) * x.fps / first.fps + 0.5), x.n_frames - 1).astype(int))
            else:
                maps.append(np.arange(x.n_frames))
        channels = max(x.channels for _, x in parts) if all(x.channels in (1, 3) for _, x in parts) else first.channels
        audio = self._audio([x for _, x in parts], [len(m) for m in maps], first.fps)
        return _ConcatClip([x for _, x in parts], maps, first.fps, first.width, first.height, channels, audio)

    @staticmethod
    def _audio(clips: list[Clip], lengths: list[int], fps: float) -> Audio | None:
        tracks = [x.audio for x in clips]
        ref = next((t for t in tracks if t is not None and t.n_samples), None)
        if ref is None:
            return None
        rate, ch = ref.rate, max(t.channels for t in tracks if t is not None)
        pieces = []
        for t, n in zip(tracks, lengths):
            want = int(round(n / fps * rate))  # each part's sound lasts exactly as long as its picture
            x = (match_channels(resample(t, rate).samples, ch) if t is not None
                 else np.zeros((0, ch), np.float32))
            pieces.append(fit_length(x, want))
        return Audio(np.concatenate(pieces), rate)
