"""Task webm25: a WEBM's save given a sound (Video Combine 'video/webm' with its 'audio') writes it: the sound wired
into Save Animation's 'audio' (Opus), no "without it" line; a GIF's sound is not made (no dangling Load Audio / Audio
Trim) and said not written."""
from __future__ import annotations

import json
import os

from studio.convert.mapping.convert import convert
from tests.convert.said import said

DATA = os.path.join(os.path.dirname(__file__), "data", "wan21_t2v_api.json")


def _wan(fmt: str) -> dict:
    with open(DATA, encoding="utf-8") as f:
        d = json.load(f)
    d["12"] = {"class_type": "VHS_VideoCombine", "inputs": {
        "images": ["11", 0], "audio": ["20", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "fox",
        "format": fmt, "crf": 30, "pingpong": False, "save_output": True}}
    d["20"] = {"class_type": "LoadAudio", "inputs": {"audio": "music.wav"}}
    return d


def _one(conv, kind: str):
    (node,) = [n for n in conv.graph.nodes.values() if n.type_id == kind]
    return node


def test_a_webm_combine_given_a_sound_wires_it_into_save_animation():
    conv = convert(_wan("video/webm"), "webm")
    save, sound = _one(conv, "io.save_animation"), _one(conv, "io.load_audio")
    assert save.params["path"].endswith("fox.webm") and save.params["crf"] == 30
    link = conv.graph.input_link(save.id, "audio")
    assert link is not None and link.src == sound.id and sound.params["path"].endswith("music.wav")
    text = said(conv)
    assert "without it" not in text and "cannot hold" not in text
    assert "is written with the video, as 'VHS_VideoCombine' (#12) muxes it: Save Animation's 'audio'" in text


def test_a_gif_combine_given_a_sound_makes_no_sound_and_says_so():
    conv = convert(_wan("image/gif"), "gif")
    save = _one(conv, "io.save_animation")
    assert conv.graph.input_link(save.id, "audio") is None
    assert not [n for n in conv.graph.nodes.values() if n.type_id in ("io.load_audio", "edit.audio_trim")]
    text = said(conv)
    assert "'VHS_VideoCombine' (VHS_VideoCombine, #12) is given a sound, which an animated GIF cannot hold" in text
    assert "muxes it" not in text and "Save Animation's 'audio'" not in text


def test_a_core_savewebm_after_a_take_with_sound_writes_none_as_comfyui():
    from tests.convert.test_comfy_heldout7_mends import _ltx2_two_pass
    doc = _ltx2_two_pass(False)
    doc["30"] = {"class_type": "SaveWEBM", "inputs": {"images": ["27", 0], "filename_prefix": "ltx2", "codec": "vp9",
                                                      "fps": 25, "crf": 32}}
    doc.pop("29")  # (no CreateVideo: SaveWEBM takes the pictures alone, no sound)
    conv = convert(doc, "t.json")
    save, mute = _one(conv, "io.save_animation"), _one(conv, "edit.replace_audio")
    assert conv.graph.input_link(save.id, "video").src == mute.id and conv.graph.input_link(save.id, "audio") is None
    assert conv.graph.input_link(mute.id, "audio") is None  # no sound: the take's is taken off
    text = said(conv)
    assert "'SaveWEBM' (SaveWEBM, #30) takes no sound): Replace Audio with no sound goes before Save Animation" in text
