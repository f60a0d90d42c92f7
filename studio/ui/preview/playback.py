"""Playback: frames at the clip's fps with the sound as the master clock.

The sound card pulls blocks of samples from its own thread; the number of samples it has
pulled (less the stream's output latency) *is* the clock. A Qt timer polls that clock and
shows the frame that belongs to it, so a slow frame is dropped rather than letting the
picture drift from the sound. Without a device (or muted), a monotonic wall clock stands in.

The device sits behind :class:`AudioOutput`, so tests use a double that records the samples
it is fed (see ``tests/ui/test_playback.py``).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from studio.core.values import Audio

log = logging.getLogger(__name__)

Pull = Callable[[int], np.ndarray]


class AudioOutput:
    """An output device. ``start`` opens a stream that calls ``pull(n)`` for the next ``n``
    frames of samples (float32 ``[n, channels]``) from the device's own thread."""

    #: seconds between a sample being pulled and being heard
    latency: float = 0.0

    def start(self, rate: int, channels: int, pull: Pull) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class NoAudioDevice(RuntimeError):
    pass


class SoundDeviceOutput(AudioOutput):
    """The default sound card through sounddevice (PortAudio)."""

    def __init__(self, blocksize: int = 0):
        self.blocksize = blocksize
        self._stream = None

    def start(self, rate: int, channels: int, pull: Pull) -> None:
        if os.environ.get("STUDIO_NO_AUDIO_DEVICE"):
            raise NoAudioDevice("audio output disabled (STUDIO_NO_AUDIO_DEVICE is set)")
        try:
            import sounddevice as sd
            sd.query_devices(kind="output")  # raises when there is none
        except Exception as e:  # noqa: BLE001 - OSError (no PortAudio), ValueError (no device), ...
            raise NoAudioDevice(f"no audio output device ({e})") from e

        def callback(outdata, frames, _time, _status):
            outdata[:] = pull(frames)

        try:
            self._stream = sd.OutputStream(samplerate=rate, channels=channels, dtype="float32",
                                           blocksize=self.blocksize, latency="low", callback=callback)
            self.latency = float(self._stream.latency)
            self._stream.start()
        except Exception as e:  # noqa: BLE001
            self._stream = None
            raise NoAudioDevice(f"cannot open the audio output ({e})") from e

    def stop(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            finally:
                self._stream = None


class AudioFeeder:
    """Hands the device consecutive blocks of a sound from a start position and counts what it
    handed out: the master clock. Thread-safe (the device pulls from its own thread). ``source``
    is an Audio, read a block at a time (hours of lazy sound play without being held whole), or
    an array [samples, channels]."""

    def __init__(self, source, start: int, stop: int | None = None):
        if hasattr(source, "slice_samples"):
            self._slice, n, self.channels = source.slice_samples, int(source.n_samples), int(source.channels)
        else:
            arr = np.asarray(source, np.float32)
            self._slice, n, self.channels = (lambda a, b: arr[a:b]), arr.shape[0], arr.shape[1]
        self.start = int(start)
        self.stop = n if stop is None else min(int(stop), n)
        self._pos = self.start
        self._lock = threading.Lock()
        self.fed = 0  # samples handed out, silence past the end included

    def pull(self, n: int) -> np.ndarray:
        with self._lock:
            out = np.zeros((n, self.channels), np.float32)
            a = self._pos
            b = min(self.stop, a + n)
            if b > a:
                out[:b - a] = self._slice(a, b)
            self._pos = max(a, b)
            self.fed += n
            return out

    def played(self) -> int:
        with self._lock:
            return self.fed


class Player(QObject):
    """Plays frames ``[a, b)`` at ``fps`` with ``audio`` as the clock.

    ``frameChanged(i)`` asks the owner to show frame ``i``; frames the clock has already passed
    are skipped (counted in :attr:`dropped`). ``speed`` is a shuttle factor (J/K/L): anything but
    1x forward plays muted on the wall clock.
    """

    frameChanged = Signal(int)
    playingChanged = Signal(bool)
    message = Signal(str)  # once: "no audio device: playing muted"

    TICK_MS = 4

    def __init__(self, output: AudioOutput | None = None, parent=None):
        super().__init__(parent)
        self.output = output if output is not None else SoundDeviceOutput()
        self.fps = 24.0
        self.n_frames = 0
        self.audio: Audio | None = None
        self.range: tuple[int, int] = (0, 0)
        self.loop = True
        self.speed = 1.0
        self.muted = False
        self.current = 0
        self.dropped = 0
        self.shown = 0
        self._playing = False
        self._feeder: AudioFeeder | None = None
        self._audio_live = False
        self._start_frame = 0
        self._t0 = 0.0
        self._said_muted = False
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.setInterval(self.TICK_MS)
        self._timer.timeout.connect(self._tick)

    # -- set-up ---------------------------------------------------------------------------
    def set_media(self, n_frames: int, fps: float, audio: Audio | None) -> None:
        was = self._playing
        self.stop()
        self.n_frames = int(n_frames)
        self.fps = float(fps) if fps and fps > 0 else 24.0
        self.audio = audio
        self.range = (0, self.n_frames)
        self.current = min(self.current, max(0, self.n_frames - 1))
        if was and self.n_frames:
            self.play()

    def set_range(self, a: int, b: int) -> None:
        a = max(0, min(int(a), self.n_frames))
        b = max(a, min(int(b), self.n_frames))
        self.range = (a, b) if b > a else (0, self.n_frames)

    @property
    def playing(self) -> bool:
        return self._playing

    # -- transport ------------------------------------------------------------------------
    def play(self, from_frame: int | None = None, speed: float | None = None) -> None:
        if self.n_frames <= 0:
            return
        if speed is not None:
            self.speed = float(speed)
        if self.speed == 0:
            self.stop()
            return
        self._halt_audio()
        a, b = self.range
        start = self.current if from_frame is None else int(from_frame)
        if not a <= start < b or (self.speed > 0 and start >= b - 1) or (self.speed < 0 and start <= a):
            start = a if self.speed > 0 else b - 1
        self.current = start
        self._start_frame = start
        self.dropped = 0
        self.shown = 0
        self._start_audio(start)
        self._t0 = time.perf_counter()
        was = self._playing
        self._playing = True
        self._timer.start()
        self.frameChanged.emit(start)
        if not was:
            self.playingChanged.emit(True)

    def stop(self) -> None:
        self._timer.stop()
        self._halt_audio()
        if self._playing:
            self._playing = False
            self.playingChanged.emit(False)

    pause = stop

    def toggle(self) -> None:
        if self._playing:
            self.stop()
        else:
            self.speed = 1.0
            self.play()

    def seek(self, i: int) -> None:
        """Move the play position (the owner shows the frame); playing continues from there."""
        self.current = int(i)
        if self._playing:
            self.play(self.current)

    def shuttle(self, key: str) -> None:
        """J/K/L: L plays forward (again: faster), J backward, K stops."""
        if key == "K":
            self.stop()
            self.speed = 1.0
            return
        sign = 1 if key == "L" else -1
        if self._playing and (self.speed > 0) == (sign > 0):
            new = min(abs(self.speed) * 2, 8.0) * sign
        else:
            new = float(sign)
        self.play(self.current, speed=new)

    # -- clock ----------------------------------------------------------------------------
    def _start_audio(self, start_frame: int) -> None:
        self._feeder = None
        self._audio_live = False
        if self.audio is None or self.muted or self.speed != 1.0:
            return
        s0 = int(round(start_frame / self.fps * self.audio.rate))
        s1 = int(round(self.range[1] / self.fps * self.audio.rate))
        feeder = AudioFeeder(self.audio, s0, s1)
        try:
            self.output.start(self.audio.rate, self.audio.channels, feeder.pull)
        except NoAudioDevice as e:
            if not self._said_muted:
                self._said_muted = True
                msg = f"No audio device: playing muted ({e})"
                log.warning(msg)
                self.message.emit(msg)
            return
        self._feeder = feeder
        self._audio_live = True

    def _halt_audio(self) -> None:
        if self._audio_live:
            self._audio_live = False
            try:
                self.output.stop()
            except Exception:  # noqa: BLE001 - a device that vanished must not break the UI
                log.exception("stopping the audio output")
        self._feeder = None

    @property
    def audio_is_clock(self) -> bool:
        return self._audio_live

    def clock(self) -> float:
        """Seconds of media played since ``play``."""
        if self._audio_live and self._feeder is not None:
            return max(0.0, self._feeder.played() / self.audio.rate - self.output.latency)
        return (time.perf_counter() - self._t0) * abs(self.speed)

    def _tick(self) -> None:
        if not self._playing:
            return
        a, b = self.range
        steps = int(self.clock() * self.fps + 1e-6)
        target = self._start_frame + (steps if self.speed > 0 else -steps)
        if target >= b or target < a:
            if self.loop:
                self.play(a if self.speed > 0 else b - 1)
            else:
                self.stop()
                self.current = min(max(target, a), b - 1)
            return
        if target != self.current:
            self.dropped += max(0, abs(target - self.current) - 1)
            self.current = target
            self.shown += 1
            self.frameChanged.emit(target)
