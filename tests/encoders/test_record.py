"""Record Audio: a clear message without an input device, takes saved and reloaded, and the
rest of the graph keeps working."""
import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.values import Audio
from studio.engine.executor import Executor
from nodes.encoders import record as R


def test_no_input_device_gives_a_clear_message(monkeypatch):
    monkeypatch.setenv("STUDIO_NO_AUDIO_DEVICE", "1")
    assert R.input_devices() == []
    with pytest.raises(R.NoInputDevice, match="no audio input device.*Load Audio"):
        R.Recorder().start()
    g = Graph()
    rec = g.add_node("audio.record", {"seconds": 0.2})
    enc = g.add_node("encode.audio")
    g.connect(rec.id, "audio", enc.id, "audio")
    other = g.add_node("source.shapes", {"frames": 4, "width": 32, "height": 32})
    img = g.add_node("encode.image", {"size": 16, "dim": 4, "width": 4})
    g.connect(other.id, "video", img.id, "video")
    ex = Executor()
    with pytest.raises(NodeExecutionError, match="Record Audio.*no audio input device"):
        ex.run(g, targets=[enc.id])
    # the rest of the graph keeps working
    res = ex.run(g, targets=[img.id])
    assert res.value(img.id, "features").data.shape == (4, 4)


def test_a_saved_take_loads_without_a_device(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_NO_AUDIO_DEVICE", "1")
    t = np.arange(8000) / 8000
    take = Audio(0.5 * np.sin(2 * np.pi * 220 * t).astype(np.float32), 8000)
    path = str(tmp_path / "take.wav")
    R.write_wav(path, take)
    g = Graph()
    rec = g.add_node("audio.record", {"take": path})
    a = Executor().run(g, targets=[rec.id]).value(rec.id, "audio")
    assert a.rate == 8000 and a.samples.shape == (8000, 1)
    assert np.abs(a.samples[:, 0] - take.samples[:, 0]).max() < 1e-4
    (tmp_path / "bad.wav").write_bytes(b"RIFF0000nope")
    g.set_param(rec.id, "take", str(tmp_path / "bad.wav"))
    with pytest.raises(NodeExecutionError, match="cannot read take"):
        Executor().run(g, targets=[rec.id])


def test_recorder_collects_blocks_and_meters_level():
    r = R.Recorder(rate=1000, channels=1)
    r._callback(np.full((100, 1), 0.5, np.float32), 100, None, None)
    r._callback(np.zeros((50, 1), np.float32), 50, None, None)
    assert r.seconds == pytest.approx(0.15) and r.level == 0.0
    r._callback(np.full((10, 1), 0.25, np.float32), 10, None, None)
    assert r.level == pytest.approx(0.25)
    a = r.stop()
    assert a.samples.shape == (160, 1) and a.rate == 1000
