"""File loaders naming their file by a typed path (a STRING setting, not an upload list), read by their declared
types (task paths16): a pack's path loader as Studio's loader of its file, its frames and sound by its declared
outputs; a path left empty or wired from a node that makes it when the workflow runs, said; a second preview of one
loaded clip made beside the first (VideoHelperSuite's audio.json). Minimal workflows built here."""
from __future__ import annotations

from studio.convert import catalogue
from studio.convert.mapping import passing
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.said import api, nodes_of, said, source_of

COMBINE = {"frame_rate": 8, "loop_count": 0, "filename_prefix": "clip", "format": "video/h264-mp4",
           "pix_fmt": "yuv420p", "crf": 19, "save_metadata": True, "pingpong": False, "save_output": True}
VHS_PATH = {"force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0, "skip_first_frames": 0,
            "select_every_nth": 1}
TS_LOADER = {"source_path": "/data/clips/walk.mp4", "start_seconds": 0.0, "end_seconds": -1.0, "frame_rate": 0.0,
             "max_frames": 0, "longer_side": 0, "shorter_side": 0, "divisible_by": 1, "frame_step": 1,
             "resize_filter": "area", "when_too_large": "stop"}


def test_a_path_loader_is_told_by_its_declared_path_setting_and_its_types():
    kind = catalogue.loader_kind
    assert kind(catalogue.node_type("TS_VideoLoader")) == "video"  # 'source_path', a 'Loader' giving IMAGE and AUDIO
    assert catalogue.file_input(catalogue.node_type("TS_VideoLoader")).name == "source_path"
    assert kind(catalogue.node_type("WANLoadVideo")) == "video"  # its 'path', its type's name saying video
    assert kind(catalogue.node_type("TS_SAM_MediaLoader")) is None  # it also takes a model: a segmenter, not a loader
    assert kind(catalogue.node_type("VHS_LoadVideoPath")) == "video"  # (the pack's own, as before)


def test_a_packs_path_video_loader_gives_its_frames_and_sound_by_its_declared_outputs():
    conv = convert(api({"1": ("TS_VideoLoader", {**TS_LOADER, "start_seconds": 2.0}),
                        "2": ("VHS_VideoCombine", {**COMBINE, "images": ["1", 0], "audio": ["1", 1]})}), "ts.json")
    text = said(conv)
    load, = nodes_of(conv, "io.load_video")
    save, = nodes_of(conv, "io.save_video")
    assert load.params["path"] == "/data/clips/walk.mp4"
    assert source_of(conv, save.id, "audio").id == load.id  # its AUDIO (slot 1) is the clip's sound
    assert "start_seconds 2.0 is not applied" in text and "(TS_VideoLoader, #1)" in text
    assert "does not give" not in text  # (its settings were given: not said missing after it was read as VHS's)
    assert "not converted (listed" not in text


def test_a_path_setting_naming_a_folder_or_left_empty():
    folder = convert(api({"1": ("WANLoadVideo", {"path": "renders/take1/", "frame_load_cap": 0,
                                                 "skip_first_frames": 0, "select_every_nth": 1, "target_fps": 0.0}),
                          "2": ("VHS_VideoCombine", {**COMBINE, "images": ["1", 0]})}), "folder.json")
    assert not nodes_of(folder, "io.load_video")  # a folder is not read as one clip
    empty = convert(api({"1": ("TS_VideoLoader", {**TS_LOADER, "source_path": ""}),
                         "2": ("VHS_VideoCombine", {**COMBINE, "images": ["1", 0], "audio": ["1", 1]})}), "e.json")
    load, = nodes_of(empty, "io.load_video")
    assert load.params["path"] == ""
    assert "'TS_VideoLoader' (TS_VideoLoader, #1) names no file: set Load Video's 'path'" in said(empty)


