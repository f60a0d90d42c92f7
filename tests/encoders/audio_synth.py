"""Synthetic sound for the audio encoder tests."""
import numpy as np

from studio.core.values import Audio

RATE = 22050


def click_track(seconds: float, bpm: float = 120.0, offset: float = 0.25, rate: int = RATE):
    """Short 1 kHz clicks every beat, from ``offset`` seconds; returns (Audio, click times)."""
    y = np.zeros(int(seconds * rate), np.float32)
    n = int(0.02 * rate)
    click = (np.sin(2 * np.pi * 1000 * np.arange(n) / rate) * np.exp(-np.arange(n) / (0.003 * rate))).astype(np.float32)
    times = np.arange(offset, seconds - 0.05, 60.0 / bpm)
    for t in times:
        a = int(round(t * rate))
        y[a:a + n] += click[:len(y) - a]
    return Audio(y, rate), times

