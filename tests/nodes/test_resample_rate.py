"""Frame Rate keeping the duration (nodes/edit/resample_rate.py): a clip read at another rate as VideoHelperSuite's
Load Video forces one (the first source frame at or after each output time, its float sums kept), against numpy
indexing, and on a real video file the test writes (lossless, so the frames compare exactly)."""
from __future__ import annotations

import numpy as np

from nodes.edit.resample_rate import forced_picks, middle_picks
from nodes.images import FrameRate
from studio.engine.clip import ArrayClip
from studio.engine.media import VideoFileClip, write_video

from ..node_run import ramp_clip, run_node


def test_picks_are_the_first_frame_at_or_after_each_time_keeping_the_duration():
    # 10 fps read at 4: times 0, .25, .5, .75... -> frames 0, 3 (0.3 s), 5, 8 ... (as VHS: a tie is the frame itself)
    assert forced_picks(25, 10.0, 4.0).tolist() == [0, 3, 5, 8, 10, 13, 15, 18, 20, 23]
    assert forced_picks(4, 10.0, 30.0).tolist() == [0, 1, 1, 1, 2, 2, 2, 3, 3, 3]  # repeated, the last not past
    # 24 -> 16: output 2's time is source frame 3's exactly, but VHS's float sums (1/24 added, 1/16 taken away) come
    # to just under it there, so it takes frame 4 (and 7 for output 4): kept, the frames VHS loads
    assert forced_picks(9, 24.0, 16.0).tolist() == [0, 2, 4, 5, 7, 8]
    assert forced_picks(5, 16.0, 16.0).tolist() == [0, 1, 2, 3, 4]  # its own rate: every frame
    n = forced_picks(300, 30.0, 16.0)
    assert len(n) == 160 and abs(len(n) / 16.0 - 300 / 30.0) < 0.1  # the duration kept


def _numpy_picks(n: int, src: float, rate: float) -> np.ndarray:
    """The rule in numpy for rates whose steps add up exactly in binary (no float tie): ceil(j * src / rate)."""
    return np.ceil(np.arange(int((n - 1) * rate // src) + 1) * src / rate).astype(np.int64)


def test_duration_kept_frames_match_numpy_indexing_by_frame_and_by_chunk():
    clip = ramp_clip(n=35, w=6, h=4, fps=16.0)
    frames = np.stack(list(clip))
    for rate, m in ((4.0, 9), (8.0, 18), (32.0, 69), (1.0, 3)):  # fewer frames, more (repeated), far apart
        out = run_node(FrameRate, {"fps": rate, "keep": "duration"}, video=clip)
        want = frames[_numpy_picks(35, 16.0, rate)]
        assert (out.n_frames, out.fps, len(want)) == (m, rate, m)
        np.testing.assert_array_equal(np.stack(list(out)), want)  # frame by frame
        np.testing.assert_array_equal(out.chunk(1, m), want[1:])  # by chunk
    same = run_node(FrameRate, {"fps": 12.0}, video=clip)  # 'frames' (the default): every frame, played slower
    assert (same.n_frames, same.fps) == (35, 12.0)


def test_duration_kept_on_a_video_file_written_by_the_test(tmp_path):
    levels = np.linspace(0.0, 1.0, 20, dtype=np.float32)
    frames = np.broadcast_to(levels[:, None, None, None], (20, 8, 8, 3)).copy()  # frame k: one grey level
    path = str(tmp_path / "ramp.mkv")
    write_video(path, ArrayClip(frames, 25.0), codec="ffv1")
    src = VideoFileClip(path)
    assert (src.n_frames, round(src.fps, 3)) == (20, 25.0)
    decoded = np.stack(list(src))
    out = run_node(FrameRate, {"fps": 10.0, "keep": "duration"}, video=src)  # the file's rate read when it runs
    picks = forced_picks(20, src.fps, 10.0)
    assert picks.tolist() == [0, 3, 6, 8, 11, 13, 16, 18] and out.n_frames == 8  # ties (x 2.5) fall later, as VHS
    np.testing.assert_array_equal(out.chunk(0, 8), decoded[picks])
    assert abs(out.duration - src.duration) < 0.2


def _ffmpeg_fps(n: int, src: float, rate: float) -> list[int]:
    """The source frame each output of ffmpeg's own fps filter (round=near, through PyAV's libavfilter) shows, for
    ``n`` frames at ``src`` fps, each frame one grey level, ended as a file's stream ends (its last frame's end)."""
    import fractions

    import av
    g = av.filter.Graph()
    tb = 1 / fractions.Fraction(src).limit_denominator(100_000)
    buf = g.add_buffer(width=16, height=16, format="gray", time_base=tb)
    fps, sink = g.add("fps", f"fps={rate}"), g.add("buffersink")
    buf.link_to(fps)
    fps.link_to(sink)
    g.configure()
    out = []
    for k in [*range(n), None]:
        if k is None:
            g.push(None)
        else:
            f = av.VideoFrame.from_ndarray(np.full((16, 16), k, np.uint8), format="gray")
            f.pts, f.time_base, f.duration = k, tb, 1
            g.push(f)
        while True:
            try:
                out.append(int(g.pull().to_ndarray()[0, 0]))
            except (av.BlockingIOError, av.EOFError):
                break
    return out


def test_the_middle_rule_is_ffmpegs_fps_filter():
    # 10 fps read at 4: slot j shows the frame on screen at (j + 1/2) / 4 s: frames 1 (0.125 s), 3, 6 (0.625 s)...
    assert middle_picks(25, 10.0, 4.0).tolist() == [1, 3, 6, 8, 11, 13, 16, 18, 21, 23]
    assert middle_picks(9, 24.0, 16.0).tolist() == [0, 2, 3, 5, 6, 8]  # (VHS's cv rule: 0, 2, 4, 5, 7, 8)
    assert middle_picks(12, 25.0, 10.0).tolist() == [1, 3, 6, 8, 11]  # 4.8 slots: 5, the last repeated to the end
    rng = np.random.default_rng(5)
    for _ in range(40):  # against ffmpeg's own filter, odd rates too (NTSC 29.97, 23.976; 7.5, 12.5)
        n = int(rng.integers(1, 80))
        src = float(rng.choice([12, 15, 23.976, 24, 25, 29.97, 30, 60]))
        rate = float(rng.choice([1, 4, 7.5, 8, 12.5, 16, 24, 30, 60]))
        assert middle_picks(n, src, rate).tolist() == _ffmpeg_fps(n, src, rate), (n, src, rate)


def test_frame_rate_duration_middle_matches_numpy_indexing():
    clip = ramp_clip(n=35, w=6, h=4, fps=16.0)
    frames = np.stack(list(clip))
    for rate in (4.0, 10.0, 24.0):
        out = run_node(FrameRate, {"fps": rate, "keep": "duration, middle"}, video=clip)
        m = int(np.floor(35 / 16.0 * rate + 0.5))
        want = frames[np.minimum(np.ceil((np.arange(m) + 0.5) * 16.0 / rate) - 1, 34).astype(int)]
        assert (out.n_frames, out.fps) == (m, rate)
        np.testing.assert_array_equal(np.stack(list(out)), want)
        np.testing.assert_array_equal(out.chunk(1, m), want[1:])
