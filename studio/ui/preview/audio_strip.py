"""The timeline's audio-features strip (loudness, onsets, beats) for the value the viewer shows:
per-frame Features with the Audio Encoder's extras fill it at once; an Audio value, or a clip
with sound, is analysed on the fetcher's thread (``nodes.encoders.audio.analyse``, ~0.14 s per
minute of sound on one core) and kept for the last few values shown.
A part of :class:`~studio.ui.preview.area.PreviewArea` (``area.audio_strip``)."""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from studio.core.values import Audio
from studio.ui.preview.values import analyse_audio, audio_features_of

log = logging.getLogger(__name__)
KEPT = 16  # analyses kept (the values shown last)


class AudioStrip:
    """Fills ``area.timeline``'s audio-features strip (``area``: its ``timeline``, ``clip``,
    ``key``, ``generation`` and ``fetcher``)."""

    def __init__(self, area: Any):
        self.area = area
        self.cache: OrderedDict = OrderedDict()  # (key, n, fps) -> audio features

    def update(self, value: Any) -> None:
        """Fill the strip for ``value`` (see the module docstring)."""
        area = self.area
        tl = area.timeline
        feats = audio_features_of(value)
        if feats is not None:
            tl.set_audio_features(feats["loudness"], feats["onset"], feats["beat"], "features")
            return
        audio = value if isinstance(value, Audio) else (area.clip.audio if area.clip is not None else None)
        if audio is None or tl.n_frames == 0:
            tl.set_audio_features(None)
            return
        ck = (area.key, tl.n_frames, tl.fps)
        got = self.cache.get(ck)
        if got is not None:
            self.apply(got)
            return
        n, fps = tl.n_frames, tl.fps
        area.fetcher.request_side(area.generation, "audio_strip", 0, lambda _i: (ck, analyse_audio(audio, n, fps)))

    def apply(self, got: dict | None) -> None:
        if got is None:  # silent
            self.area.timeline.set_audio_features(None)
        else:
            self.area.timeline.set_audio_features(got["loudness"], got["onset"], got["beat"], "audio")

    def fetched(self, res, err: Exception | None) -> None:
        """The fetcher's analysis came back (for the value still shown)."""
        if err is not None:
            log.warning("audio features for the timeline failed: %s", err)
            self.area.timeline.set_audio_features(None)
            return
        ck, got = res
        self.cache[ck] = got
        while len(self.cache) > KEPT:
            self.cache.popitem(last=False)
        self.apply(got)
