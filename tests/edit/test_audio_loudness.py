"""Audio Loudness: the sound measured again after the gain is at the target (pyloudnorm's meter, BS.1770), one gain
for the whole sound; silence, a sound shorter than the meter's block and no sound left as they are, said; the peak
limit."""
import numpy as np
import pytest

from nodes.edit import loudness as L
from studio.core.values import Audio
from tests.node_run import Recorder, run_node


def _tone(amp: float, seconds: float = 2.0, rate: int = 16000, ch: int = 1) -> Audio:
    t = np.arange(int(seconds * rate)) / rate
    x = (amp * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return Audio(np.repeat(x[:, None], ch, axis=1), rate)


@pytest.mark.parametrize("target", [-23.0, -14.0])
def test_the_sound_is_brought_to_the_target_loudness_by_one_gain(target):
    a = _tone(0.05, ch=2)
    rec = Recorder()
    out = run_node(L.AudioLoudness, {"lufs": target}, runtime=rec, audio=a)
    assert L.loudness(out) == pytest.approx(target, abs=0.05)
    ratio = out.samples[a.samples != 0] / a.samples[a.samples != 0]
    assert np.allclose(ratio, ratio[0], rtol=1e-5) and out.rate == a.rate and out.samples.shape == a.samples.shape
    assert any("LUFS ->" in m for m in rec.messages())


def test_peaks_past_one_clipped_when_limited_kept_when_not():
    a = _tone(0.9)
    limited = run_node(L.AudioLoudness, {"lufs": 0.0}, audio=a)
    free = run_node(L.AudioLoudness, {"lufs": 0.0, "limit": False}, audio=a)
    assert np.abs(limited.samples).max() == pytest.approx(1.0) and np.abs(free.samples).max() > 1.2


def test_silence_a_short_sound_and_no_sound_are_left_as_they_are_and_said():
    rec = Recorder()
    silent = Audio(np.zeros((32000, 1), np.float32), 16000)
    assert run_node(L.AudioLoudness, {}, runtime=rec, audio=silent) is silent
    short = _tone(0.1, seconds=0.3)
    assert run_node(L.AudioLoudness, {}, runtime=rec, audio=short) is short
    assert run_node(L.AudioLoudness, {}, runtime=rec, audio=None) is None
    text = " | ".join(rec.messages())
    assert "silent" in text and "under the meter's 0.4 s block" in text and "no sound is given" in text
