"""Video: lossless and alpha round trips, 10-bit precision, colour tags, rotation, variable rate."""
from fractions import Fraction

import av
import numpy as np
import pytest

from nodes.footage.video import SaveVideoMaster
from nodes.io import LoadVideo
from studio.core.errors import MediaError
from studio.engine import video_formats as vf
from studio.engine.clip import ArrayClip
from studio.engine.media import VideoFileClip, write_video
from tests.node_run import Recorder, run_node


def _noise8(n=2, w=641, h=361, seed=0):
    rng = np.random.default_rng(seed)
    return ArrayClip((rng.integers(0, 256, (n, h, w, 3)) / 255).astype(np.float32), 24.0)


def _smooth(n=2, w=160, h=96):
    yy, xx = np.mgrid[0:h, 0:w]
    f = np.stack([xx / (w - 1), yy / (h - 1), 0.25 + 0.5 * xx / (w - 1) * yy / (h - 1)], -1).astype(np.float32)
    return ArrayClip(np.repeat(f[None], n, 0), 24.0)


def test_ffv1_round_trip_is_pixel_exact_file_studio_file_studio(tmp_path):
    src = _noise8()
    a, b = str(tmp_path / "a.mkv"), str(tmp_path / "b.mkv")
    write_video(a, src, codec="ffv1")
    first = VideoFileClip(a)
    assert (first.width, first.height, len(first)) == (641, 361, 2)  # RGB: no padding to even sizes
    write_video(b, first, codec="ffv1")
    again = VideoFileClip(b)
    for i in range(2):
        assert np.array_equal(np.round(first.frame(i) * 255), np.round(src.frame(i) * 255))
        assert np.array_equal(again.frame(i), first.frame(i))


def test_ffv1_16bit_keeps_full_precision(tmp_path):
    ramp = ArrayClip((np.arange(64 * 64, dtype=np.float32) / 4095).reshape(1, 64, 64, 1).repeat(3, 3), 24.0)
    write_video(str(tmp_path / "d.mkv"), ramp, codec="ffv1", bits=10)
    back = VideoFileClip(str(tmp_path / "d.mkv"))
    assert back.colour.deep and np.abs(back.frame(0) - ramp.frame(0)).max() < 1e-5


def test_prores_4444_keeps_alpha_within_codec_tolerance(tmp_path):
    src = _smooth(2, 161, 97)
    alpha = ArrayClip(np.repeat(np.linspace(0, 1, 161, dtype=np.float32)[None, None, :, None], 97, 1).repeat(2, 0))
    out = str(tmp_path / "m.mov")
    rec = Recorder()
    run_node(SaveVideoMaster, {"path": out, "codec": "prores_4444"}, rec, video=src, alpha=alpha)
    res = run_node(LoadVideo, {"path": out}, rec)
    v, a = res["video"], res["alpha"]
    assert (v.width, v.height) == (161, 97) and a.channels == 1
    assert np.abs(a.frame(1) - alpha.frame(1)).max() < 2e-3
    assert np.abs(v.frame(1) - src.frame(1)).mean() < 2e-3
    with av.open(out) as c:
        assert c.streams.video[0].codec_context.name == "prores"
        assert c.streams.video[0].codec_context.pix_fmt.startswith("yuva444p")
    # and back out again: file -> Studio -> file -> Studio
    out2 = str(tmp_path / "m2.mov")
    run_node(SaveVideoMaster, {"path": out2, "codec": "prores_4444"}, video=v, alpha=a)
    back = run_node(LoadVideo, {"path": out2})
    assert np.abs(back["alpha"].frame(0) - a.frame(0)).max() < 2e-3
    assert np.abs(back["video"].frame(0) - v.frame(0)).mean() < 2e-3
    with pytest.raises(ValueError, match="no alpha"):
        run_node(SaveVideoMaster, {"path": str(tmp_path / "x.mov"), "codec": "prores_422"}, video=src, alpha=alpha)


def test_ten_bit_h265_and_prores_422_reach_float_frames_above_8_bits(tmp_path):
    src = _smooth(1, 320, 96)
    for codec, ext, bits in (("h265", ".mp4", 10), ("prores_422", ".mov", 10)):
        path = str(tmp_path / f"t{ext}")
        write_video(path, src, codec=codec, bits=bits)
        v = VideoFileClip(path)
        f = v.frame(0)[:96, :320]
        assert v.colour.deep
        assert len(np.unique(f[..., 0])) > 600  # more levels than 8 bits can hold
        assert np.abs(f - src.frame(0)).mean() < 4e-3, codec
    write_video(str(tmp_path / "e.mp4"), src, codec="h265", bits=8)
    assert len(np.unique(VideoFileClip(str(tmp_path / "e.mp4")).frame(0)[..., 0])) <= 256



def test_a_flushed_packet_with_an_unset_decode_time_gets_the_next_one():
    from studio.engine.video_encode import mended_dts
    assert mended_dts(0, 6060317545617357134, None) == 0  # a one-frame x265 clip on 16 threads
    assert mended_dts(1, -94234737554239, 0) == 1
    assert mended_dts(0, None, None) == 0
    assert mended_dts(5, 3, 2) == 3  # a sound decode time is kept
    assert mended_dts(0, -2, None) == -2  # B-frame delay: before the presentation time, kept
    assert mended_dts(4, 2, 2) == 3  # not after the last one


