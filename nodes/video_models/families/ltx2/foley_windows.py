"""LTX-2 Sound for Clip's windows (foley.py): a clip longer than one window is scored in overlapping windows of the
same length, each its own call (the memory of one window's), and their sounds are joined with a linear crossfade
over the frames each window shares with the next.

The settings are the LTX-2.3 Foley node pack's (its LTXFoleyWindowPlan's 'window_frames', 8n+1 frames, and
'overlap_seconds' at the clip's rate, at most the window less 8 frames; its LTXFoleyAudioStitch joins the windows'
sounds, faded linearly, summed by weight: read for these facts from the stored source of its nodes, index file
58015900413, whose repository the index does not name; held-out 102/03 runs it). The schedule is Studio's own,
written here: the fewest windows of that length whose neighbours share at least the overlap, spread evenly from the
clip's first frame to its last (the pack steps them by the window less the overlap from the start and puts the last
at the clip's end, so its last two may share more, or, where it moves the one before, nothing); each pair's sounds
crossfaded over all the frames they share (the weights add to one there). Plain numpy."""
from __future__ import annotations

import math

import numpy as np

from studio.core.values import Audio

STRIDE = 8  # LTX-2's frames per latent frame after the first: a window is 8n+1 frames


def window_length(frames: int) -> int:
    """``frames`` down to LTX-2's 8n+1 (at least 9); 0 stays 0 (no windows: the whole clip in one call)."""
    if frames <= 0:
        return 0
    return max(STRIDE + 1, (frames - 1) // STRIDE * STRIDE + 1)


def overlap_frames(window: int, seconds: float, fps: float) -> int:
    """The frames each window shares with the next at least: ``seconds`` at ``fps``, at most the window less 8."""
    return max(0, min(int(round(max(0.0, seconds) * fps)), window - STRIDE))


def starts(total: int, window: int, overlap: int) -> list[int]:
    """The first frame of each window of ``window`` frames over a clip of ``total``: the fewest whose neighbours
    share at least ``overlap`` frames, spread evenly, the first at 0 and the last ending at the clip's end."""
    if window <= 0 or total <= window:
        return [0]
    count = 1 + math.ceil((total - window) / (window - overlap))
    return [round(i * (total - window) / (count - 1)) for i in range(count)]


def joined(sounds: list[tuple[int, Audio]], fps: float, total: int, window: int) -> Audio:
    """The windows' sounds (each with its first frame; ``window`` frames each) as one sound as long as ``total``
    frames at ``fps``: each laid at its start, crossfaded linearly with its neighbours over the frames they share."""
    rate, channels = sounds[0][1].rate, sounds[0][1].channels
    n = max(1, int(round(total / fps * rate)))
    at = [int(round(a / fps * rate)) for a, _ in sounds] + [n]
    length = int(round(window / fps * rate))
    acc, weight = np.zeros((n, channels), np.float64), np.zeros(n, np.float64)
    for i, (_, sound) in enumerate(sounds):
        if sound.rate != rate or sound.channels != channels:
            raise ValueError(f"window {i + 1}'s sound is {sound.channels} channels at {sound.rate} Hz, not "
                             f"{channels} at {rate} Hz")
        a = at[i]
        part = sound.samples[:max(0, min(length, n - a))].astype(np.float64)
        w = np.ones(len(part))
        if i > 0 and (k := min(len(part), at[i - 1] + length - a)) > 0:  # shared with the one before
            w[:k] = (np.arange(k) + 0.5) / k
        if i < len(sounds) - 1 and (k := min(len(part), a + length - at[i + 1])) > 0:  # with the one after
            w[len(part) - k:] = np.minimum(w[len(part) - k:], (k - 0.5 - np.arange(k)) / k)
        acc[a:a + len(part)] += part * w[:, None]
        weight[a:a + len(part)] += w
    out = np.where(weight[:, None] > 0, acc / np.maximum(weight, 1e-12)[:, None], 0.0)
    return Audio(out.astype(np.float32), rate)