def test_a_path_made_when_the_workflow_runs_is_said_and_its_loader_made():
    conv = convert(api({"5": ("VHS_SelectFilename", {"filenames": ["9", 0], "index": -1}),
                        "9": ("VHS_VideoCombine", {**COMBINE, "images": ["8", 0]}),
                        "8": ("LoadImage", {"image": "a.png"}),
                        "1": ("VHS_LoadVideoPath", {**VHS_PATH, "video": ["5", 0]}),
                        "2": ("VHS_VideoCombine", {**COMBINE, "filename_prefix": "copy", "images": ["1", 0]})}),
                   "wired.json")
    text = said(conv)
    assert any(n.params["path"] == "" for n in nodes_of(conv, "io.load_video"))
    assert "'VHS_LoadVideoPath' (VHS_LoadVideoPath, #1)'s video is given by 'VHS_SelectFilename' " \
           "(VHS_SelectFilename, #5) when the workflow runs" in text
    assert "set Load Video's 'path'" in text
    assert "out/copy.mp4" in [n.params["path"] for n in nodes_of(conv, "io.save_video")]


def test_two_previews_of_one_loaded_clip_each_made_with_its_own_sound_and_file():
    # VideoHelperSuite's audio.json's shape: one clip by path previewed twice, with its own sound and a VHS_LoadAudio's
    preview = {**COMBINE, "save_output": False, "filename_prefix": "AnimateDiff"}
    conv = convert(api({"4": ("VHS_LoadVideoPath", {**VHS_PATH, "video": "input/bunny.mp4"}),
                        "7": ("VHS_LoadAudio", {"audio_file": "input/bunny.mp4", "seek_seconds": 0, "duration": 5}),
                        "5": ("VHS_VideoCombine", {**preview, "images": ["4", 0], "audio": ["4", 2]}),
                        "6": ("VHS_VideoCombine", {**preview, "images": ["4", 0], "audio": ["7", 0]})}), "audio.json")
    saves = nodes_of(conv, "io.save_video")
    assert len(saves) == 2
    assert sorted(n.params["path"] for n in saves) == ["out/AnimateDiff.mp4", "out/AnimateDiff_2.mp4"]
    sound, = nodes_of(conv, "io.load_audio")
    assert sound.params["path"] == "input/bunny.mp4"
    assert len(nodes_of(conv, "io.load_video")) == 1  # one loader, read by both
    assert "not converted (listed" not in said(conv)
    assert "(#6) writes its video as 'out/AnimateDiff_2.mp4'" in said(conv)


def test_a_measure_of_a_made_clip_before_a_step_not_applied_is_said_not_listed():
    # heldout34's shape: a loaded clip measured, its count cutting it by a VHS_SplitImages (not applied) on its way to
    # the generator's encode (read), the split's other half to a debug print Studio does not convert
    doc = api({"1": ("VHS_LoadVideoPath", {**VHS_PATH, "video": "in.mp4"}),
               "2": ("GetImageSizeAndCount", {"image": ["1", 0]}),
               "3": ("SimpleMath+", {"value": "a - ((a - 1) % 4)", "a": ["2", 3]}),
               "4": ("VHS_SplitImages", {"images": ["2", 0], "split_index": ["3", 0]}),
               "5": ("ConsoleDebug+", {"prefix": "b", "value": ["4", 3]}),
               "6": ("HyVideoEncode", {"image": ["4", 0], "vae": ["7", 0]}),
               "7": ("HyVideoVAELoader", {"model_name": "v.safetensors"})})
    over = passing.passed_over(Workflow.read(doc), {"1", "6", "7"})
    assert over["2"].startswith("'GetImageSizeAndCount' (GetImageSizeAndCount, #2) gives ")
    assert "the pictures it is given on its 'image' as they are and what it measures of them: its count, not known" \
           in over["2"]
    # where its pictures reach nothing Studio makes (the encode not made either), the chain stays listed
    assert "2" not in passing.passed_over(Workflow.read(doc), {"1"})
