"""A long sound file decoded only where it is read (issue 101): Load Audio, and a video's own sound, give a
short file's sound decoded whole (studio.engine.sound_file.load_audio) and a long one's as a FileSound, whose spans
are decoded as a node asks for them. A 59-minute mp3 given to Speech Features for a 5-frame take had been decoded
whole (2.9 GB); Speech Features reads the take and a second past it, Save Video a second at a time as it writes.

The spans are read from the start of the file by one decoder that goes on where the last span ended (a
render's sound written second after second is decoded once, in order); a span before it starts the decoder
again from the start. Nothing is skipped by seeking, so every span holds the very samples a whole decode gives.
The sound's length is its packets' (read without decoding them; a few samples off for some codecs: the span
past the last decoded sample is silence); a node that needs the whole sound (``samples``) decodes it whole,
within load_audio's limits, and the length is then the decoded one."""
from __future__ import annotations

import os
import threading

import numpy as np

from studio.core.values import Audio, LazyAudio

from .media_open import open_media as _open
from .sound_file import load_audio, nan_refused, sound_blocks, sound_stream

EAGER_BYTES = 256 << 20  # a sound at most this large as float samples is decoded whole (a stereo 48 kHz: 11 minutes)


def open_sound(path: str, rate: int | None = None, mono: bool = False) -> Audio:
    """The first sound of ``path``, at its own rate or ``rate``: decoded whole when its container's length is at
    most EAGER_BYTES as float samples (or unknown), else a FileSound (its first block decoded: an empty sound
    when there is none)."""
    c = _open(path, "audio")
    try:
        s, _layout, nch, out_rate, seconds = sound_stream(c, os.path.basename(path), rate, mono)
        short = seconds * out_rate * nch * 4 <= EAGER_BYTES
        if not short:
            seconds = _packet_seconds(c, s) or seconds
    finally:
        c.close()
    if short:
        return load_audio(path, rate, mono)
    sound = FileSound(path, rate, mono, int(round(seconds * out_rate)), nch, out_rate)
    sound.slice_samples(0, 1)  # its first block: a file that does not decode is refused here, in words
    return sound if sound.decoded else Audio(np.zeros((0, nch), np.float32), out_rate)


def _packet_seconds(c, s) -> float:
    """The length of the stream's packets, read without decoding them (0 when a packet does not say its own): a
    long sound's length from what the file holds, not its header's word (a file of a second whose header said ten
    hours had been ten hours of silence to the nodes asking its length). A 59-minute mp3: 0.5 s."""
    total = 0
    for p in c.demux(s):
        if p.size and not p.duration:
            return 0.0
        total += p.duration or 0
    return float(total * s.time_base) if s.time_base is not None else 0.0


class FileSound(LazyAudio):
    """A sound file's first audio stream, decoded span by span as nodes ask (``slice_samples``); ``samples``
    decodes it whole. ``decoded`` is how many samples its decoder has given since it last started (what a
    span cost)."""

    def __init__(self, path: str, rate: int | None, mono: bool, n: int, channels: int, out_rate: int):
        super().__init__(self._span, n, channels, out_rate)
        self.path, self._asked, self._mono = path, rate, mono
        self._name = os.path.basename(path)
        self._lock = threading.RLock()
        self._c = self._blocks = None
        self._block = np.zeros((0, channels), np.float32)  # the last block decoded: samples [_at - len, _at)
        self._at = 0  # the sample the decoder gives next
        self._ended = False
        self.decoded = 0

    @property
    def samples(self) -> np.ndarray:  # type: ignore[override]
        """The whole sound (load_audio: its size told first, refused past its limit); the length is then its own."""
        if self._samples is None:
            with self._lock:
                if self._samples is None:
                    whole = load_audio(self.path, self._asked, self._mono).samples
                    self._n, self._samples = len(whole), whole
                    self._close()
        return self._samples

    def _start(self) -> None:
        self._close()
        self._c = _open(self.path, "audio")
        s, layout, _nch, rate, _seconds = sound_stream(self._c, self._name, self._asked, self._mono)
        self._blocks = sound_blocks(self._c, s, layout, rate, self._name)
        self._block = np.zeros((0, self._channels), np.float32)
        self._at = self.decoded = 0
        self._ended = False

    def _span(self, a: int, b: int) -> np.ndarray:
        """Samples [a, b) (silence past the last one the file gives)."""
        with self._lock:
            if self._blocks is None or a < self._at - len(self._block):
                self._start()
            out = np.zeros((b - a, self._channels), np.float32)
            while True:
                first = self._at - len(self._block)
                lo, hi = max(a, first), min(b, self._at)
                if hi > lo:
                    out[lo - a:hi - a] = self._block[lo - first:hi - first]
                if self._at >= b or self._ended:
                    break
                x = next(self._blocks, None)
                if x is None:
                    self._ended = True
                    self._close(keep_place=True)
                    continue
                self._block = x.reshape(-1, self._channels)
                self._at += len(self._block)
                self.decoded = self._at
            nan_refused(out, self._name)
            return out

    def _close(self, keep_place: bool = False) -> None:
        if self._c is not None:
            self._c.close()
        self._c = None
        if not keep_place:
            self._blocks = None

    def __del__(self):
        try:
            self._close()
        except Exception:  # noqa: BLE001
            pass

    def __repr__(self) -> str:
        return f"FileSound({self._name!r}: {self._n} samples x {self._channels} @ {self.rate} Hz)"
