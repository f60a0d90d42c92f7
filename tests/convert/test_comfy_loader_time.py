"""A video loader's time rules made (rate3): VideoHelperSuite's Load Video FFmpeg (told by its declared force_rate,
frame_load_cap and start_time) reads its file through ffmpeg's fps filter, made as Studio's Frame Rate 'duration,
middle' and a Trim from start_time x rate; and the sound a loader gives with its picks (VHS's lazy_get_audio: from
skip x T or start_time, for cap x every-n-th x T seconds) made as an Audio Trim on its Load Video's sound, so a
muxed save hears the seconds ComfyUI's does (was: the whole file's, said). Run on a real small video + audio file
the test writes."""
from __future__ import annotations

import numpy as np

from studio.convert.mapping.convert import convert
from studio.core.values import Audio
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from studio.engine.media import VideoFileClip, write_video
from tests.convert.test_comfy_forced_rate import _chain
from tests.convert.test_comfy_heldout14_mends import _fun_control, _params, _said


def _ffmpeg(**inputs) -> dict:
    wf = _fun_control({"force_rate": 16, "frame_load_cap": 20, "start_time": 1.5, **inputs})
    wf["4"]["class_type"] = "VHS_LoadVideoFFmpeg"
    return wf


def test_the_ffmpeg_loaders_rate_is_ffmpegs_fps_rule_then_a_trim_from_its_start_time():
    conv = convert(_ffmpeg(), "ffmpeg.json")
    assert _chain(conv) == ["io.load_video", "edit.frame_rate", "transform.trim"]
    assert _params(conv, "edit.frame_rate") == [{"fps": 16.0, "keep": "duration, middle"}]
    assert _params(conv, "transform.trim") == [{"start": 24, "end": 44, "step": 1}]  # 1.5 s x 16, 20 of them
    said = _said(conv)
    assert ("'VHS_LoadVideoFFmpeg' (VHS_LoadVideoFFmpeg, #4) reads 'dance.mp4' at 16 fps over the file's own duration "
            "(frames dropped or repeated by time, each the one showing at the middle of its time, as ffmpeg's fps "
            "filter picks) and picks frames 24 to 43 (from its start_time 1.5 s) of those: Studio's Frame Rate (keep: "
            "duration, middle) and Trim after its Load Video make the same frames") in said
    assert "not applied" not in said.replace("is not applied: Studio", "")
    assert ("the sound of 'VHS_LoadVideoFFmpeg' (VHS_LoadVideoFFmpeg, #4) is seconds 1.5 to 2.75 of its file, the time "
            "of the frames it picks: Studio's Audio Trim after its Load Video keeps the same seconds") in said
    assert _params(conv, "edit.audio_trim") == [{"start": 1.5, "end": 2.75, "unit": "seconds"}]


def test_a_start_studio_cannot_place_on_the_frames_when_converting_is_left_said():
    for start, why in ((4.03, "a seek 4 s before, off the slots"), (["20", 0], "wired to a value not known")):
        wf = _ffmpeg(start_time=start)
        wf["20"] = {"class_type": "InventedTimeNode", "inputs": {"seed": 3}}
        conv = convert(wf, "late.json")
        assert _chain(conv) == ["io.load_video", "edit.frame_rate"], why  # the rate made, the picks not guessed
        assert not _params(conv, "transform.trim") and not _params(conv, "edit.audio_trim")
        assert "frame_load_cap 20" in _said(conv) and "not applied" in _said(conv)
    own = convert(_ffmpeg(force_rate=0, start_time=2.0), "own.json")  # the file's own rate: 2 s is no frame known
    assert _chain(own) == ["io.load_video"] and "frame_load_cap 20, start_time 2.0: not applied" in _said(own)


def _file(path, n: int = 24, fps: float = 12.0, rate: int = 8000) -> None:
    """A small lossless clip with a sound (a rising tone) as long as it is."""
    levels = np.linspace(0.0, 1.0, n, dtype=np.float32)
    t = np.arange(int(n / fps * rate)) / rate
    tone = (0.1 + 0.4 * t / t[-1]) * np.sin(2 * np.pi * 440 * t)
    write_video(str(path), ArrayClip(np.broadcast_to(levels[:, None, None, None], (n, 8, 8, 3)).copy(), fps),
                audio=Audio(np.stack([tone, tone], 1).astype(np.float32), rate), codec="ffv1")


