"""Task anim25: ComfyUI's SaveAnimatedWEBP / SaveAnimatedPNG and VideoHelperSuite's Video Combine at image/gif or
image/webp converted to Studio's Save Animation of that format with their settings (no more 'written as an MP4'),
a sound given to a GIF said not written; SaveWEBM a WEBM (VP9) at its crf."""
from __future__ import annotations

import json
import os

from studio.convert.mapping.convert import convert
from tests.convert.said import said

DATA = os.path.join(os.path.dirname(__file__), "data", "wan21_t2v_api.json")


def _wan(save: dict, **extra) -> dict:
    with open(DATA, encoding="utf-8") as f:
        d = json.load(f)
    d["12"] = save
    d.update(extra)
    return d


def _saves(conv, kind="io.save_animation"):
    return [n for n in conv.graph.nodes.values() if n.type_id == kind]


def _log(conv) -> str:
    return said(conv)


def test_a_generators_webp_is_written_as_a_webp_with_its_settings():
    conv = convert(_wan({"class_type": "SaveAnimatedWEBP", "inputs": {
        "filename_prefix": "fox", "fps": 16, "lossless": False, "quality": 90, "method": "slowest",
        "images": ["11", 0]}}), "webp")
    (save,) = _saves(conv)
    assert save.params["path"].endswith("fox.webp")
    assert (save.params["lossless"], save.params["quality"], save.params["method"]) == (False, 90, "slowest")
    assert not _saves(conv, "io.save_video")
    assert "MP4" not in _log(conv)


def test_an_animated_png_keeps_its_compression():
    conv = convert(_wan({"class_type": "SaveAnimatedPNG", "inputs": {
        "filename_prefix": "fox", "fps": 16, "compress_level": 7, "images": ["11", 0]}}), "apng")
    (save,) = _saves(conv)
    assert save.params["path"].endswith("fox.png") and save.params["compress_level"] == 7
    assert "MP4" not in _log(conv)


def test_a_core_chain_to_webp_sets_its_rate_and_writes_a_webp():
    prompt = {"1": {"class_type": "EmptyImage", "inputs": {"width": 32, "height": 32, "batch_size": 6, "color": 0}},
              "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
              "3": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["2", 0], "filename_prefix": "anim/x",
                                                                 "fps": 12.0, "lossless": True, "quality": 80,
                                                                 "method": "default"}}}
    conv = convert(prompt, "chain")
    (save,) = _saves(conv)
    assert save.params["path"].endswith("anim/x.webp") and save.params["lossless"] is True
    rates = [n.params.get("fps") for n in conv.graph.nodes.values() if "fps" in n.params and n is not save]
    assert 12.0 in rates  # the save's rate, set before it (Frame Rate, or the Solid Colour's own)
    assert "MP4" not in _log(conv) and "Save Video" not in _log(conv)
    assert any(line.endswith("-> Save Animation") for line in conv.log)


def test_a_gif_combine_keeps_its_loop_count_and_says_its_sound_is_not_written():
    conv = convert(_wan({"class_type": "VHS_VideoCombine", "inputs": {
        "images": ["11", 0], "audio": ["20", 0], "frame_rate": 16, "loop_count": 2, "filename_prefix": "fox",
        "format": "image/gif", "pingpong": False, "save_output": True}},
        **{"20": {"class_type": "LoadAudio", "inputs": {"audio": "music.wav"}}}), "gif")
    (save,) = _saves(conv)
    assert save.params["path"].endswith(".gif") and save.params["loop"] == 2
    said = _log(conv)
    assert "an animated GIF cannot hold" in said and "MP4" not in said


def test_a_webp_combine_is_lossless_unless_told_and_a_webm_is_a_webm():
    conv = convert(_wan({"class_type": "VHS_VideoCombine", "inputs": {
        "images": ["11", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "fox", "format": "image/webp",
        "pingpong": False, "save_output": True}}), "webp combine")
    (save,) = _saves(conv)
    assert save.params["path"].endswith(".webp") and save.params["lossless"] is True
    conv = convert(_wan({"class_type": "SaveWEBM", "inputs": {
        "images": ["11", 0], "filename_prefix": "fox", "codec": "vp9", "fps": 16, "crf": 32}}), "webm")
    (save,) = _saves(conv)
    assert save.params["path"].endswith("fox.webm") and save.params["crf"] == 32
    assert not _saves(conv, "io.save_video") and "MP4" not in _log(conv) and "crf" not in _log(conv)


def test_a_webm_asking_av1_or_a_crf_not_whole_is_said():
    conv = convert(_wan({"class_type": "SaveWEBM", "inputs": {
        "images": ["11", 0], "filename_prefix": "fox", "codec": "av1", "fps": 16, "crf": 13.3334}}), "webm")
    (save,) = _saves(conv)
    assert save.params["crf"] == 13
    said_ = _log(conv)
    assert "'SaveWEBM' (SaveWEBM, #12)'s codec 'av1' is not taken: Studio's Save Animation writes a WEBM as VP9" in said_
    assert "'SaveWEBM' (SaveWEBM, #12)'s crf 13.3334 is written as 13" in said_
