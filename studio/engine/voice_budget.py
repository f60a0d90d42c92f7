"""The one budget of a voice (issue 115 item 3): whatever node reads a sound to drive a take, it reads only the span
the take uses. A 59-minute mp3 into Speech Features feeding a 5-frame InfiniteTalk take had been encoded whole
(88,500 frames of wav2vec2's states: 2.98 GB) for the 0.2 s the take reads.

* :func:`seconds_read_downstream`: the seconds of a voice the nodes fed by ``node_id`` read, each by its own word
  (a node class's ``voice_seconds(params)``: its 'frames' at its frame rate and the windows it reads past them;
  None: the voice's whole length, 'frames' 0); None where any of them does not say (then nothing is cut). The
  plan puts it in the step's parameters (``VOICE_SPAN``) of a node that declares ``spans_downstream``, so its
  output is kept by it (a longer take downstream encodes again);
* :func:`first_seconds`: the first ``seconds`` of a sound as samples, only that span decoded (a long file's sound
  is decoded span by span: studio.engine.sound_spans) - what a voice node reading an Audio input takes.

Plain Python; nothing is read here but the graph's settings."""
from __future__ import annotations

import math

import numpy as np

VOICE_SPAN = "_voice_seconds"  # the step parameter the plan gives a node that declares spans_downstream
MARGIN_S = 1.0  # seconds read past a take's end (the interpolation's and a window's edge)


def seconds_read_downstream(graph, node_id: str) -> float | None:
    """The most seconds of ``node_id``'s output the nodes it feeds read, MARGIN_S past each take's end; None
    where one of them reads the whole (its class says nothing, or its 'frames' is 0) or nothing feeds on it."""
    most = None
    links = [l for l in graph.links if l.src == node_id]
    for link in links:
        n = graph.nodes.get(link.dst)
        spec = getattr(n, "spec", None)
        says = getattr(getattr(spec, "cls", None), "voice_seconds", None)
        if n is None or says is None or getattr(n, "mode", "") in ("mute", "bypass"):
            return None
        try:
            s = says(dict(n.params))
        except (TypeError, ValueError, KeyError, ZeroDivisionError):
            return None
        if s is None or not math.isfinite(s) or s <= 0:
            return None
        most = max(most or 0.0, float(s) + MARGIN_S)
    return most


def take_seconds(params: dict, fps: float, frames_key: str = "frames", fps_key: str | None = "fps") -> float | None:
    """A voice node's take in seconds from its settings: 'frames' at its frame rate ('fps' where it has one, else
    ``fps``); None for 'frames' 0 (the voice's whole length)."""
    frames = int(params.get(frames_key) or 0)
    rate = float((params.get(fps_key) if fps_key else None) or fps or 0)
    return frames / rate if frames > 0 and rate > 0 else None


def voice_span(audio, first: int, count: int) -> np.ndarray:
    """Samples [first, first + count) of ``audio`` as [n, channels] float32 (fewer where it ends sooner): only that
    span is decoded, whatever the sound's length. Every voice node reading an Audio input reads through it."""
    a = min(audio.n_samples, max(0, int(first)))
    return np.asarray(audio.slice_samples(a, min(audio.n_samples, a + max(0, int(count)))), np.float32)


def heard_after(audio, first: int, level: float, block_s: float = 30.0) -> bool:
    """Whether any sample of ``audio`` from ``first`` on rises above ``level``, read a block at a time (memory of one
    block; it stops at the first sound heard): a voice that speaks past the span a take reads is no silent voice."""
    step = max(1, int(block_s * audio.rate))
    for a in range(max(0, int(first)), audio.n_samples, step):
        if float(np.abs(voice_span(audio, a, step)).max(initial=0.0)) >= level:
            return True
    return False


REFERENCE_S = 60.0  # seconds of a reference sound read (a voice or music a take imitates, read whole at every step)


def reference_span(audio, say=None, what: str = "the reference sound") -> np.ndarray:
    """A reference sound's samples, its first REFERENCE_S seconds at most (only those decoded; the cut said through
    ``say``): a 59-minute file given as a reference voice had been decoded whole."""
    n = min(audio.n_samples, int(REFERENCE_S * audio.rate))
    if n < audio.n_samples and say is not None:
        say(f"{what} lasts {audio.duration:.0f} s: its first {REFERENCE_S:g} s are read")
    return voice_span(audio, 0, n)


def first_seconds(audio, seconds: float) -> np.ndarray:
    """The first ``seconds`` of ``audio`` (all of it where shorter), only that span decoded."""
    return voice_span(audio, 0, int(math.ceil(seconds * audio.rate)))