def test_the_loaders_sound_window_run_on_a_written_file_is_the_seconds_videohelpersuite_gives(tmp_path):
    _file(tmp_path / "clip.mkv")
    wf = {"1": {"class_type": "VHS_LoadVideoPath", "inputs": {
              "video": "clip.mkv", "force_rate": 8, "custom_width": 0, "custom_height": 0, "frame_load_cap": 4,
              "skip_first_frames": 3, "select_every_nth": 2}},
          "2": {"class_type": "VHS_VideoCombine", "inputs": {
              "images": ["1", 0], "audio": ["1", 2], "frame_rate": 4, "loop_count": 0, "filename_prefix": "again",
              "format": "video/h264-mp4", "pingpong": False, "save_output": True}}}
    conv = convert(wf, "sound.json")
    conv.graph.base_dir = str(tmp_path)
    g = conv.graph
    cut = next(nid for nid, n in g.nodes.items() if n.type_id == "edit.audio_trim")
    save = next(nid for nid, n in g.nodes.items() if n.type_id == "io.save_video")
    # VHS: T = 1/8 s; from 3 x T = 0.375 s for 4 x 2 x T = 1 s
    assert g.nodes[cut].params == {"start": 0.375, "end": 1.375, "unit": "seconds"}
    assert {(lk.src, lk.src_port) for lk in g.links if lk.dst == save and lk.dst_port == "audio"} == {(cut, "audio")}
    run = Executor().run(g, targets=[save], device="cpu", use_cache=False)
    heard, whole = run.value(cut, "audio"), VideoFileClip(str(tmp_path / "clip.mkv")).audio
    np.testing.assert_array_equal(heard.samples, whole.slice_seconds(0.375, 1.375))
    assert heard.rate == whole.rate and abs(heard.duration - 1.0) < 1e-3
    written = VideoFileClip(str(tmp_path / "out" / "again.mp4"))
    assert written.n_frames == 4 and abs(written.audio.duration - 1.0) < 0.05  # the muxed save: that second


def test_the_sound_of_frames_picked_at_the_files_own_rate_is_counted_at_that_rate_when_it_runs(tmp_path):
    """No forced rate: VHS's window is skip / fps to (skip + cap x n) / fps of the file's own rate, which Studio's
    Audio Trim counts in frames of its Load Video's clip when it runs."""
    _file(tmp_path / "clip.mkv")  # 24 frames at 12 fps
    wf = {"1": {"class_type": "VHS_LoadVideoPath", "inputs": {
              "video": "clip.mkv", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 5,
              "skip_first_frames": 6, "select_every_nth": 2}},
          "2": {"class_type": "VHS_VideoCombine", "inputs": {
              "images": ["1", 0], "audio": ["1", 2], "frame_rate": 6, "loop_count": 0, "filename_prefix": "own",
              "format": "video/h264-mp4", "pingpong": False, "save_output": True}}}
    conv = convert(wf, "own.json")
    conv.graph.base_dir = str(tmp_path)
    g = conv.graph
    cut = next(nid for nid, n in g.nodes.items() if n.type_id == "edit.audio_trim")
    assert g.nodes[cut].params == {"start": 6.0, "end": 16.0, "unit": "frames"}
    assert g.nodes[g.input_link(cut, "timing").src].type_id == "io.load_video"
    heard = Executor().run(g, targets=[cut], device="cpu", use_cache=False).value(cut, "audio")
    whole = VideoFileClip(str(tmp_path / "clip.mkv")).audio
    np.testing.assert_array_equal(heard.samples, whole.slice_seconds(0.5, 16 / 12))  # 6 / 12 s for 10 frames


def _ffmpeg_reads(path: str, rate: float, start: float, cap: int) -> list[int]:
    """The frames (their grey level, 0-255) VHS's FFmpeg loader's command gives: the file decoded, ffmpeg's fps filter,
    the output's '-ss start' (a trim from that time), '-frames:v cap'; run through PyAV's libavfilter."""
    import av
    with av.open(path) as c:
        s = c.streams.video[0]
        g = av.filter.Graph()
        buf = g.add_buffer(template=s)
        chain = [buf, g.add("fps", f"fps={rate}"), g.add("trim", f"start={start}"), g.add("buffersink")]
        for a, b in zip(chain, chain[1:]):
            a.link_to(b)
        g.configure()
        out = []
        for f in [*c.decode(s), None]:
            g.push(f)
            while True:
                try:
                    out.append(int(g.pull().to_ndarray(format="gray")[0, 0]))
                except (av.BlockingIOError, av.EOFError):
                    break
    return out[:cap]


def test_the_converted_ffmpeg_chain_on_a_written_file_gives_the_frames_ffmpeg_gives(tmp_path):
    n = 40
    levels = np.round(np.linspace(0, 255, n)).astype(np.float32) / 255  # frame k: one grey level
    write_video(str(tmp_path / "clip.mkv"), ArrayClip(np.broadcast_to(levels[:, None, None, None], (n, 8, 8, 3))
                                                      .copy(), 24.0), codec="ffv1")
    wf = {"1": {"class_type": "VHS_LoadVideoFFmpegPath", "inputs": {
              "video": "clip.mkv", "force_rate": 16, "custom_width": 0, "custom_height": 0, "frame_load_cap": 6,
              "start_time": 0.5}},
          "2": {"class_type": "VHS_VideoCombine", "inputs": {
              "images": ["1", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "ff",
              "format": "video/h264-mp4", "pingpong": False, "save_output": True}}}
    conv = convert(wf, "ffrun.json")
    conv.graph.base_dir = str(tmp_path)
    trim = next(nid for nid, x in conv.graph.nodes.items() if x.type_id == "transform.trim")
    clip = Executor().run(conv.graph, targets=[trim], device="cpu", use_cache=False).value(trim, "video")
    got = [int(round(float(clip.frame(i)[0, 0, 0]) * 255)) for i in range(clip.n_frames)]
    want = _ffmpeg_reads(str(tmp_path / "clip.mkv"), 16, 0.5, 6)
    assert len(want) == 6 and got == want  # 24 -> 16 fps from 0.5 s: ffmpeg's picks (frames 12, 14, 15, 17 ...)
    assert got != [int(round(levels[k] * 255)) for k in (13, 14, 16, 17, 19, 20)]  # not VHS's cv rule's
