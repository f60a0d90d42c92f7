"""Every sound into a voice-driven node is read for the frames it drives (issue 115 item 3), through one budget
(studio.engine.voice_budget): Speech Features encodes only the seconds the takes it feeds read (a 59-minute mp3
for a 5-frame InfiniteTalk take had been encoded whole: 2.98 GB), and a node reading an Audio input decodes only
its take's span, whatever the sound's length."""
from __future__ import annotations

import math
import tracemalloc
import wave

import numpy as np

from studio.core.graph import Graph
from studio.core.values import LazyAudio
from studio.engine import voice_budget
from studio.engine.executor import Executor


def _silence(path, seconds: float, rate: int = 16000) -> str:
    """A wav of ``seconds`` of near-silence (a quiet hum: a voice, not nothing), written in blocks."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        block = (40 * np.sin(np.arange(rate) * 2 * np.pi * 220 / rate)).astype("<i2").tobytes()
        for _ in range(int(seconds)):
            w.writeframes(block)
    return str(path)


def test_a_span_decodes_only_itself_of_a_long_sound():
    asked = []

    def render(a, b):
        asked.append((a, b))
        return np.zeros((b - a, 2), np.float32)
    hour = LazyAudio(render, 3600 * 48000, 2, 48000)  # an hour: 1.4 GB were it decoded whole
    tracemalloc.start()
    try:
        x = voice_budget.first_seconds(hour, 0.2)
        y = voice_budget.voice_span(hour, 48000, 4800)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert x.shape == (9600, 2) and y.shape == (4800, 2) and asked == [(0, 9600), (48000, 52800)]
    assert peak < 4 * 2 * (9600 + 4800) * 2 + (1 << 20)  # the spans' floats, twice over, and a megabyte


def test_the_budget_is_what_the_takes_downstream_read():
    g = Graph()
    g.add_node("encode.speech", {}, node_id="speech")
    g.add_node("video_models.infinitetalk", {"frames": 5}, node_id="talk")
    g.connect("speech", "features", "talk", "speech")
    assert voice_budget.seconds_read_downstream(g, "speech") == 5 / 25 + voice_budget.MARGIN_S
    g.add_node("video_models.wan_humo", {"frames": 9}, node_id="humo")
    g.connect("speech", "features", "humo", "features")
    assert voice_budget.seconds_read_downstream(g, "speech") == 9 / 25 + voice_budget.MARGIN_S
    g.node("humo").params["frames"] = 0  # the voice's whole length: nothing cut
    assert voice_budget.seconds_read_downstream(g, "speech") is None


def test_minutes_of_voice_for_a_five_frame_take_encode_a_second(tmp_path):
    """Load Audio (3 minutes) -> Speech Features (a tiny wav2vec2) -> InfiniteTalk of 5 frames: the features hold
    the take and the budget's second past it, the encoder ran over that span alone, and it is said."""
    from tests.encoders.test_speech import _wav2vec2
    g = Graph()
    g.add_node("io.load_audio", {"path": _silence(tmp_path / "long.wav", 180)}, node_id="voice")
    g.add_node("preprocess.load", {"kind": "speech", "model": _wav2vec2(tmp_path / "w2v")}, node_id="w2v")
    g.add_node("encode.speech", {"layers": "all", "align": "encoder input"}, node_id="speech")
    g.add_node("video_models.infinitetalk", {"frames": 5}, node_id="talk")
    for a, b, c, d in (("voice", "audio", "speech", "audio"), ("w2v", "model", "speech", "model"),
                       ("speech", "features", "talk", "speech")):
        g.connect(a, b, c, d)
    said = []
    feats = Executor().run(g, targets=["speech"], device="cpu", use_cache=False,
                           on_event=said.append).value("speech", "features")
    span = 5 / 25 + voice_budget.MARGIN_S
    assert len(feats) == math.ceil(span * 25) == 30
    assert feats.extras["voice_frames"] == 30 and feats.extras["encoder_frames"] <= 30
    assert any("read 1.20 s of the voice: 30 of its 4500 frames are encoded" in str(getattr(e, "text", ""))
               for e in said)
    # (the encoder's states scale with the frames encoded: wav2vec2-base's 13 x 768 floats a frame, 88,500 frames
    # for 59 minutes were the 2.98 GB; 30 frames are 1.2 MB)


def test_a_reference_sound_is_read_for_its_first_minute_said():
    asked, said = [], []
    hour = LazyAudio(lambda a, b: (asked.append((a, b)), np.zeros((b - a, 1), np.float32))[1], 3600 * 16000, 1, 16000)
    x = voice_budget.reference_span(hour, said.append, "the reference voice")
    assert x.shape == (60 * 16000, 1) and asked == [(0, 60 * 16000)]
    assert said == ["the reference voice lasts 3600 s: its first 60 s are read"]
