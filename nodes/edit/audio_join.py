"""Sounds joined in time: one after the other (Audio Concat), and a sound's length of silence (Audio Silence: what a
speaker hears while the other speaks, where voices take turns)."""
from __future__ import annotations

import numpy as np

from studio.core.params import Choice
from studio.core.spec import In, Node, Out
from studio.core.values import Audio, LazyAudio

from .audio import match_channels, resample


class AudioConcat(Node):
    """Join two sounds one after the other: 'b' after 'a' (or before it). The result has the higher of the two
    rates (the other resampled) and the more channels (a mono sound given to both)."""
    id = "edit.audio_concat"
    title = "Audio Concat"
    category = "Audio"
    inputs = (In("a", "Audio"), In("b", "Audio"))
    outputs = (Out("audio", "Audio"),)
    params = (Choice("direction", "after", choices=("after", "before"), help="'after': a then b; 'before': b then a"),)

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """Its length, where both sounds' are foreseen (Load Audio's declared seconds): what Speech Features reads."""
        a, b = ((inputs.get(k) or {}).get("seconds") for k in ("a", "b"))
        return {"audio": {"seconds": float(a) + float(b)}} if a and b else {}

    def run(self, ctx, a, b):
        rate = max(a.rate, b.rate)
        for name, x in (("a", a), ("b", b)):
            if x.rate != rate:
                ctx.info(f"{name} is resampled from {x.rate} Hz to {rate} Hz")
        ch = max(a.channels, b.channels)
        ax, bx = (match_channels(resample(x, rate).samples, ch).astype(np.float32) for x in (a, b))
        first, second = (ax, bx) if ctx.params.direction == "after" else (bx, ax)
        return Audio(np.concatenate([first, second]), rate)


class AudioSilence(Node):
    """Silence as long as the sound given, at its rate and with its channels."""
    id = "edit.audio_silence"
    title = "Audio Silence"
    category = "Audio"
    inputs = (In("audio", "Audio", help="the sound whose length, rate and channels the silence takes"),)
    outputs = (Out("audio", "Audio"),)

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        seconds = (inputs.get("audio") or {}).get("seconds")
        return {"audio": {"seconds": float(seconds)}} if seconds else {}

    def run(self, ctx, audio):
        ch = audio.channels  # computed when asked: a long sound's silence is not held whole
        return LazyAudio(lambda a, b: np.zeros((max(0, b - a), ch), np.float32), audio.n_samples, ch, audio.rate)
