"""Hours of lazy sound (a synthetic track of a million frames) draw in the timeline and the audio
viewer from windows of it, never the whole track (which would not fit, and is refused past the limit)."""
import numpy as np

from studio.core.limits import MAX_AUDIO_SAMPLES
from studio.core.values import LazyAudio
from studio.ui.preview.pixels import sound_overview


def _long_sound():
    n = MAX_AUDIO_SAMPLES + 48_000  # past what `samples` would hold
    asked = []

    def render(a, b):
        asked.append(b - a)
        t = np.arange(a, b, dtype=np.float64)
        return (0.5 * np.sin(t * 0.01)).astype(np.float32)[:, None].repeat(2, 1)
    return LazyAudio(render, n, 2, 48_000), asked


def test_overview_of_hours_of_sound_reads_windows_only():
    audio, asked = _long_sound()
    lo, hi, mono = sound_overview(audio, 1000)
    assert lo.size == hi.size == 1000 and mono.size == 1000 * 2048
    assert max(asked) <= 2048 and sum(asked) == 1000 * 2048
    assert -0.51 < lo.min() < -0.4 and 0.4 < hi.max() < 0.51


def test_timeline_and_audio_view_take_a_long_lazy_sound(qtbot, make_area):
    audio, asked = _long_sound()
    area = make_area(600, 400, auto_thumbnails=False)
    area.show_value("a", "Audio", audio, "a:audio")
    view = area.stack.audio
    assert view.curves and view.spec is not None and view.spec.shape[1] == 257  # drawn
    area.timeline.set_audio(audio)
    assert area.timeline.has_audio
    assert max(asked) <= 2048  # nothing asked for the whole track


def test_playback_feeds_hours_of_lazy_sound_a_block_at_a_time():
    from studio.ui.preview.playback import AudioFeeder
    audio, asked = _long_sound()
    start = audio.n_samples - 100
    f = AudioFeeder(audio, start)
    block = f.pull(256)
    assert block.shape == (256, 2) and np.all(block[100:] == 0)  # past the end: silence
    assert np.allclose(block[:100, 0], 0.5 * np.sin(np.arange(start, start + 100) * 0.01), atol=1e-6)
    assert max(asked) <= 256 and f.played() == 256
