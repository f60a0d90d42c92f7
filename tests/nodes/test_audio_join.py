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