@pytest.mark.parametrize("n", [1, 2, 3])
def test_short_ten_bit_h265_clips_mux_on_many_encoder_threads(tmp_path, monkeypatch, n):
    # on a machine with many cores libx265 flushes a short clip's packets with garbage decode times
    monkeypatch.setattr("studio.engine.device.encoder_threads", lambda: 16)
    path = str(tmp_path / "t.mp4")
    write_video(path, _smooth(n, 64, 32), codec="h265", bits=10)
    assert VideoFileClip(path).n_frames == n

@pytest.mark.parametrize("matrix,rng", [("bt709", "limited"), ("bt601", "full")])
def test_colour_tags_are_written_and_read_back(tmp_path, matrix, rng):
    patches = np.zeros((1, 64, 64, 3), np.float32)
    patches[0, :32, :32] = (0.9, 0.1, 0.1)
    patches[0, :32, 32:] = (0.1, 0.8, 0.2)
    patches[0, 32:, :32] = (0.2, 0.3, 0.9)
    patches[0, 32:, 32:] = (0.5, 0.5, 0.5)
    path = str(tmp_path / "c.mp4")
    write_video(path, ArrayClip(patches), codec="h264", matrix=matrix, color_range=rng, crf=0)
    with av.open(path) as c:
        cc = c.streams.video[0].codec_context
        assert int(cc.colorspace) == (1 if matrix == "bt709" else 6)
        assert int(cc.color_range) == (1 if rng == "limited" else 2)
    v = VideoFileClip(path)
    assert (v.colour.matrix, v.colour.range, v.colour.tagged) == (matrix, rng, True)
    got = v.frame(0)
    for y, x in ((8, 8), (8, 40), (40, 8), (40, 40)):
        assert np.abs(got[y:y + 16, x:x + 16].mean((0, 1)) - patches[0, y, x]).max() < 0.02
    # the check has teeth: decoding with the other matrix shifts the red patch visibly
    other = vf.SourceColour("bt601" if matrix == "bt709" else "bt709", rng, True, False, False, "")
    with av.open(path) as c:
        wrong = vf.frame_to_rgb(next(c.decode(video=0)), other)[0]
    assert np.abs(wrong[8:24, 8:24].mean((0, 1)) - patches[0, 8, 8]).max() > 0.03


def test_rotated_phone_clip_shows_upright(tmp_path):
    up = np.zeros((80, 48, 3), np.uint8)
    up[:16, :16] = (255, 0, 0)  # a red mark at the top-left of the upright picture
    stored = np.ascontiguousarray(np.rot90(up, k=-1))  # the sensor's landscape frame
    path = str(tmp_path / "phone.mp4")
    with av.open(path, "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 80, 48, "yuv420p"
        s.set_display_rotation(90)
        for _ in range(2):
            for p in s.encode(av.VideoFrame.from_ndarray(stored, format="rgb24")):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    rec = Recorder()
    v = run_node(LoadVideo, {"path": path}, rec)["video"]
    assert (v.width, v.height) == (48, 80)
    f = v.frame(1)
    assert f.shape == (80, 48, 3)
    assert f[2:14, 2:14, 0].mean() > 0.9 and f[-14:, -14:].max() < 0.1
    assert any("rotated 90" in m for m in rec.messages("info"))


def test_variable_frame_rate_clip_keeps_its_duration(tmp_path):
    path = str(tmp_path / "vfr.mp4")
    tb = Fraction(1, 3000)
    durs = [100, 100, 100, 300, 300, 100, 100, 600, 100, 100]  # 1/30 s, with long frames in between
    with av.open(path, "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 32, 32, "yuv420p"
        s.codec_context.time_base = tb
        t = 0
        for k, d in enumerate(durs):
            fr = av.VideoFrame.from_ndarray(np.full((32, 32, 3), k * 20, np.uint8), format="rgb24")
            fr.pts, fr.time_base = t, tb
            t += d
            for p in s.encode(fr):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    rec = Recorder()
    v = run_node(LoadVideo, {"path": path}, rec)["video"]
    real = sum(durs) / 3000  # 2.0 s
    assert v.fps == 30.0
    assert v.duration == pytest.approx(real, abs=1 / 30)
    shown = [int(round(v.frame(i)[0, 0, 0] * 255 / 20)) for i in range(len(v))]
    assert shown[:6] == [0, 1, 2, 3, 3, 3] and sorted(set(shown)) == list(range(10))  # held, none lost
    assert any("variable frame rate" in m and "30 fps" in m for m in rec.messages("info"))


def test_missing_encoder_is_named_and_containers_are_checked(tmp_path, monkeypatch):
    src = _smooth(1, 32, 32)
    with pytest.raises(MediaError, match="cannot go in a '.mp4'"):
        write_video(str(tmp_path / "p.mp4"), src, codec="prores_422")
    fake = vf.VideoCodec("prores_422", "ProRes 422 HQ", ("no_such_encoder",), (".mov",), "yuv422p10le", "yuv422p10le")
    monkeypatch.setitem(vf.CODECS, "prores_422", fake)
    with pytest.raises(MediaError, match=r"no ProRes 422 HQ encoder \(no_such_encoder\); available here: .*ffv1"):
        write_video(str(tmp_path / "p.mov"), src, codec="prores_422")
