"""Wording mends of the tenth stop's read-through: a sampling note says each shift once as it is shown (two experts'
ModelSamplingSD3 of 8 and of 8.000000000000002 are 'shift 8', not 'shift 8, 8': heldout36's wan2.2-runpod); a picture
made from settings and a wired value is not said made 'from its settings alone' (heldout29's xx.json)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import notes
from tests.convert.workflow_shapes import wan_a14b_split


def test_shifts_shown_alike_are_said_once():
    wf = wan_a14b_split()
    wf["41"] = {"class_type": "ModelSamplingSD3", "inputs": {"shift": 8, "model": ["37", 0]}}
    wf["42"] = {"class_type": "ModelSamplingSD3", "inputs": {"shift": 8.000000000000002, "model": ["56", 0]}}
    wf["30"]["inputs"]["model"] = ["41", 0]
    wf["33"]["inputs"]["model"] = ["42", 0]
    wf["9"] = {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 16, "loop_count": 0, "filename_prefix": "t",
                                                            "format": "video/h264-mp4", "save_output": True,
                                                            "images": ["8", 0]}}
    text = notes(convert(wf, "shifts.json"))
    line = next(x for x in text.splitlines() if x.startswith("- shift "))
    assert line.startswith("- shift 8 (") and "8, 8" not in line


def test_a_picture_made_from_settings_and_a_wired_value_is_not_said_made_from_settings_alone():
    """An EmptyImage whose width another node gives, feeding a node Studio does not convert: it makes its picture
    from its settings and what is wired to its 'width', not 'from its settings alone' (readers7 saw the false words
    in heldout29's xx.json, a temp-image reader whose path is wired)."""
    from tests.convert.said import api, said
    wf = api({"9": ("CLIPLoader", {"clip_name": "a.safetensors", "type": "wan"}),
              "1": ("CLIPTextEncode", {"text": "x", "clip": ["9", 0]}),
              "7": ("SomeUnknownInt", {"x": 3}),
              "2": ("EmptyImage", {"width": ["7", 0], "height": 512, "batch_size": 1, "color": 0}),
              "3": ("SomethingUnknown", {"images": ["2", 0]})})
    text = said(convert(wf, "t.json"))
    assert "(EmptyImage, #2) makes 'SomethingUnknown' (SomethingUnknown, node 3)'s 'images' from its settings and " \
           "what is wired to its 'width': not made by Studio" in text
    assert "from its settings alone" not in text
