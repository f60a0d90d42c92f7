"""VideoHelperSuite's file loaders and Video Combine with no model between them (a clip loaded and written again:
the pack's own test workflows) converted node for node (studio/convert/finishing/core.py): Load Video -> Frame Rate
-> Save Video, what Studio does not apply of the loader and the combine said; a combine fed a rate worked out when
the workflow runs is left to the other stages (listed)."""
from __future__ import annotations

import cv2
import numpy as np

from studio.convert.mapping.convert import convert
from studio.engine.executor import Executor


def _clip(path, frames: int = 6, fps: float = 24.0) -> None:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (16, 16))
    for i in range(frames):
        w.write(np.full((16, 16, 3), i * 30, np.uint8))
    w.release()


def _wf(**combine) -> dict:
    return {"1": {"class_type": "VHS_LoadVideoPath", "inputs": {
                "video": "clip.mp4", "force_rate": 8, "custom_width": 0, "custom_height": 0, "frame_load_cap": 4,
                "skip_first_frames": 0, "select_every_nth": 1}},
            "2": {"class_type": "VHS_VideoCombine", "inputs": {
                "images": ["1", 0], "audio": ["1", 2], "frame_rate": 12, "loop_count": 0, "filename_prefix": "again",
                "format": "image/gif", "pingpong": True, "save_output": True, **combine}}}


def test_a_clip_loaded_and_combined_again_is_load_video_frame_rate_save_video(tmp_path):
    _clip(tmp_path / "clip.mp4")
    c = convert(_wf(), "vhs")
    types = sorted(n.type_id for n in c.graph.nodes.values())
    assert types == ["edit.audio_trim", "edit.frame_rate", "edit.frame_rate", "io.load_video", "io.save_animation",
                     "transform.trim"]  # (anim25: the combine's GIF written as a GIF; was an MP4)
    assert not c.dropped
    by_type = {n.type_id: (nid, n) for nid, n in c.graph.nodes.items()}
    assert by_type["io.load_video"][1].params["path"] == "clip.mp4"
    forced, combined = sorted((n for n in c.graph.nodes.values() if n.type_id == "edit.frame_rate"),
                              key=lambda n: n.params["keep"])
    assert (forced.params["fps"], forced.params["keep"], combined.params["fps"]) == (8, "duration", 12)
    assert by_type["io.save_animation"][1].params["path"] == "out/again.gif"
    save = by_type["io.save_animation"][0]
    assert not [lk for lk in c.graph.links if lk.dst == save and lk.dst_port == "audio"]  # a GIF holds no sound
    assert by_type["edit.audio_trim"][1].params == {"start": 0.0, "end": 0.5, "unit": "seconds"}
    log = "\n".join(c.log)
    assert "reads 'clip.mp4' at 8 fps over the file's own duration" in log and "picks frames 0 to 3 of those" in log
    assert "not applied" not in log.replace("pingpong not applied", "")  # the loader's rate and cap both made
    assert ("the sound of 'VHS_LoadVideoPath' (VHS_LoadVideoPath, #1) is seconds 0 to 0.5 of its file, the time of "
            "the frames it picks: Studio's Audio Trim after its Load Video keeps the same seconds") in log
    assert "is given a sound, which an animated GIF cannot hold" in log and "pingpong not applied" in log
    c.graph.base_dir = str(tmp_path)
    out = Executor().run(c.graph, targets=[combined.id], device="cpu", use_cache=False)
    clip = out.value(combined.id, "video")
    assert clip.fps == 12 and clip.n_frames == 2  # 6 frames at 24 fps read at 8: frames 0 and 3 (the cap 4 not met)


def test_an_h264_combine_says_nothing_of_its_format_and_a_wired_rate_is_the_clips_own_or_left_listed():
    c = convert(_wf(format="video/h264-mp4", pingpong=False), "vhs")
    assert "written as an MP4" not in "\n".join(c.log) and "pingpong" not in "\n".join(c.log)
    wired = _wf()
    wired["1"]["inputs"]["force_rate"] = 0  # the file read at its own rate
    wired["3"] = {"class_type": "VHS_VideoInfoSource", "inputs": {"video_info": ["1", 3]}}
    wired["2"]["inputs"]["frame_rate"] = ["3", 0]  # the loaded file's own rate
    c = convert(wired, "vhs")
    rate = next(n for n in c.graph.nodes.values() if n.type_id == "edit.frame_rate")
    assert rate.params["fps"] == 0 and not c.dropped and "cannot work out" not in "\n".join(c.log)  # 0: the clip's own
    wired["1"]["inputs"]["force_rate"] = 8  # forced: the source's rate is no longer the clip's, the loaded one is
    assert not convert(wired, "vhs").graph.nodes
    wired["3"]["class_type"] = "VHS_VideoInfoLoaded"
    c = convert(wired, "vhs")
    assert [n.params["fps"] for n in c.graph.nodes.values() if n.type_id == "edit.frame_rate"] == [8, 8]  # (the
    # loaded rate the forced 8 gives, worked out: values5; before, 0, the clip's own rate, the same 8 frames a second)
    wired["1"]["inputs"]["force_rate"] = 0
    wired["2"]["inputs"]["frame_rate"] = ["3", 1]  # its frame count: no rate Studio works out
    c = convert(wired, "vhs")
    assert not c.graph.nodes and "2" in c.dropped  # not a chain of Studio's: listed
