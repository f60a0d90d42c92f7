"""A transition from one clip to the next over N frames, as the editing packs make them: a dissolve (crossfade), a
wipe (an edge crossing the frame reveals the next clip) or a slide (the next clip pushed in over the first), each in
four directions. 'a''s last N frames and 'b''s first N are shown together; the whole edit is 'a', the transition,
then the rest of 'b' (na + nb - N frames), or the N frames of the transition alone; or 'inserted' (as KJNodes'
Transition / Cross Fade Images Multi make it): all of 'a', N new frames going from 'a''s last frame to 'b''s first
(progress k / (N - 1), the first 'a''s last frame itself, the last 'b''s first), then all of 'b' (na + N + nb frames).
The progress is eased by one of the packs' easings. Made lazily, a chunk of frames at a time, vectorised; the sound
crossfaded over the same frames (inserted: 'a''s, silence over the new frames, 'b''s)."""
from __future__ import annotations

import numpy as np

from studio.core.easing import EASINGS, eased
from studio.core.params import Choice, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio
from studio.engine.clip import Clip

from .audio import fit_length, match_channels, resample
from .concat import fit_frame

DIRECTIONS = ("left", "right", "up", "down")
STYLES = ("dissolve", *(f"wipe {d}" for d in DIRECTIONS), *(f"slide {d}" for d in DIRECTIONS))
KEEPS = ("whole", "transition only", "inserted")


def progress(n: int, easing: str = "linear", inserted: bool = False) -> np.ndarray:
    """How far each of a transition's ``n`` frames is (float32), strictly between 0 ('a' alone) and 1 ('b' alone);
    inserted: k / (n - 1), from 0 to 1 (one frame: 0.5); eased by ``easing`` (some overshoot 0..1)."""
    k = np.arange(n, dtype=np.float64)
    t = (k / (n - 1) if n > 1 else k + 0.5) if inserted else (k + 1) / (n + 1)
    return np.asarray(eased(easing, t), np.float32)


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
    t64 = t.astype(np.float64)
    pos = np.arange(size)
    if direction in ("left", "up"):  # 'b' enters from the right / bottom: 'a' keeps round((1 - t) size) pixels
        edge = size - np.rint((1 - t64) * size).astype(int)  # how many pixels of 'b' show
        shown = pos[None, :] >= (size - edge)[:, None]
    else:
        edge = np.rint(t64 * size).astype(int)
        shown = pos[None, :] < edge[:, None]
    m = shown[:, None, :, None] if across else shown[:, :, None, None]
    if kind == "slide":  # 'b' moved in: its pixels shifted by what is not yet shown
        shift = size - edge if direction in ("left", "up") else edge - size
        b = np.stack([np.roll(b[j], int(shift[j]), axis=1 if across else 0) for j in range(k)])
    return np.where(m, b, a)


def crossfaded(a: Clip, b: Clip, n: int, fps: float, whole: bool, inserted: bool = False) -> Audio | None:
    """The sound of the edit: 'a''s, then 'b''s, crossfaded linearly over the transition's ``n`` frames (the
    transition's alone: that crossfade; inserted: silence over its ``n`` new frames); None where neither clip has
    sound."""
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
    if inserted:
        return Audio(np.concatenate([xa, np.zeros((int(round(n / fps * rate)), ch), np.float32), xb]), rate)
    ov = min(len(xa), len(xb), int(round(n / fps * rate)))
    r = ((np.arange(ov, dtype=np.float32) + 0.5) / max(ov, 1))[:, None]
    mid = xa[len(xa) - ov:] * (1 - r) + xb[:ov] * r
    return Audio(np.concatenate([xa[:len(xa) - ov], mid, xb[ov:]]) if whole else mid, rate)


class _TransitionClip(Clip):
    def __init__(self, a: Clip, b: Clip, style: str, n: int, keep: str, easing: str = "linear"):
        self.a, self.b, self.style, self.n = a, b, style, n
        whole, self.inserted = keep != "transition only", keep == "inserted"
        self.t = progress(n, easing, self.inserted)
        self.start = a.n_frames - n if whole and not self.inserted else a.n_frames if whole else 0
        self.a_from = a.n_frames - n  # 'a''s frame under the transition's first
        self.b_from = 0 if self.inserted else n  # 'b''s frame after the transition's last
        total = a.n_frames + b.n_frames + (n if self.inserted else -n) if whole else n
        channels = max(a.channels, b.channels) if {a.channels, b.channels} <= {1, 3} else a.channels
        super().__init__(total, a.fps, a.width, a.height, channels,
                         crossfaded(a, b, n, a.fps, whole, self.inserted))

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
            t = self.t[k]
            if self.inserted:  # 'a''s last frame going to 'b''s first
                fa = np.repeat(self._read(self.a, self.a.n_frames - 1, self.a.n_frames), len(k), axis=0)
                fb = np.repeat(self._read(self.b, 0, 1), len(k), axis=0)
            else:
                fa = self._read(self.a, self.a_from + k[0], self.a_from + k[-1] + 1)
                fb = self._read(self.b, k[0], k[-1] + 1)
            out[lo - a:hi - a] = mixed(self.style, fa, fb, t)
        if b > e:  # the rest of 'b'
            lo = max(a, e)
            out[lo - a:] = self._read(self.b, lo - e + self.b_from, b - e + self.b_from)
        return out

    def _frame(self, i: int) -> np.ndarray:
        return self._chunk(i, i + 1)[0]


class Transition(Node):
    """Go from clip 'a' to clip 'b' over 'frames' frames: 'a''s last frames and 'b''s first shown together by a
    dissolve (crossfade), a wipe (an edge moving left, right, up or down shows 'b' behind it) or a slide ('b'
    pushed in over 'a' from the side it moves away from). 'whole': 'a', the transition, then the rest of 'b' (as
    long as both less the overlap); 'transition only': its frames alone, to join with other clips; 'inserted': all
    of 'a', new frames going from its last frame to 'b''s first, all of 'b' (no overlap). 'easing' shapes how the
    transition moves. 'b' is fitted into 'a''s size (aspect kept) and played at 'a''s rate; the sound is crossfaded
    with the pictures (inserted: silent over the new frames)."""
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
                     help="whole: 'a', the transition, the rest of 'b'; transition only: its frames alone; "
                          "inserted: all of 'a', new frames from its last to 'b''s first, all of 'b'"),
              Choice("easing", "linear", choices=tuple(EASINGS), help="how the transition's progress moves"))

    def run(self, ctx, a, b):
        p = ctx.params
        inserted = p.keep == "inserted"
        n = p.frames if inserted else min(p.frames, a.n_frames, b.n_frames)
        if n < p.frames:
            ctx.warn(f"{p.frames} frames asked, but 'a' has {a.n_frames} and 'b' {b.n_frames}: the transition lasts {n}")
        if abs(a.fps - b.fps) > 1e-3:
            ctx.info(f"'b' ({b.fps:g} fps) is played at 'a''s {a.fps:g} fps, frame for frame")
        if (b.width, b.height) != (a.width, a.height):
            ctx.info(f"'b' ({b.width}x{b.height}) is fitted into 'a''s {a.width}x{a.height}, its aspect kept")
        return _TransitionClip(a, b, p.style, n, p.keep, p.easing)
