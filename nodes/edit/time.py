"""Time: offset, speed (nearest, frame blend or optical-flow interpolation), reverse, hold, loop, trim."""
from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np

from studio.core.params import Choice, Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio
from studio.engine.clip import Clip


class _IndexClip(Clip):
    """Frame i shows source time ``times[i]`` (in source frames): nearest frame, a blend of the
    two frames around it, or an in-between made by the flow interpolation code."""

    def __init__(self, src: Clip, times: np.ndarray, method: str = "nearest", fps: float | None = None):
        super().__init__(len(times), fps or src.fps, src.width, src.height, src.channels)
        self.src, self.times, self.method = src, times, method
        self._pairs: OrderedDict[int, dict] = OrderedDict()
        self._lock = threading.Lock()

    def _flows(self, i0, f0, f1):
        from nodes.motion.interpolate import pair_flows
        with self._lock:
            fl = self._pairs.get(i0)
        if fl is None:
            fl = pair_flows(f0, f1)
            with self._lock:
                self._pairs[i0] = fl
                while len(self._pairs) > 2:
                    self._pairs.popitem(last=False)
        return fl

    def _frame(self, i):
        s = float(self.times[i])
        last = self.src.n_frames - 1
        if self.method == "nearest":
            return self.src.frame(min(last, max(0, int(math.floor(s + 0.5)))))
        i0 = min(last, max(0, int(math.floor(s + 1e-9))))
        t = s - i0
        if t < 1e-6 or i0 >= last:
            return self.src.frame(i0)
        f0, f1 = self.src.frame(i0), self.src.frame(i0 + 1)
        if self.method == "blend":
            return f0 + (f1 - f0) * np.float32(t)
        from nodes.motion.interpolate import interpolate_pair
        return interpolate_pair(f0, f1, t, self._flows(i0, f0, f1))


