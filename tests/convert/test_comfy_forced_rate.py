"""A video loader's forced rate (VideoHelperSuite's Load Video force_rate, told by the type's declared widgets) made:
Studio's Frame Rate keeping the duration after its Load Video, then load_trim's Trim for the picks among those frames,
one sentence said; a rate Studio cannot know when converting left said as before. Found by the fourteenth held-out
set (07, 08, 15: force_rate 16 / 24 said not applied)."""
from __future__ import annotations

import numpy as np

from nodes.edit.resample_rate import forced_picks
from studio.convert.mapping.convert import convert
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from studio.engine.media import VideoFileClip, write_video
from tests.convert.test_comfy_heldout14_mends import _fun_control, _params, _said


def _chain(conv) -> list[str]:
    """The Studio node types from the Load Video to the generator's control clip, in order."""
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id.startswith("video_models.") and n.type_id != "video_models.load")
    port = next(p for p in ("control", "video", "source") if g.input_link(gen.id, p) is not None)
    nid, out = g.input_link(gen.id, port).src, []
    while nid is not None:
        out.insert(0, g.nodes[nid].type_id)
        link = g.input_link(nid, "video") if "video" in [i.name for i in g.nodes[nid].spec.inputs] else None
        nid = link.src if link is not None else None
    return out


def test_a_forced_rate_is_a_frame_rate_keeping_the_duration_before_the_trim_of_its_picks():
    conv = convert(_fun_control({"force_rate": 16, "frame_load_cap": 20, "skip_first_frames": 10,
                                 "select_every_nth": 2}), "forced.json")
    assert _chain(conv) == ["io.load_video", "edit.frame_rate", "transform.trim"]
    assert _params(conv, "edit.frame_rate") == [{"fps": 16.0, "keep": "duration"}]
    assert _params(conv, "transform.trim") == [{"start": 10, "end": 50, "step": 2}]
    said = _said(conv)
    assert ("'VHS_LoadVideo' (VHS_LoadVideo, #4) reads 'dance.mp4' at 16 fps over the file's own duration (frames "
            "dropped or repeated by time, each the first at or after its time) and picks frames 10 to 49, every 2 of "
            "those: Studio's Frame Rate (keep: duration) and Trim after its Load Video make the same frames") in said
    assert "not applied" not in said and "force_rate" not in said
    assert ("the sound of 'VHS_LoadVideo' (VHS_LoadVideo, #4) is seconds 0.625 to 3.125 of its file, the time of "
            "the frames it picks") in said  # muxed: 10 frames at 16 fps skipped, 20 x 2 kept


def test_a_forced_rate_alone_is_the_frame_rate_alone():
    conv = convert(_fun_control({"force_rate": 12.5, "frame_load_cap": 0, "skip_first_frames": 0,
                                 "select_every_nth": 1}), "rate.json")
    assert _chain(conv) == ["io.load_video", "edit.frame_rate"]
    assert _params(conv, "edit.frame_rate") == [{"fps": 12.5, "keep": "duration"}]
    assert ("(VHS_LoadVideo, #4) reads 'dance.mp4' at 12.5 fps over the file's own duration (frames dropped or "
            "repeated by time, each the first at or after its time): Studio's Frame Rate (keep: duration) after its "
            "Load Video reads it the same way") in _said(conv)


def test_a_rate_not_known_when_converting_or_another_loaders_rule_is_left_said():
    wired = _fun_control({"frame_load_cap": 20, "skip_first_frames": 0, "select_every_nth": 1})
    wired["4"]["inputs"]["force_rate"] = ["20", 0]
    wired["20"] = {"class_type": "InventedRateNode", "inputs": {"seed": 3}}
    conv = convert(wired, "wired.json")
    assert _chain(conv) == ["io.load_video"] and not _params(conv, "transform.trim")  # nothing guessed
    assert "frame_load_cap 20: not applied" in _said(conv)
    assert "gives 'VHS_LoadVideo' (#4)'s 'force_rate' a value Studio cannot work out when converting" in _said(conv)
    # (the FFmpeg loaders' rule, ffmpeg's fps filter: made since rate3, tests/convert/test_comfy_loader_time.py)


def test_the_converted_chain_run_on_a_written_file_gives_the_frames_videohelpersuite_loads(tmp_path):
    levels = np.linspace(0.0, 1.0, 30, dtype=np.float32)
    write_video(str(tmp_path / "clip.mkv"), ArrayClip(np.broadcast_to(levels[:, None, None, None], (30, 8, 8, 3))
                                                      .copy(), 24.0), codec="ffv1")
    wf = {"1": {"class_type": "VHS_LoadVideoPath", "inputs": {
              "video": "clip.mkv", "force_rate": 16, "custom_width": 0, "custom_height": 0, "frame_load_cap": 5,
              "skip_first_frames": 2, "select_every_nth": 2}},
          "2": {"class_type": "VHS_VideoCombine", "inputs": {
              "images": ["1", 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": "again",
              "format": "video/h264-mp4", "pingpong": False, "save_output": True}}}
    conv = convert(wf, "run.json")
    conv.graph.base_dir = str(tmp_path)
    trim = next(nid for nid, n in conv.graph.nodes.items() if n.type_id == "transform.trim")
    clip = Executor().run(conv.graph, targets=[trim], device="cpu", use_cache=False).value(trim, "video")
    decoded = np.stack(list(VideoFileClip(str(tmp_path / "clip.mkv"))))
    want = decoded[forced_picks(30, 24.0, 16.0)][2:12:2]  # 20 frames at 16 fps, skip 2, every 2nd, 5 of them
    assert (clip.n_frames, clip.fps) == (5, 8.0)
    np.testing.assert_array_equal(clip.chunk(0, 5), want)


def test_a_loader_read_by_a_utility_alone_keeps_its_rate_and_picks():
    """A Load Video -> RIFE -> Video Combine (no model): the loader's rate and cap were neither made nor said there."""
    wf = {"1": {"class_type": "VHS_LoadVideo", "inputs": {
              "video": "a.mp4", "force_rate": 16, "custom_width": 0, "custom_height": 0, "frame_load_cap": 20,
              "skip_first_frames": 0, "select_every_nth": 1}},
          "2": {"class_type": "RIFE VFI", "inputs": {
              "frames": ["1", 0], "ckpt_name": "rife49.pth", "clear_cache_after_n_frames": 10, "multiplier": 2,
              "fast_mode": True, "ensemble": True, "scale_factor": 1.0}},
          "3": {"class_type": "VHS_VideoCombine", "inputs": {
              "images": ["2", 0], "frame_rate": 32, "loop_count": 0, "filename_prefix": "x",
              "format": "video/h264-mp4", "pingpong": False, "save_output": True}}}
    conv = convert(wf, "rife.json")
    g = conv.graph
    interp = next(nid for nid, n in g.nodes.items() if n.type_id == "motion.interpolate")
    before = g.nodes[g.input_link(interp, "video").src]
    assert before.type_id == "transform.trim" and before.params == {"start": 0, "end": 20, "step": 1}
    assert _params(conv, "edit.frame_rate")[0] == {"fps": 16.0, "keep": "duration"}
    assert "(VHS_LoadVideo, #1) reads 'a.mp4' at 16 fps" in "\n".join(conv.log)
