"""Playback: about fps frames a second, the right audio samples in order to the output (a test
double stands in for the sound card), frames dropped rather than drifting, muted without a device."""
from __future__ import annotations

import threading
import time

import numpy as np

from studio.core.values import Audio
from studio.engine.cache import FrameCache
from studio.engine.clip import Clip
from studio.ui.preview.playback import AudioFeeder, AudioOutput, Player, SoundDeviceOutput
from studio.ui.preview.area import PreviewArea


class RecordingOutput(AudioOutput):
    """A sound card double: pulls blocks in real time from its own thread and records them."""

    def __init__(self, block: int = 256, latency: float = 0.0):
        self.block, self.latency = block, latency
        self.blocks: list[np.ndarray] = []
        self.starts: list[tuple[int, int]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, rate, channels, pull):
        self.starts.append((rate, channels))
        self._stop.clear()
        period = self.block / rate

        def run():
            t0 = time.perf_counter()
            k = 0
            while not self._stop.is_set():
                self.blocks.append(pull(self.block).copy())
                k += 1
                delay = t0 + k * period - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None

    def recorded(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, 2), np.float32)


class SlowClip(Clip):
    """Each uncached frame takes ``delay`` seconds: slower than real time at 24 fps."""

    def __init__(self, n, fps, delay, audio=None):
        super().__init__(n, fps, 16, 12, 3, audio)
        self.delay = delay
        self.calls = 0

    def _frame(self, i):
        self.calls += 1
        time.sleep(self.delay)
        return np.full((12, 16, 3), (i % 256) / 255.0, np.float32)


def ramp_audio(seconds: float, rate: int = 8000) -> Audio:
    """Samples that say where they are: left = index / n, right = -left."""
    n = int(seconds * rate)
    left = np.arange(n, dtype=np.float32) / n
    return Audio(np.stack([left, -left], 1), rate)


def test_playing_one_second_advances_about_fps_frames_and_says_muted_once(qtbot):
    player = Player(SoundDeviceOutput())  # STUDIO_NO_AUDIO_DEVICE=1 in the tests: muted
    player.set_media(240, 24.0, ramp_audio(10))
    msgs, frames = [], []
    player.message.connect(msgs.append)
    player.frameChanged.connect(frames.append)
    t0 = time.perf_counter()
    player.play(0)
    qtbot.wait(1000)
    player.stop()
    played = time.perf_counter() - t0  # a second asked; longer when the machine is loaded
    assert not player.audio_is_clock
    assert abs(player.current - played * 24.0) <= 6, (player.current, played)  # the wall clock's frame
    assert player.current >= 18, player.current
    assert frames == sorted(frames) and frames[0] == 0
    player.play(player.current)
    qtbot.wait(50)
    player.stop()
    assert len(msgs) == 1 and "muted" in msgs[0].lower()


def test_playback_feeds_the_right_samples_in_order(qtbot):
    rate, fps = 8000, 25.0
    audio = ramp_audio(4.0, rate)
    out = RecordingOutput(block=200)
    player = Player(out)
    player.set_media(100, fps, audio)
    shown = []
    player.frameChanged.connect(shown.append)
    player.play(10)
    qtbot.wait(600)
    player.stop()
    assert out.starts == [(rate, 2)]
    rec = out.recorded()
    s0 = int(10 / fps * rate)
    assert len(rec) >= 0.3 * rate
    np.testing.assert_array_equal(rec, audio.samples[s0:s0 + len(rec)])
    # the picture follows the sound: the last frame shown is where the fed samples are
    assert player.audio_is_clock is False  # stopped
    assert abs(shown[-1] - (10 + len(rec) / rate * fps)) <= 2
    assert shown[0] == 10 and shown == sorted(shown)


def test_feeder_pads_with_silence_past_the_end():
    f = AudioFeeder(np.ones((10, 1), np.float32), 6)
    a, b = f.pull(3), f.pull(3)
    assert a[:, 0].tolist() == [1, 1, 1] and b[:, 0].tolist() == [1, 0, 0]
    assert f.played() == 6


def test_slow_frames_are_dropped_rather_than_drifting(qtbot):
    fps = 24.0
    out = RecordingOutput(block=256)
    area = PreviewArea(FrameCache(16 << 20), audio_output=out)
    try:
        area.auto_thumbnails = False
        clip = SlowClip(240, fps, 0.12, ramp_audio(10.0))  # 3x slower than real time
        area.show_value("n1", "Slow", clip, "slow:video")
        qtbot.waitUntil(lambda: area.shown_frame == 0, timeout=3000)
        area.transport.toggle_play()
        assert area.player.playing and area.player.audio_is_clock
        qtbot.wait(1000)
        heard = out.recorded().shape[0] / 8000
        at = area.player.current
        dropped = area.transport.dropped_frames
        area.player.stop()
        # the playhead is where the sound is (about fps frames after a second) ...
        assert abs(at - heard * fps) <= 3, (at, heard)
        # ... and fewer frames were computed than the playhead passed: the rest were dropped
        assert clip.calls < at - 5
        assert dropped >= at - clip.calls - 1 > 0
    finally:
        area.close()


def test_in_out_range_loops_and_shuttle_plays_backward(qtbot):
    player = Player(SoundDeviceOutput())
    player.set_media(50, 100.0, None)
    player.set_range(10, 20)
    seen = []
    player.frameChanged.connect(seen.append)
    player.play(15)
    qtbot.wait(400)
    player.stop()
    assert min(seen) >= 10 and max(seen) <= 19
    assert seen.count(10) >= 2  # looped
    # backward, on a range long enough that no wait under load reaches its start and loops (at 100 fps a
    # 90 ms wait from frame 18 of 10-19 had looped to 19): 40 frames at 10 fps are four seconds
    player.set_media(50, 10.0, None)
    seen.clear()
    player.current = 40
    player.shuttle("J")
    assert player.speed == -1.0
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=5000)
    player.shuttle("K")
    assert not player.playing
    assert seen[0] == 40 and seen[-1] < 40
    assert all(b < a for a, b in zip(seen, seen[1:]))  # each frame shown before the last
