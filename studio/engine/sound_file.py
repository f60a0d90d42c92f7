"""A sound file decoded whole (Load Audio's short files, a node needing every sample): its size told from its
container's length before a sample is decoded, and its stream's facts and decoded blocks, which
studio.engine.sound_spans reads span by span for a long file."""
from __future__ import annotations

import os
from typing import Iterator

import numpy as np

from studio.core.errors import MediaError
from studio.core.limits import MAX_AUDIO_SAMPLES
from studio.core.values import Audio

from .media_open import open_media as _open


def _av():
    import av
    return av


MAX_AUDIO_BYTES = 2 << 30  # one sound held as float32 samples: past this it is refused, estimated first


def _audio_estimate(c, s) -> float:
    """The stream's length in seconds as its container says (0: unknown)."""
    if s.duration is not None and s.time_base is not None:
        return float(s.duration * s.time_base)
    return float(c.duration) / 1e6 if c.duration else 0.0


def declared_seconds(path: str) -> float:
    """The length of a file's first audio stream as its container declares it (its header: nothing is decoded),
    0 when it declares none; what validation can tell of a sound's length before a run (studio.engine.foresight)."""
    c = _open(path, "audio")
    try:
        return _audio_estimate(c, c.streams.audio[0]) if c.streams.audio else 0.0
    finally:
        c.close()


MIN_SOUND_RATE = 1_000  # Hz: below, a header's rate is damaged (a sound at 1 Hz resampled gave no sample at all)


def sound_stream(c, name: str, rate: int | None, mono: bool) -> tuple:
    """(stream, layout, channels, rate out, seconds the container says) of an open file's first audio stream,
    refused in words where it has none, none Studio can decode, or a rate no sound has."""
    if not c.streams.audio:
        raise MediaError(f"'{name}' has no audio stream")
    s = c.streams.audio[0]
    cc = s.codec_context
    if cc is None:  # a header of 0 bits a sample: FFmpeg opens no decoder for it
        raise MediaError(f"'{name}' has an audio stream Studio cannot decode (no sample format or rate in its "
                         "header: a damaged or unusual file)")
    src_rate = cc.sample_rate or 44100
    if src_rate < MIN_SOUND_RATE:
        raise MediaError(f"the sound of '{name}' says it is sampled at {src_rate:,} Hz; Studio reads sound sampled at "
                         f"{MIN_SOUND_RATE:,} Hz or more (a telephone's: 8,000 Hz): its header is damaged, or it is "
                         "not a sound")
    if rate is not None and 0 < rate < MIN_SOUND_RATE:
        raise MediaError(f"'{name}' cannot be resampled to {rate:,} Hz: Studio makes sound of {MIN_SOUND_RATE:,} Hz or "
                         "more ('rate' 0 keeps the file's own)")
    layout = "mono" if mono or (cc.channels or 1) == 1 else "stereo"
    return s, layout, 1 if layout == "mono" else 2, int(rate or src_rate), _audio_estimate(c, s)


def sound_blocks(c, s, layout: str, rate: int, name: str) -> Iterator[np.ndarray]:
    """The stream's sound from its start, resampled: float32 blocks of interleaved channels as they decode. A
    decoding error after the first block ends the sound there (what decoded is kept), before it is refused."""
    av = _av()
    res = av.AudioResampler(format="flt", layout=layout, rate=rate)
    given = 0
    try:
        for fr in c.decode(s):
            for r in res.resample(fr):
                given += 1
                yield r.to_ndarray().reshape(-1)  # packed 'flt': interleaved channels
        for r in res.resample(None):
            yield r.to_ndarray().reshape(-1)
    except av.error.FFmpegError as e:
        if not given:
            raise MediaError(f"cannot decode audio of '{name}': {e.strerror or e}") from None


def nan_refused(x: np.ndarray, name: str) -> None:
    if not np.isfinite(x).all():  # a float file of NaN: said here, not by the AAC encoder later
        raise MediaError(f"the sound of '{name}' holds NaN or infinite samples: not a sound Studio can play or write")


def load_audio(path: str, rate: int | None = None, mono: bool = False) -> Audio:
    """Decode a file's first audio stream to float32 [n, channels], at its own rate or ``rate``. Its
    size is estimated from the container's length before a sample is decoded, and refused in words
    past MAX_AUDIO_BYTES (a 1.2 MB FLAC of two hours of silence took 5.3 GB); the samples go into one
    array as they are decoded (no list of pieces joined at the end: that doubled the peak), which
    grows only within the limit when the container understated its length. (A long file a node reads
    a span of: studio.engine.sound_spans, decoding only that span.)"""
    name = os.path.basename(path)
    c = _open(path, "audio")
    try:
        s, layout, nch, out_rate, seconds = sound_stream(c, name, rate, mono)
        limit = min(MAX_AUDIO_BYTES // (4 * nch), MAX_AUDIO_SAMPLES)  # samples per channel

        def refuse(n: float):
            return MediaError(f"the sound of '{name}' is {n / out_rate / 60:.0f} minutes at {out_rate:,} Hz, "
                              f"{n * nch * 4 / 1e9:.1f} GB as {nch} channel{'s' if nch > 1 else ''} of float samples; "
                              f"Studio holds at most {MAX_AUDIO_BYTES / 1e9:.1f} GB of sound at once: cut the file, "
                              "or set 'rate' lower or 'mono' on (refused before decoding it)")
        want = int(seconds * out_rate) + out_rate  # a second more: the container's length is rounded
        if seconds * out_rate > limit:
            raise refuse(seconds * out_rate)
        buf = np.empty((min(max(want, out_rate), limit) * nch,), np.float32)
        at = 0
        for x in sound_blocks(c, s, layout, out_rate, name):
            if at + len(x) > len(buf):
                if (at + len(x)) // nch > limit:
                    raise refuse((at + len(x)) // nch)
                grown = np.empty((min(max(2 * len(buf), at + len(x)), limit * nch),), np.float32)
                grown[:at] = buf[:at]
                buf = grown
            buf[at:at + len(x)] = x
            at += len(x)
    finally:
        c.close()
    if at:
        nan_refused(buf[:at], name)
    if at < len(buf) // 2:  # the container overstated its length: the unused part is not kept
        buf = buf[:at].copy()
    return Audio(buf[:at].reshape(-1, nch) if at else np.zeros((0, nch), np.float32), out_rate)
