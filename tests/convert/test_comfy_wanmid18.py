"""The Wan22FMLF pack's WanAdvancedI2V middle picture (heldout78 06, '无限三图续杯'; branch wanmid18): read as Image to
Video's 'middle_image' at the pack's frame (middle_frame_ratio of the length, rounded down to a multiple of 4, kept in
4 .. length - 5) with its high- and low-noise mid strengths per expert; its UI values read by place for the pack's
layouts; left said, with why, where Studio's condition cannot be the pack's. Small workflows built here."""
from __future__ import annotations

import copy

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan21_i2v_base
from tests.convert.said import said

from nodes.video_models.families.wan import comfy_middle

BASE = wan21_i2v_base({"6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer turns", "clip": ["2", 0]}}})


def _take(**over) -> dict:
    """WanAdvancedI2V (#52) 832x480, 81 frames, 'start.png' (#5), 'middle.png' (#56), 'end.png' (#55) into one
    KSampler, decoded and saved."""
    d = copy.deepcopy(BASE)
    d.update({
        "55": {"class_type": "LoadImage", "inputs": {"image": "end.png"}},
        "56": {"class_type": "LoadImage", "inputs": {"image": "middle.png"}},
        "52": {"class_type": "WanAdvancedI2V", "inputs": {
            "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], "start_image": ["5", 0],
            "middle_image": ["56", 0], "end_image": ["55", 0], "width": 832, "height": 480, "length": 81,
            "batch_size": 1, "mode": "NORMAL", "middle_frame_ratio": 0.3, "long_video_mode": "DISABLED",
            "high_noise_mid_strength": 0.6, "low_noise_mid_strength": 0.0, **over}},
        "53": {"class_type": "KSampler", "inputs": {
            "seed": 7, "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0,
            "model": ["1", 0], "positive": ["52", 0], "negative": ["52", 2], "latent_image": ["52", 3]}},
        "54": {"class_type": "VAEDecode", "inputs": {"samples": ["53", 0], "vae": ["3", 0]}},
        "70": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["54", 0]}},
        "71": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "mid", "format": "auto", "codec": "auto",
                                                     "video": ["70", 0]}}})
    return d


def _gen(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")


def test_the_middle_picture_is_image_to_videos_with_its_frame_and_strengths_per_expert():
    conv = convert(_take(), "mid")
    g = conv.graph
    assert g.validate() == []
    gen = _gen(conv)
    assert (gen.params["middle_frame"], gen.params["middle_strength"], gen.params["middle_strength_2"]) == (24, 0.6,
                                                                                                            0.0)
    up = g.nodes[g.input_link(gen.id, "middle_image").src]  # int(81 * 0.3) = 24: a multiple of 4 already
    assert up.params.get("path", "").endswith("middle.png") or "middle.png" in str(up.params)
    assert g.input_link(gen.id, "last_image") is not None
    text = said(conv)
    assert ("'WanAdvancedI2V' (WanAdvancedI2V, #52)'s middle_image 'LoadImage' (LoadImage, #56: 'middle.png') is read "
            "as Image to Video's middle picture at frame 24 (middle_frame_ratio 0.3 of 81 frames, as the pack aligns "
            "it), held with strength 0.6 by the high-noise expert and 0 by the low-noise one (its condition encoded "
            "without the picture, as the pack's)") in text
    assert "is not taken: Wan's first-and-last-frame" not in text
    assert "other settings" not in text  # (every setting read: none said left)


@pytest.mark.parametrize("over, why", [
    ({"low_noise_end_strength": 0.5}, "its low_noise_end_strength 0.5 (Studio holds the first and last pictures "
                                      "whole)"),
    ({"mode": "SINGLE_PERSON"}, "its mode 'SINGLE_PERSON' conditions the low-noise expert on the start picture alone"),
    ({"enable_middle_frame": False}, "its enable_middle_frame is off (the pack leaves it out)"),
    ({"long_video_mode": "SVI"}, "its long_video_mode 'SVI' makes another condition")])
def test_where_the_condition_cannot_be_the_packs_the_middle_picture_is_said_with_why(over, why):
    conv = convert(_take(**over), "mid")
    gen = _gen(conv)
    assert conv.graph.input_link(gen.id, "middle_image") is None
    assert gen.params.get("middle_frame", 0) == 0  # (nothing carried: Studio's default)
    assert f"#56: 'middle.png') is not taken: {why}" in said(conv)


def test_the_ui_values_are_read_by_place_for_each_layout():
    from studio.convert.reading.workflow import CNode
    nov = [81, 81, 1, 1, "NORMAL", 0.5, 0.8, "AUTO_CONTINUE", 1, 0.51, 1, 0, 1, True]  # 78/06's (b57b723's order)
    got, places = comfy_middle.read(CNode("1", "WanAdvancedI2V", raw=nov, links={"video_frame_offset": ("9", 0)}))
    assert (got["middle_frame_ratio"], got["high_noise_mid_strength"], got["low_noise_mid_strength"]) == (0.5, 0.51, 0)
    assert got["enable_middle_frame"] is True and places == {4, 5, 6, 9, 10, 11, 12, 13}  # (6: the linked offset's)
    now = [832, 480, 81, 1, "NORMAL", 0.4, 0, "DISABLED", 5, 1.0, 0.7, 1.0, 0.3, 1.0, 1.0, True, False, True, 1.0]
    got, _ = comfy_middle.read(CNode("1", "WanAdvancedI2V", raw=now))
    assert (got["high_noise_mid_strength"], got["low_noise_mid_strength"], got["enable_middle_frame"]) == (0.7, 0.3,
                                                                                                             False)
    assert comfy_middle.read(CNode("1", "WanAdvancedI2V", raw=[832, 480, 81, 1, "NORMAL"])) is None
    assert comfy_middle.frame(0.5, 81) == 40 and comfy_middle.frame(0.99, 81) == 76 and comfy_middle.frame(0, 33) == 4


def test_first_middle_last_frame_to_video_ui_values_by_place():
    """The pack's WanFirstMiddleLastFrameToVideo (its Nov 2025 layout: mode, ratio, 4 strengths), UI values."""
    from studio.convert.reading.workflow import CNode
    got, places = comfy_middle.read(CNode("1", comfy_middle.FMLF,
                                          raw=[832, 480, 81, 1, "NORMAL", 0.34, 0.8, 1, 0.2, 1]))
    assert (got["middle_frame_ratio"], got["high_noise_mid_strength"], got["low_noise_mid_strength"]) == (0.34, 0.8,
                                                                                                            0.2)
    assert comfy_middle.why_not(got) == "" and places == set(range(4, 10))
    single, _ = comfy_middle.read(CNode("1", comfy_middle.FMLF, raw=[704, 1280, 81, 1, "SINGLE_PERSON", 0.5, 0.6, 1,
                                                                      0.16, 1]))
    assert "SINGLE_PERSON" in comfy_middle.why_not(single)
    assert comfy_middle.read(CNode("1", comfy_middle.FMLF, raw=[480, 832, 81, 1, 0.47, 0.6, 0.18])) is None  # (Oct)


def test_first_middle_last_frame_to_video_api_takes_its_middle_too():
    d = _take()
    d["52"]["class_type"] = comfy_middle.FMLF
    for k in ("long_video_mode",):
        del d["52"]["inputs"][k]
    conv = convert(d, "fmlf")
    gen = _gen(conv)
    assert conv.graph.input_link(gen.id, "middle_image") is not None
    assert (gen.params["middle_frame"], gen.params["middle_strength"], gen.params["middle_strength_2"]) == (24, 0.6,
                                                                                                            0.0)
