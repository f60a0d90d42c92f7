"""A clip made another frame rate keeping its duration: frames dropped or repeated by time, as VideoHelperSuite's
Load Video forces a rate (its force_rate). The rule, read from its source (Kosinkadink/ComfyUI-VideoHelperSuite
@4ee72c06, videohelpersuite/load_video_nodes.py, cv_frame_generator, used by Load Video (Upload) and (Path)): output
frame j is the first source frame whose time is at or after j / rate (frame 0 first; the clip ends where the source's
last frame is passed), the times summed in floating point a frame at a time as it sums them, so a tie (24 -> 16 fps:
output 2 at exactly source frame 3) falls on the frame it falls on there (4). Written here from that description,
not copied. ffmpeg's fps filter (its default round=near; VideoHelperSuite's Load Video FFmpeg reads a file through
it) picks by another rule: each source frame's time is rounded to the nearest output slot (a half up), and output
slot j shows the last source frame rounded to it or before (the frame showing at the middle of slot j's time: the
last one starting before (j + 1/2) / rate); the clip has as many slots as its duration at that rate, rounded to the
nearest (a half up), the last frame repeated to the end. Both rules are declared once here (RULES, Frame Rate's
'keep' choices). Lazy: only the picked frames are read, a chunk's run of source frames at once."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from studio.engine.clip import Clip


def forced_picks(n_src: int, src_fps: float, rate: float) -> np.ndarray:
    """The source frame each output frame shows when ``n_src`` frames at ``src_fps`` are read at ``rate``."""
    if n_src <= 0 or src_fps <= 0 or rate <= 0:
        return np.zeros(0, np.int64)
    out_step, in_step = 1.0 / rate, 1.0 / src_fps
    picks: list[int] = []
    ahead = out_step  # how far the source frame in hand runs past the time of the next output frame
    k = 0
    while True:
        while ahead < out_step:  # behind: take the next source frame
            k += 1
            if k >= n_src:
                return np.asarray(picks, np.int64)
            ahead += in_step
        picks.append(k)
        ahead -= out_step


def _exact(x: float) -> Fraction:
    return Fraction(x).limit_denominator(100_000)  # (29.97 as 2997/100, 30000/1001 as itself)


def middle_picks(n_src: int, src_fps: float, rate: float) -> np.ndarray:
    """ffmpeg's fps filter (round=near): the source frame each output slot shows when ``n_src`` frames at
    ``src_fps`` are read at ``rate``: slot j the last source frame starting before (j + 1/2) / rate, as many slots as
    round(n_src / src_fps * rate) (a half up), computed in whole numbers as ffmpeg rescales its timestamps."""
    if n_src <= 0 or src_fps <= 0 or rate <= 0:
        return np.zeros(0, np.int64)
    per = _exact(src_fps) / _exact(rate)  # source frames per output slot
    a, b = per.numerator, per.denominator
    m = (2 * n_src * b + a) // (2 * a)  # floor(n_src / per + 1/2)
    j = np.arange(m, dtype=object)
    k = -((-(2 * j + 1) * a) // (2 * b)) - 1  # ceil((j + 1/2) * per) - 1, exactly
    return np.minimum(k.astype(np.int64), n_src - 1)


# Frame Rate's 'keep' choices that keep the duration -> the rule picking the frames (declared once)
RULES = {"duration": forced_picks, "duration, middle": middle_picks}


class ResampledClip(Clip):
    """``src`` at ``rate`` frames per second over the same duration (by ``rule``, a key of RULES), with ``src``'s
    sound or ``audio``."""

    def __init__(self, src: Clip, rate: float, audio=None, rule: str = "duration"):
        self.src, self.picks = src, RULES[rule](src.n_frames, src.fps, rate)
        super().__init__(len(self.picks), rate, src.width, src.height, src.channels, audio,
                         audio_from=None if audio is not None else src)
        self.preview, self.producer = src.preview, src.producer

    def _frame(self, i: int) -> np.ndarray:
        return self.src.frame(int(self.picks[i]))

    def _chunk(self, a: int, b: int) -> np.ndarray:
        idx = self.picks[a:b]
        lo, hi = int(idx[0]), int(idx[-1]) + 1
        if hi - lo <= 2 * (b - a) + 8:  # a dense run: one read of the source's chunk, then picked
            return self.src.chunk(lo, hi)[idx - lo]
        return np.stack([np.asarray(self.src.frame(int(k)), np.float32) for k in idx])
