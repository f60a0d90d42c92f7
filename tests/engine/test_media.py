import json
import os

import av
import numpy as np
import pytest

from studio.core.errors import MediaError, StudioError
from studio.core.fileformat import load_graph, parse_graph_text
from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from studio.engine.media import VideoFileClip, probe, read_graph_json, write_video
from studio.engine.sound_file import load_audio
from studio.core.values import Audio

DEMO = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "graphs", "demo.json")


def _ramp_clip(n=20, w=64, h=48):
    t = np.linspace(0, 1, n, dtype=np.float32)[:, None, None, None]
    x = np.linspace(0, 1, w, dtype=np.float32)[None, None, :, None]
    frames = np.broadcast_to(t * 0.7 + x * 0.3, (n, h, w, 3)).copy()
    frames[..., 1] *= 0.5
    return ArrayClip(frames, fps=12)


def test_write_and_read_back_with_audio_and_graph(tmp_path):
    clip = _ramp_clip()
    sr = 16000
    tone = 0.3 * np.sin(np.arange(int(sr * 20 / 12)) / sr * 2 * np.pi * 440).astype(np.float32)
    p = str(tmp_path / "v.mp4")
    n = write_video(p, clip, audio=Audio(tone, sr), graph_json=json.dumps({"hello": 1}), crf=10)
    assert n == 20
    info = probe(p)
    assert info["frames"] == 20 and abs(info["fps"] - 12) < 1e-6
    assert info["width"] == 64 and info["height"] == 48 and info["audio_codec"] == "aac"
    assert json.loads(read_graph_json(p)) == {"hello": 1}
    v = VideoFileClip(p)
    assert len(v) == 20 and v.width == 64 and v.fps == 12
    # random access and sequential access give the same pixels, close to the source
    for i in (0, 13, 5, 6, 7, 19, 2):
        assert np.abs(v.frame(i) - clip.frame(i)).mean() < 0.02, i
    a = v.audio
    assert a is not None and abs(a.duration - 20 / 12) < 0.1


def test_odd_sizes_are_padded_to_even(tmp_path):
    clip = ArrayClip(np.zeros((3, 11, 13, 3), np.float32), 24)
    p = str(tmp_path / "odd.mp4")
    write_video(p, clip)
    info = probe(p)
    assert (info["width"], info["height"]) == (14, 12) and info["frames"] == 3


def test_corrupt_empty_and_missing_videos_give_media_errors(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "junk.mp4").write_bytes(np.random.default_rng(0).bytes(4096))  # fixed: 3 in 1,000 random draws probe as a format
    for name, msg in (("empty.mp4", "empty"), ("junk.mp4", "corrupt"), ("missing.mp4", "not found")):
        with pytest.raises(MediaError, match=msg):
            VideoFileClip(str(tmp_path / name))


def test_load_video_node_error_names_the_node(tmp_path):
    g = Graph()
    n = g.add_node("io.load_video", {"path": str(tmp_path / "nope.mp4")}, title="My clip")
    with pytest.raises(StudioError) as e:  # found before the run starts (studio.engine.preflight)
        Executor().run(g, targets=[n.id])
    assert "My clip" in str(e.value) and "not found" in str(e.value)


def test_render_demo_graph_end_to_end(tmp_path):
    g = load_graph(DEMO)
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    out = str(tmp_path / "demo.mp4")
    g.set_param(save.id, "path", out)
    src = next(n for n in g.nodes.values() if n.type_id == "source.shapes")
    g.set_param(src.id, "frames", 30)
    Executor().run(g)
    info = probe(out)
    assert info["frames"] == 30 and info["fps"] == 24.0 and "audio_codec" in info
    back = parse_graph_text(read_graph_json(out))
    assert set(back.nodes) == set(g.nodes) and back.nodes[src.id].params["frames"] == 30


def test_frame_range_limits_the_render(tmp_path):
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 40, "width": 64, "height": 48, "sound": False})
    out = g.add_node("io.save_video", {"path": str(tmp_path / "r.mp4")})
    g.connect(s.id, "video", out.id, "video")
    Executor().run(g, frame_range=(10, 25))
    assert probe(str(tmp_path / "r.mp4"))["frames"] == 15


def test_load_audio_resamples(tmp_path):
    clip = _ramp_clip(24)
    sr = 8000
    tone = 0.2 * np.sin(np.arange(sr * 2) / sr * 2 * np.pi * 300).astype(np.float32)
    p = str(tmp_path / "a.mp4")
    write_video(p, clip, audio=Audio(np.stack([tone, tone], 1), sr))
    a = load_audio(p, rate=16000, mono=True)
    assert a.rate == 16000 and a.channels == 1
    assert 1.9 < a.duration < 2.2
    spec = np.abs(np.fft.rfft(a.mono()[:16000]))
    assert abs(np.argmax(spec) * 16000 / 16000 - 300) < 5


def test_random_access_across_keyframes_returns_the_right_frame(tmp_path):
    n = 300  # x264's default GOP is 250: two keyframes, seeks land mid-GOP
    lo = 0.1 + 0.8 * (np.arange(n) % 20) / 19  # steps of 0.042: far above coding error
    hi = 0.1 + 0.8 * (np.arange(n) // 20) / 15
    frames = np.zeros((n, 16, 32, 3), np.float32)
    frames[:, :, :16] = lo[:, None, None, None]
    frames[:, :, 16:] = hi[:, None, None, None]
    p = str(tmp_path / "long.mp4")
    write_video(p, ArrayClip(frames, 30), crf=0, preset="ultrafast")
    v = VideoFileClip(p)
    assert len(v) == n
    for i in (299, 0, 260, 251, 249, 100, 101, 102, 5):
        f = v.frame(i)
        got = (float(f[4:12, 4:12].mean()), float(f[4:12, 20:28].mean()))
        assert abs(got[0] - lo[i]) < 0.015 and abs(got[1] - hi[i]) < 0.015, (i, got, lo[i], hi[i])


@pytest.mark.parametrize("sr", [160, 30000, 200000])
def test_a_sound_at_a_rate_aac_does_not_hold_is_written_resampled_in_sync(tmp_path, sr):
    """A sound at 160 Hz (a tiny model's vocoder), 30 kHz or 200 kHz: AAC holds none of these; the
    track is written at the next AAC rate up (96 kHz at most), as long as the picture, the tone kept."""
    from studio.engine.video_encode import aac_rate
    clip = _ramp_clip()
    n = int(round(sr * 20 / 12))
    tone = (0.3 * np.sin(np.arange(n) / sr * 2 * np.pi * min(40, sr / 8))).astype(np.float32)
    p = str(tmp_path / "v.mp4")
    write_video(p, clip, audio=Audio(np.stack([tone, tone], 1), sr))
    with av.open(p) as c:
        a = c.streams.audio[0]
        assert a.rate == aac_rate(sr) == {160: 7350, 30000: 32000, 200000: 96000}[sr]
    got = VideoFileClip(p).audio
    assert abs(got.duration - 20 / 12) < 0.05  # in sync with the picture (within a frame)
    assert got.samples.std() > 0.1  # the tone, not silence
