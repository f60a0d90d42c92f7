"""A clip made another frame rate keeping its duration: frames dropped or repeated by time, as VideoHelperSuite's
Load Video forces a rate (its force_rate). The rule, read from its source (Kosinkadink/ComfyUI-VideoHelperSuite
@4ee72c06, videohelpersuite/load_video_nodes.py, cv_frame_generator, used by Load Video (Upload) and (Path)): output
frame j is the first source frame whose time is at or after j / rate (frame 0 first; the clip ends where the source's
last frame is passed), the times summed in floating point a frame at a time as it sums them, so a tie (24 -> 16 fps:
output 2 at exactly source frame 3) falls on the frame it falls on there (4). Written here from that description,
not copied. Lazy: only the picked frames are read, a chunk's run of source frames at once."""
from __future__ import annotations

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


class ResampledClip(Clip):
    """``src`` at ``rate`` frames per second over the same duration (``forced_picks``), with ``src``'s sound or
    ``audio``."""

    def __init__(self, src: Clip, rate: float, audio=None):
        self.src, self.picks = src, forced_picks(src.n_frames, src.fps, rate)
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
