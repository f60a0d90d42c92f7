"""A transition from one clip to the next over N frames, as the editing packs make them: a dissolve (crossfade), a
wipe (an edge crossing the frame reveals the next clip) or a slide (the next clip pushed in over the first), each in
four directions. 'a''s last N frames and 'b''s first N are shown together; the whole edit is 'a', the transition,
then the rest of 'b' (na + nb - N frames), or the N frames of the transition alone. Made lazily, a chunk of frames at
a time, vectorised; the sound crossfaded over the same frames."""
from __future__ import annotations

import numpy as np

from studio.core.params import Choice, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio
from studio.engine.clip import Clip

from .audio import fit_length, match_channels, resample
from .concat import fit_frame

DIRECTIONS = ("left", "right", "up", "down")
STYLES = ("dissolve", *(f"wipe {d}" for d in DIRECTIONS), *(f"slide {d}" for d in DIRECTIONS))
KEEPS = ("whole", "transition only")


def progress(n: int) -> np.ndarray:
    """How far each of a transition's ``n`` frames is, strictly between 0 ('a' alone) and 1 ('b' alone)."""
    return (np.arange(n, dtype=np.float32) + 1) / np.float32(n + 1)


def mixed(style: str, a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Frames [k, H, W, C] of 'a' going to 'b' at progress ``t`` [k] by ``style``. A wipe or slide 'left' moves
    towards the left: 'b' comes in from the right edge (a wipe shows 'b' where the edge has passed; a slide
    moves 'b' in over 'a', which stays put)."""
    if style == "dissolve":
        w = t[:, None, None, None]
        return a + (b - a) * w
    kind, direction = style.split(" ")
    k, h, w, _ = a.shape
    across = direction in ("left", "right")
    size = w if across else h
    edge = np.rint(t * size).astype(int)  # how many pixels of 'b' show
    pos = np.arange(size)
    if direction in ("left", "up"):  # 'b' enters from the right / bottom
        shown = pos[None, :] >= (size - edge)[:, None]
    else:
        shown = pos[None, :] < edge[:, None]
    m = shown[:, None, :, None] if across else shown[:, :, None, None]
    if kind == "slide":  # 'b' moved in: its pixels shifted by what is not yet shown
        shift = size - edge if direction in ("left", "up") else edge - size
        b = np.stack([np.roll(b[j], int(shift[j]), axis=1 if across else 0) for j in range(k)])
    return np.where(m, b, a)


def crossfaded(a: Clip, b: Clip, n: int, fps: float, whole: bool) -> Audio | None:
    """The sound of the edit: 'a''s, then 'b''s, crossfaded linearly over the transition's ``n`` frames (the
    transition's alone: that crossfade); None where neither clip has sound."""
    ta, tb = a.audio, b.audio
    ref = next((t for t in (ta, tb) if t is not None and t.n_samples), None)
    if ref is None:
        return None
    rate = ref.rate
    ch = max(t.channels for t in (ta, tb) if t is not None)

    def samples(t: Audio | None, frames: int) -> np.ndarray:
        x = match_channels(resample(t, rate).samples, ch) if t is not None else np.zeros((0, ch), np.float32)
        return fit_length(np.asarray(x, np.float32), int(round(frames / fps * rate)))

    xa, xb = samples(ta, a.n_frames), samples(tb, b.n_frames)
    ov = min(len(xa), len(xb), int(round(n / fps * rate)))
    r = ((np.arange(ov, dtype=np.float32) + 0.5) / max(ov, 1))[:, None]
    mid = xa[len(xa) - ov:] * (1 - r) + xb[:ov] * r
    return Audio(np.concatenate([xa[:len(xa) - ov], mid, xb[ov:]]) if whole else mid, rate)


class _TransitionClip(Clip):
    def __init__(self, a: Clip, b: Clip, style: str, n: int, whole: bool):
        self.a, self.b, self.style, self.n = a, b, style, n
        self.start = a.n_frames - n if whole else 0  # the transition's first frame in this clip
        self.a_from = a.n_frames - n  # 'a''s frame under the transition's first
        total = a.n_frames + b.n_frames - n if whole else n
        channels = max(a.channels, b.channels) if {a.channels, b.channels} <= {1, 3} else a.channels
        super().__init__(total, a.fps, a.width, a.height, channels,
                         crossfaded(a, b, n, a.fps, whole))

    def _fit(self, f: np.ndarray) -> np.ndarray:
        if f.shape[2] != self.channels:
            f = np.repeat(f[..., :1], self.channels, axis=2) if f.shape[2] == 1 else f[..., :self.channels]
        return fit_frame(f, self.width, self.height)

    def _read(self, clip: Clip, a: int, b: int) -> np.ndarray:
        x = clip.chunk(a, b)
        return np.stack([self._fit(f) for f in x]) if x.shape[1:] != (self.height, self.width, self.channels) else x

    def _chunk(self, a: int, b: int) -> np.ndarray:
        out = np.empty((b - a, self.height, self.width, self.channels), np.float32)
        s, e = self.start, self.start + self.n
        if a < s:  # 'a' alone
            out[:min(b, s) - a] = self._read(self.a, a, min(b, s))
        if b > s and a < e:  # the transition
            lo, hi = max(a, s), min(b, e)
            k = np.arange(lo - s, hi - s)
            t = progress(self.n)[k]
            fa = self._read(self.a, self.a_from + k[0], self.a_from + k[-1] + 1)
            fb = self._read(self.b, k[0], k[-1] + 1)
            out[lo - a:hi - a] = mixed(self.style, fa, fb, t)
        if b > e:  # the rest of 'b'
            lo = max(a, e)
            out[lo - a:] = self._read(self.b, lo - e + self.n, b - e + self.n)
        return out

    def _frame(self, i: int) -> np.ndarray:
        return self._chunk(i, i + 1)[0]


class Transition(Node):
    """Go from clip 'a' to clip 'b' over 'frames' frames: 'a''s last frames and 'b''s first shown together by a
    dissolve (crossfade), a wipe (an edge moving left, right, up or down shows 'b' behind it) or a slide ('b'
    pushed in over 'a' from the side it moves away from). 'whole': 'a', the transition, then the rest of 'b' (as
    long as both less the overlap); 'transition only': its frames alone, to join with other clips. 'b' is fitted
    into 'a''s size (aspect kept) and played at 'a''s rate; the sound is crossfaded with the pictures."""
    id = "edit.transition"
    keywords = ("crossfade", "dissolve", "wipe", "slide", "fade", "transition", "cross dissolve")
    title = "Transition"
    category = "Edit"
    timing = CLIP
    inputs = (In("a", "Video"), In("b", "Video"))
    outputs = (Out("video", "Video"),)
    params = (Choice("style", "dissolve", choices=STYLES, help="dissolve, wipe or slide, and its direction"),
              Int("frames", 12, min=1, max=100_000, help="how many frames the transition lasts (both clips overlap)"),
              Choice("keep", "whole", choices=KEEPS,
                     help="whole: 'a', the transition, the rest of 'b'; transition only: its frames alone"))

    def run(self, ctx, a, b):
        p = ctx.params
        n = min(p.frames, a.n_frames, b.n_frames)
        if n < p.frames:
            ctx.warn(f"{p.frames} frames asked, but 'a' has {a.n_frames} and 'b' {b.n_frames}: the transition lasts {n}")
        if abs(a.fps - b.fps) > 1e-3:
            ctx.info(f"'b' ({b.fps:g} fps) is played at 'a''s {a.fps:g} fps, frame for frame")
        if (b.width, b.height) != (a.width, a.height):
            ctx.info(f"'b' ({b.width}x{b.height}) is fitted into 'a''s {a.width}x{a.height}, its aspect kept")
        return _TransitionClip(a, b, p.style, n, p.keep == "whole")
