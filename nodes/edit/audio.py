"""Sound editing: trim, gain, mix, and replace a video's sound."""
from __future__ import annotations

import numpy as np

from studio.core.params import Bool, Choice, Float
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio
from studio.engine.clip import Clip


def resample(audio: Audio, rate: int) -> Audio:
    """Linear-interpolation resampling (a few lines; enough for mixing sources of different
    rates; the file loader resamples with FFmpeg when a rate is asked for)."""
    if audio.rate == rate or audio.n_samples == 0:
        return audio
    n = int(round(audio.n_samples * rate / audio.rate))
    t = np.arange(n) * (audio.rate / rate)
    x = audio.samples
    return Audio(np.stack([np.interp(t, np.arange(len(x)), x[:, c]) for c in range(x.shape[1])], 1), rate)


def match_channels(x: np.ndarray, ch: int) -> np.ndarray:
    if x.shape[1] == ch:
        return x
    if x.shape[1] == 1:
        return np.repeat(x, ch, axis=1)
    return x.mean(axis=1, keepdims=True) if ch == 1 else x[:, :ch]


def fit_length(x: np.ndarray, n: int) -> np.ndarray:
    """Cut or pad with silence to ``n`` samples."""
    if len(x) >= n:
        return x[:n]
    return np.concatenate([x, np.zeros((n - len(x), x.shape[1]), np.float32)])


class AudioTrim(Node):
    """Keep the sound between two times, in seconds or in frames of the clip on 'timing' (at its rate: the sound
    under those frames). A video file with no sound gives none: nothing to cut."""
    id = "edit.audio_trim"
    title = "Audio Trim"
    category = "Audio"
    inputs = (In("audio", "Audio"),
              In("timing", "Video", optional=True, help="unit 'frames': the clip whose frame rate counts them"))
    outputs = (Out("audio", "Audio"),)
    params = (Float("start", 0.0, min=0.0, max=1e6, help="seconds (or frames)"),
              Float("end", 0.0, min=0.0, max=1e6, help="seconds (or frames); 0 = to the end"),
              Choice("unit", "seconds", choices=("seconds", "frames"),
                     help="what start and end count: seconds, or frames of the clip on 'timing' at its rate"))

    def run(self, ctx, audio, timing=None):
        if audio is None:  # (a Load Video's file without a sound track)
            ctx.info("no sound is given: nothing to cut")
            return None
        p = ctx.params
        start, end = p.start, p.end
        if p.unit == "frames":
            if timing is None or not timing.fps:
                raise ValueError("unit 'frames' counts the frames of the clip on 'timing': connect that clip")
            start, end = start / timing.fps, end / timing.fps
        last = end or audio.duration
        if start >= min(last, audio.duration):
            raise ValueError(f"start {start:g} s is not before end {min(last, audio.duration):g} s "
                             f"(the sound lasts {audio.duration:.2f} s)")
        if end > audio.duration:
            ctx.warn(f"end {end:g} s is past the sound's end ({audio.duration:.2f} s): trimmed there")
        return Audio(audio.slice_seconds(start, last).copy(), audio.rate)


class AudioGain(Node):
    """Make the sound louder or quieter, in decibels; optionally stop it from clipping."""
    id = "edit.audio_gain"
    title = "Audio Gain"
    category = "Audio"
    inputs = (In("audio", "Audio"),)
    outputs = (Out("audio", "Audio"),)
    params = (Float("gain_db", 0.0, min=-96.0, max=48.0, help="+6 dB doubles the amplitude"),
              Bool("limit", True, help="clip the result to [-1, 1]"))

    def run(self, ctx, audio):
        x = audio.samples * np.float32(10 ** (ctx.params.gain_db / 20))
        over = float(np.abs(x).max(initial=0.0))
        if ctx.params.limit and over > 1.0:
            ctx.warn(f"the gain clips the peaks ({over:.2f} before limiting)")
            x = np.clip(x, -1.0, 1.0)
        return Audio(x, audio.rate)


class AudioMix(Node):
    """Mix two sounds. The result has the first one's rate and channels and the longer length."""
    id = "edit.audio_mix"
    title = "Audio Mix"
    category = "Audio"
    inputs = (In("a", "Audio"), In("b", "Audio"))
    outputs = (Out("audio", "Audio"),)
    params = (Float("gain_a", 1.0, min=0.0, max=8.0), Float("gain_b", 1.0, min=0.0, max=8.0),
              Float("offset_b", 0.0, min=0.0, max=1e6, help="seconds before b starts"),
              Bool("limit", True, help="clip the result to [-1, 1]"))

    def run(self, ctx, a, b):
        p = ctx.params
        if b.rate != a.rate:
            ctx.info(f"b is resampled from {b.rate} Hz to {a.rate} Hz")
        bx = match_channels(resample(b, a.rate).samples, a.channels)
        off = int(round(p.offset_b * a.rate))
        n = max(a.n_samples, off + len(bx))
        out = fit_length(a.samples * np.float32(p.gain_a), n)
        out[off:off + len(bx)] += bx * np.float32(p.gain_b)
        if p.limit:
            out = np.clip(out, -1.0, 1.0)
        return Audio(out, a.rate)


class _WithAudio(Clip):
    def __init__(self, src: Clip, audio: Audio | None):
        super().__init__(src.n_frames, src.fps, src.width, src.height, src.channels, audio)
        self.src = src

    def _frame(self, i):
        return self.src.frame(i)

    def _chunk(self, a, b):
        return self.src.chunk(a, b)


class ReplaceAudio(Node):
    """Give a video another sound (or none), cut or padded with silence to the video's length."""
    id = "edit.replace_audio"
    title = "Replace Audio"
    category = "Audio"
    inputs = (In("video", "Video"), In("audio", "Audio", optional=True, help="none = silent video"))
    outputs = (Out("video", "Video"),)
    params = (Bool("fit_to_video", True, help="cut or pad the sound to the video's duration"),)

    def run(self, ctx, video, audio=None):
        if audio is None:
            return _WithAudio(video, None)
        if ctx.params.fit_to_video:
            n = int(round(video.duration * audio.rate))
            if audio.n_samples > n:
                ctx.info(f"the sound ({audio.duration:.2f} s) is cut to the video's {video.duration:.2f} s")
            elif audio.n_samples < n:
                ctx.info(f"the sound ({audio.duration:.2f} s) is padded with silence to {video.duration:.2f} s")
            audio = Audio(fit_length(audio.samples, n), audio.rate)
        return _WithAudio(video, audio)
