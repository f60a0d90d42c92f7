"""The Record Audio panel: shown when an audio.record node is selected; without a microphone it
says so and stays out of the way; with a (fake) input stream the level meter moves, Stop saves
the take where the node reads it, and running the graph uses that take."""
from __future__ import annotations

import os
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nodes.encoders.record import NoInputDevice, Recorder, read_wav
from studio.ui.preview.record_panel import RecordPanel, level_to_meter

FAKE_DEVICES = [{"index": 3, "name": "Fake Mic", "channels": 1, "default_rate": 8000}]


class FakeInputStream:
    """Stands in for sounddevice.InputStream: a thread that feeds a sine to the callback in
    10 ms blocks, as PortAudio's thread would."""

    def __init__(self, callback, rate, channels, freq=440.0, amp=0.5):
        self.callback, self.rate, self.channels, self.freq, self.amp = callback, rate, channels, freq, amp
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.n = 0

    def start(self):
        self._thread.start()

    def _run(self):
        block = max(1, self.rate // 100)
        while not self._stop.is_set():
            t = (self.n + np.arange(block)) / self.rate
            x = (self.amp * np.sin(2 * np.pi * self.freq * t)).astype(np.float32)
            self.callback(np.repeat(x[:, None], self.channels, 1), block, None, None)
            self.n += block
            self._stop.wait(0.01)

    def stop(self):
        self._stop.set()
        self._thread.join(2)

    def close(self):
        pass


class SineRecorder(Recorder):
    """The real Recorder (blocks, level, stop -> Audio) over a fake input stream."""
    made: list["SineRecorder"] = []

    def __init__(self, device=None, rate=44100, channels=1):
        super().__init__(device, rate, channels)
        SineRecorder.made.append(self)

    def start(self):
        self._blocks = []
        self._stream = FakeInputStream(self._callback, self.rate, self.channels)
        self._stream.start()


@pytest.fixture(autouse=True)
def _reset():
    SineRecorder.made = []
    yield
    for r in SineRecorder.made:  # no stream thread outlives its test
        if r.recording:
            r.stop()


def add_record_node(win, **params):
    nid = win.doc.add_node("audio.record", (0, 0), {"rate": 8000, "seconds": 0.5, **params})
    return nid


def test_without_a_device_the_panel_says_so_and_the_app_keeps_working(qtbot, open_window):
    assert os.environ.get("STUDIO_NO_AUDIO_DEVICE") == "1"
    w = open_window()
    rec = add_record_node(w)
    src = w.doc.add_node("source.shapes", (200, 0), {"frames": 4, "width": 32, "height": 24})
    w.canvas.select([rec])
    panel = w.preview.record_panel
    assert panel.isVisible() and panel.node_id == rec
    assert "no audio input device" in panel.status_label.text()
    assert "STUDIO_NO_AUDIO_DEVICE" in panel.status_label.text()  # and why
    assert not panel.record_button.isEnabled() and not panel.stop_button.isEnabled()
    assert not panel.device_combo.isEnabled()
    qtbot.mouseClick(panel.record_button, Qt.LeftButton)  # a disabled button does nothing
    assert not panel.recording
    # another node: the panel goes away, and a graph without the record node runs as usual
    w.canvas.select([src])
    assert not panel.isVisible()
    with qtbot.waitSignal(w.run_finished, timeout=20000) as blocker:
        assert w.runs.run_graph([src])
    result, error = blocker.args
    assert error is None and src in result.outputs


def test_record_with_a_fake_stream_meter_moves_take_saved_and_used_by_the_run(qtbot, open_window, tmp_path):
    w = open_window()
    w.preview.recorder_factory = SineRecorder
    w.preview.input_devices_fn = lambda: list(FAKE_DEVICES)
    rec = add_record_node(w)
    w.canvas.select([rec])
    panel = w.preview.record_panel
    assert panel.isVisible() and panel.record_button.isEnabled() and not panel.stop_button.isEnabled()
    # the device picker edits the node's 'device' parameter (one undoable edit)
    panel.device_combo.setCurrentIndex(panel.device_combo.findData("Fake Mic"))
    assert w.doc.graph.nodes[rec].params["device"] == "Fake Mic"
    qtbot.mouseClick(panel.record_button, Qt.LeftButton)
    assert panel.recording and panel.stop_button.isEnabled() and not panel.record_button.isEnabled()
    assert SineRecorder.made[-1].device == "Fake Mic" and SineRecorder.made[-1].rate == 8000
    # a 0.5 amplitude sine is -9 dBFS RMS: the meter sits at 85 %
    qtbot.waitUntil(lambda: panel.meter.value() > 0.8 * panel.meter.maximum(), timeout=3000)
    assert panel.meter.value() < 0.9 * panel.meter.maximum()
    qtbot.waitUntil(lambda: SineRecorder.made[-1].seconds >= 0.3, timeout=5000)
    qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    assert not panel.recording and panel.meter.value() == 0 and panel.record_button.isEnabled()
    take = w.doc.graph.nodes[rec].params["take"]
    assert take and os.path.isfile(take)
    assert take.startswith(str(tmp_path / "data" / "takes"))  # an unsaved graph: the data folder
    audio = read_wav(take)
    assert audio.rate == 8000 and audio.duration >= 0.3
    spec = np.abs(np.fft.rfft(audio.mono()))
    assert abs(np.argmax(spec) * audio.rate / audio.mono().size - 440) < 5
    # the take shows in the audio viewer at once
    assert w.preview.kind == "audio" and w.preview.value.n_samples == audio.n_samples
    # undo takes the take parameter back; redo restores it
    w.doc.undo_stack.undo()
    assert w.doc.graph.nodes[rec].params["take"] == ""
    w.doc.undo_stack.redo()
    assert w.doc.graph.nodes[rec].params["take"] == take
    # running the graph loads the take instead of recording
    with qtbot.waitSignal(w.run_finished, timeout=20000) as blocker:
        assert w.runs.run_graph([rec])
    result, error = blocker.args
    assert error is None
    out = result.value(rec, "audio")
    np.testing.assert_allclose(out.samples, audio.samples)


def test_a_set_take_path_is_overwritten_where_the_node_reads_it(qtbot, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    params = {"take": "mytake.wav", "device": "", "rate": 8000, "channels": 2}
    edits = []
    panel = RecordPanel(lambda: list(FAKE_DEVICES), SineRecorder)
    qtbot.addWidget(panel)
    panel.bind("r1", "Record Audio", lambda: dict(params), lambda n, v: edits.append((n, v)), str(tmp_path))
    assert panel.start()
    qtbot.waitUntil(lambda: SineRecorder.made[-1].seconds >= 0.05, timeout=3000)
    path = panel.stop()
    assert path == str(tmp_path / "mytake.wav") and os.path.isfile(path)
    assert read_wav(path).channels == 2
    assert edits == []  # the node already reads from there: no parameter edit


def test_deselecting_while_recording_saves_and_a_failing_device_is_reported(qtbot, tmp_path):
    params = {"take": "", "device": "", "rate": 8000, "channels": 1}
    edits = []
    panel = RecordPanel(lambda: list(FAKE_DEVICES), SineRecorder)
    qtbot.addWidget(panel)

    def set_param(n, v):
        edits.append((n, v))
        params[n] = v
    panel.bind("r1", "Mic take", lambda: dict(params), set_param, str(tmp_path))
    saved = []
    panel.takeSaved.connect(lambda nid, p, a: saved.append((nid, p, a.n_samples)))
    assert panel.start()
    qtbot.waitUntil(lambda: SineRecorder.made[-1].seconds >= 0.05, timeout=3000)
    panel.unbind()  # the node lost the selection
    assert not panel.recording and len(saved) == 1 and saved[0][0] == "r1" and saved[0][2] > 0
    assert edits == [("take", saved[0][1])] and os.path.basename(saved[0][1]).startswith("Mic-take-")

    class Broken(Recorder):
        def start(self):
            raise NoInputDevice("cannot open the audio input device: device busy")
    panel.recorder_factory = Broken
    panel.bind("r1", "Mic take", lambda: dict(params), set_param, str(tmp_path))
    assert not panel.start()
    assert "device busy" in panel.status_label.text() and panel.record_button.isEnabled()
    assert level_to_meter(0.0) == 0 and level_to_meter(1.0) == 1000 and level_to_meter(1e-4) == 0
