"""Save Animation (task anim25): a clip written as an animated WEBP, GIF or PNG through Pillow, read back with Pillow
(frames, size, durations, loop), the same bytes twice, the graph given back by the file dropped on the canvas, a bad
value refused in words, and nothing left where a failed write was."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from PIL import Image

from studio.core.errors import MediaError, ParamRangeError
from studio.core.graph import Graph
from studio.engine.animation_write import durations_ms, write_animation
from studio.engine.clip import ArrayClip
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor
from studio.engine.media import probe, read_graph_json


def _graph(path: str, frames: int = 10, fps: float = 24.0, **params) -> tuple[Graph, str]:
    g = Graph()
    src = g.add_node("source.shapes", {"frames": frames, "fps": fps, "width": 48, "height": 32})
    save = g.add_node("io.save_animation", {"path": path, **params})
    g.connect(src.id, "video", save.id, "video")
    return g, save.id


def _read(path: str) -> tuple[int, tuple[int, int], list[int], object]:
    with Image.open(path) as im:
        ds = []
        for k in range(im.n_frames):
            im.seek(k)
            im.load()
            ds.append(int(im.info.get("duration") or 0))
        return im.n_frames, im.size, ds, im.info.get("loop")


@pytest.mark.parametrize("ext", ["webp", "gif", "png"])
def test_each_format_reads_back_with_its_frames_size_durations_and_loop(tmp_path, ext):
    path = str(tmp_path / f"anim.{ext}")
    g, sid = _graph(path, frames=10, fps=24.0, loop=3)
    Executor().run(g, targets=[sid])
    n, size, ds, loop = _read(path)
    assert (n, size, loop) == (10, (48, 32), 3)
    step = 10 if ext == "gif" else 1
    assert sum(ds) == pytest.approx(10 / 24 * 1000, abs=step)  # the rate's clock: 417 ms, not 10 x 41 ms
    assert max(ds) - min(ds) <= step
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".render-")]  # the temporary file renamed


def test_the_graph_comes_back_from_the_file_and_fps_given_overrides_the_clip(tmp_path):
    for ext in ("webp", "gif", "png"):
        path = str(tmp_path / f"g.{ext}")
        g = Graph()
        src = g.add_node("source.shapes", {"frames": 4, "fps": 24.0, "width": 48, "height": 32})
        sid = g.add_node("io.save_animation", {"path": path, "fps": 8.0}).id
        g.connect(src.id, "video", sid, "video")
        Executor().run(g, targets=[sid], options={"graph": g})
        text = read_graph_json(path)
        assert text is not None, ext
        assert json.loads(text) and '"io.save_animation"' in text and '"source.shapes"' in text
        assert _read(path)[2][:2] in ([125, 125], [120, 130], [130, 120])  # 8 fps: 125 ms (a GIF's 10 ms steps)


def test_the_same_clip_writes_the_same_bytes(tmp_path):
    digests = []
    for k in range(2):
        path = str(tmp_path / f"same{k}.webp")
        g, sid = _graph(path, frames=6, lossless=False, quality=60, method="fastest", embed_graph=False)
        Executor().run(g, targets=[sid])
        digests.append(hashlib.sha256(open(path, "rb").read()).hexdigest())
    assert digests[0] == digests[1]


def test_a_bad_fps_or_format_is_one_clear_message(tmp_path):
    g = Graph()
    with pytest.raises(ParamRangeError, match="fps.*-2 is outside"):
        g.add_node("io.save_animation", {"path": str(tmp_path / "a.gif"), "fps": -2})
    clip = ArrayClip(__import__("numpy").zeros((2, 8, 8, 3), "float32"), fps=12)
    with pytest.raises(MediaError, match="not a rate"):
        write_animation(str(tmp_path / "a.gif"), clip, range(2), 0.0)
    with pytest.raises(MediaError, match=r"\.webp, \.gif or \.png"):
        write_animation(str(tmp_path / "a.mp4"), clip, range(2), 12.0)
    assert not list(tmp_path.iterdir())  # nothing written, no temporary file left


def test_durations_follow_the_rate_clock():
    assert durations_ms(10, 24.0, 10) == [40, 40, 40, 50, 40, 40, 40, 40, 50, 40]
    assert sum(durations_ms(30, 30.0)) == 1000


def test_a_webm_is_vp9_at_the_rate_asked_with_the_clips_own_sound_and_carries_the_graph(tmp_path):
    from studio.engine.media import probe
    path = str(tmp_path / "clip.webm")
    g, sid = _graph(path, frames=6, fps=24.0, crf=40)
    g.set_param(sid, "fps", 12.0)
    Executor().run(g, targets=[sid], options={"graph": g})
    info = probe(path)
    assert (info["codec"], info["frames"], info["width"], info["height"]) == ("vp9", 6, 48, 32)
    assert info["fps"] == pytest.approx(12.0)
    assert (info["audio_codec"], info["audio_rate"]) == ("opus", 48000)  # the shapes clip's own sound
    assert '"io.save_animation"' in (read_graph_json(path) or "")


def _sine_wav(path, rate: int, seconds: float) -> None:
    import wave
    t = np.arange(int(rate * seconds)) / rate
    pcm = (0.5 * np.sin(2 * np.pi * 440.0 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


@pytest.mark.parametrize("rate", [44100, 48000])
def test_a_webm_writes_the_sound_given_as_opus_at_48_khz_as_long_as_the_clip(tmp_path, rate):
    import av
    wav, path = tmp_path / "sine.wav", str(tmp_path / "clip.webm")
    _sine_wav(wav, rate, 3.0)
    g, sid = _graph(path, frames=24, fps=12.0)
    snd = g.add_node("io.load_audio", {"path": str(wav)})
    g.connect(snd.id, "audio", sid, "audio")
    Executor().run(g, targets=[sid], options={"graph": g})
    with av.open(path) as c:
        (a,) = c.streams.audio
        assert (a.codec_context.name, a.codec_context.sample_rate) == ("opus", 48000)
        decoded = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(a)])
    assert len(decoded) / 48000 == pytest.approx(2.0, abs=0.03)  # the clip's 24 frames at 12 fps, not the 3 s given
    assert np.abs(decoded).max() == pytest.approx(0.5, abs=0.08)  # the sine, not silence
    info = probe(path)
    assert (info["codec"], info["frames"], info["audio_codec"]) == ("vp9", 24, "opus")
    assert info["duration"] == pytest.approx(2.0, abs=0.05)


def test_a_picture_given_a_sound_writes_the_frames_and_says_so(tmp_path):
    wav, path = tmp_path / "sine.wav", str(tmp_path / "anim.gif")
    _sine_wav(wav, 48000, 1.0)
    g, sid = _graph(path, frames=4, fps=8.0)
    snd = g.add_node("io.load_audio", {"path": str(wav)})
    g.connect(snd.id, "audio", sid, "audio")
    events = []
    Executor().run(g, targets=[sid], options={"graph": g}, on_event=events.append)
    assert _read(path)[0] == 4
    said = [(m.level, m.text) for m in events if isinstance(m, NodeMessage)]
    assert ("info", "the sound given is not in anim.gif: an animated picture holds none (a WEBM or Save Video's "
            "MP4 writes a sound)") in said
