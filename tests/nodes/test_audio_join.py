"""Audio Concat and Audio Silence against numpy: the samples in order, rates and channels as declared."""
import numpy as np
import pytest

from nodes.edit import audio_join as J
from studio.core.values import Audio
from tests.node_run import run_node


def _tone(n, ch, rate, f=3.0):
    t = np.arange(n) / rate
    return Audio(np.stack([np.sin(2 * np.pi * f * t) * (0.5 + 0.1 * c) for c in range(ch)], 1).astype(np.float32), rate)


def test_concat_after_and_before_are_numpy_concatenations():
    a, b = _tone(300, 2, 8000), _tone(120, 2, 8000, f=7.0)
    after = run_node(J.AudioConcat, {}, a=a, b=b)
    assert after.rate == 8000 and np.array_equal(after.samples, np.concatenate([a.samples, b.samples]))
    before = run_node(J.AudioConcat, {"direction": "before"}, a=a, b=b)
    assert np.array_equal(before.samples, np.concatenate([b.samples, a.samples]))


def test_concat_takes_the_higher_rate_and_more_channels():
    a, b = _tone(400, 1, 8000), _tone(800, 2, 16000, f=5.0)
    out = run_node(J.AudioConcat, {}, a=a, b=b)
    assert out.rate == 16000 and out.channels == 2 and out.n_samples == 800 + 800
    assert np.allclose(out.samples[:800, 0], out.samples[:800, 1])  # the mono sound given to both channels
    assert np.array_equal(out.samples[800:], b.samples)
    t = np.arange(800) * 0.5  # a resampled linearly to 16 kHz
    assert np.allclose(out.samples[:800, 0], np.interp(t, np.arange(400), a.samples[:, 0]), atol=1e-6)


def test_silence_is_the_sound_s_length_rate_and_channels():
    a = _tone(333, 2, 22050)
    s = run_node(J.AudioSilence, {}, audio=a)
    assert (s.n_samples, s.channels, s.rate) == (333, 2, 22050) and s.duration == pytest.approx(a.duration)
    assert s.samples.shape == (333, 2) and not s.samples.any()
    turns = run_node(J.AudioConcat, {}, a=a, b=s)  # a voice, then silence while the other speaks
    assert np.array_equal(turns.samples[:333], a.samples) and not turns.samples[333:].any()


def _wav(path, seconds, rate=8000, f=220.0):
    import wave
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * f * t) * 12000).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return str(path)


def test_two_voices_given_their_turns_run_in_a_graph_and_their_mix_is_them_one_after_the_other(tmp_path):
    """The converter's turns (families/wan/talk/comfy_turns.py) as a graph run by the engine from two files: each
    voice with silence while the other speaks; mixed, the two voices one after the other (Audio Concat of both)."""
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    from studio.engine.foresight import facts_upstream
    g = Graph()
    one = g.add_node("io.load_audio", {"path": _wav(tmp_path / "one.wav", 0.5)}).id
    two = g.add_node("io.load_audio", {"path": _wav(tmp_path / "two.wav", 0.25, f=440.0)}).id
    q1, q2 = (g.add_node("edit.audio_silence", {}).id for _ in range(2))
    g.connect(one, "audio", q1, "audio")
    g.connect(two, "audio", q2, "audio")
    first, second, both = (g.add_node("edit.audio_concat", {}).id for _ in range(3))
    for node, a, b in ((first, (one, "audio"), (q2, "audio")), (second, (q1, "audio"), (two, "audio")),
                       (both, (one, "audio"), (two, "audio"))):
        g.connect(*a, node, "a")
        g.connect(*b, node, "b")
    mix = g.add_node("edit.audio_mix", {"limit": False}).id
    g.connect(first, "audio", mix, "a")
    g.connect(second, "audio", mix, "b")
    assert g.validate() == []
    out = Executor().run(g, targets=[mix, both])
    turns, joined = out.value(first), out.value(both)
    assert turns.n_samples == joined.n_samples == 6000 and not turns.samples[4000:].any()
    assert not out.value(second).samples[:4000].any() and out.value(second).samples[4000:].any()
    assert np.allclose(out.value(mix).samples, joined.samples, atol=1e-6)
    plan = Executor().compile(g, targets=[mix])
    facts = facts_upstream(plan, str(tmp_path), [st for st in plan.steps if st.node.id == mix])
    # the length Speech Features reads before anything runs: each voice and its turn's silence, foreseen
    assert facts[first]["audio"]["seconds"] == facts[second]["audio"]["seconds"] == pytest.approx(0.75)