def _audio_for(audio: Audio | None, fps: float, times: np.ndarray, mode: str, n_src: int,
               offset: int = 0, speed: float = 1.0) -> Audio | None:
    """The sound that goes with the retimed picture (see Time's help)."""
    if audio is None or audio.n_samples == 0:
        return audio
    r, x = audio.rate, audio.samples
    per_frame = r / fps
    n_out = int(round(len(times) * per_frame))
    if mode == "reverse":
        return Audio(np.ascontiguousarray(x[:int(round(n_src * per_frame))][::-1]), r)
    if mode == "loop":
        one = x[:int(round(n_src * per_frame))]
        reps = -(-n_out // max(1, len(one)))
        return Audio(np.tile(one, (reps, 1))[:n_out], r)
    if mode == "hold":
        return Audio(np.zeros((n_out, x.shape[1]), np.float32), r)
    if mode == "trim":  # the sound under the frames kept (silence past the source's end)
        a = int(round(float(times[0]) * per_frame)) if len(times) else 0
        part = x[a:a + n_out]
        return Audio(np.ascontiguousarray(np.pad(part, ((0, n_out - len(part)), (0, 0)))), r)
    # offset and speed: the source sample under each output sample
    if mode == "offset":
        t_src = np.arange(n_out, dtype=np.float64) - offset * per_frame
    else:
        t_src = np.arange(n_out, dtype=np.float64) * speed
    out = np.empty((n_out, x.shape[1]), np.float32)
    idx = np.arange(len(x))
    inside = (t_src >= 0) & (t_src <= len(x) - 1)
    for ch in range(x.shape[1]):
        out[:, ch] = np.interp(t_src, idx, x[:, ch])
    out[~inside] = 0.0  # before the source starts (a positive offset) or after it ends: silence
    return Audio(out, r)


class Time(Node):
    """Retime a clip.
    offset: the picture starts `offset` frames later (the first frame is held before it) or,
    negative, earlier (the last frame is held at the end); the length stays.
    speed: 2 plays twice as fast (half the frames), 0.5 half as fast; in-between times use the
    nearest frame, a blend of the two neighbours, or optical-flow interpolation. The sound is
    resampled with it (its pitch changes).
    reverse: plays backwards, sound too. hold: one frame for `length` frames, silent.
    loop: plays `loops` times, sound too.
    trim: the frames from `start` on, `length` of them (0: to the clip's end), sound too (Resolve's trim,
    Nuke's FrameRange)."""
    id = "edit.time"
    keywords = ("retime", "speed", "speed ramp", "timewarp", "freeze frame", "hold", "offset", "loop", "trim",
                "frame range", "cut")
    title = "Time"
    category = "Edit"
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Choice("mode", "speed", choices=("offset", "speed", "reverse", "hold", "loop", "trim")),
              Int("offset", 0, min=-1_000_000, max=1_000_000, help="offset: frames later (negative: earlier)"),
              Float("speed", 1.0, min=0.01, max=100.0, help="speed: 2 = twice as fast"),
              Choice("method", "blend", choices=("nearest", "blend", "flow"),
                     help="speed: how in-between frames are made"),
              Int("hold_frame", 0, min=0, max=10_000_000, help="hold: the frame shown"),
              Int("length", 0, min=0, max=10_000_000,
                  help="hold: frames; 0 = the clip's length. trim: frames kept; 0 = to the clip's end"),
              Int("loops", 2, min=1, max=10_000, help="loop: how many times it plays"),
              Int("start", 0, min=0, max=10_000_000, help="trim: the first frame kept (0 = the clip's first)"))

    def run(self, ctx, video):
        p = ctx.params
        n = video.n_frames
        method = "nearest"
        if p.mode == "offset":
            times = np.clip(np.arange(n, dtype=np.float64) - p.offset, 0, n - 1)
        elif p.mode == "speed":
            m = max(1, int(math.floor((n - 1) / p.speed + 1e-9)) + 1)
            times = np.minimum(np.arange(m, dtype=np.float64) * p.speed, n - 1)
            method = p.method
        elif p.mode == "reverse":
            times = np.arange(n - 1, -1, -1, dtype=np.float64)
        elif p.mode == "hold":
            if p.hold_frame >= n:
                raise ValueError(f"hold frame {p.hold_frame} is outside the clip (0..{n - 1})")
            times = np.full(p.length or n, float(p.hold_frame))
        elif p.mode == "trim":
            if p.start >= n:
                raise ValueError(f"trim start {p.start} is past the clip's end ({n} frames: 0 to {n - 1})")
            end = n if not p.length else p.start + p.length
            if end > n:
                raise ValueError(f"trim of {p.length} frames from frame {p.start} runs past the clip's end ({n} frames): "
                                 "lower 'length' (0 keeps the frames to the end)")
            times = np.arange(p.start, end, dtype=np.float64)
        else:
            times = np.tile(np.arange(n, dtype=np.float64), p.loops)
        clip = _IndexClip(video, times, method)
        clip.audio = _audio_for(video.audio, video.fps, times, p.mode, n, p.offset, p.speed)
        return clip


class FrameHold(Node):
    """One frame of a clip as an Image (Nuke's FrameHold, Resolve's freeze frame): the start image
    of Image to Video from footage (its last frame, -1, to continue it), a reference still, a plate for a mask.
    Only that frame is read."""
    id = "edit.frame_hold"
    keywords = ("freeze frame", "still", "grab frame", "frame to image", "snapshot")
    title = "Frame Hold"
    category = "Edit"
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("image", "Image"),)
    params = (Int("frame", 0, min=-10_000_000, max=10_000_000,
                  help="the frame kept (0 = the first; negative counts from the end: -1 = the last)"),)

    def run(self, ctx, video):
        n, f = len(video), ctx.params.frame
        at = n + f if f < 0 else f
        if not 0 <= at < n:
            raise ValueError(f"frame {f} is past the clip's {'start' if f < 0 else 'end'} ({n} frames: 0 to {n - 1}, "
                             f"or -1 to -{n} from the end)")
        return np.asarray(video.frame(at), np.float32)[..., :3]
