"""The LTX-2.3 Foley pack's window loop read onto LTX-2 Sound for Clip's windows (comfy_foley_loop.py; held-out
102/03's chain, tests/convert/test_comfy_foley22.py): a latent maker scoring fewer frames of each window than the plan
cuts is said, a plan's length given by a node Studio cannot work out is said (the node's default used), and windows
whose sounds are not written to files of their own say nothing of such files."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_foley22 import FOLEY, _doc


def test_a_latent_maker_scoring_less_than_the_plans_window_is_said():
    conv = convert(_doc(**{"13": {"frames": 121}}), "w.json")
    [gen] = nodes_of(conv, FOLEY)
    assert gen.params["window_frames"] == 145
    assert "LTXFoleyVideoToAudioLatent's frames 121 (the frames it scores of each window: LTX-2 Sound for Clip scores " \
           "whole windows of the plan's window_frames) is not taken" in said(conv)


def test_a_plan_length_not_worked_out_and_windows_not_saved_are_said_as_they_are():
    doc = _doc(**{"23": {"save_audio": False}})
    doc["30"] = {"class_type": "LTXFoleyTrimImages", "inputs": {"images": ["2", 0], "frame_rate": 25, "frames": 89}}
    doc["9"]["inputs"]["window_frames"] = ["30", 5]  # (no such output: nothing Studio can work out)
    conv = convert(doc, "w.json")
    text = said(conv)
    [gen] = nodes_of(conv, FOLEY)
    assert gen.params["window_frames"] == 257 and gen.params["overlap"] == 0.5
    assert "(LTXFoleyWindowPlan, #9)'s window_frames is given by a node Studio cannot work out when converting: LTX-2 " \
           "Sound for Clip's own default is used" in text
    assert "WAV file of its own" not in text
