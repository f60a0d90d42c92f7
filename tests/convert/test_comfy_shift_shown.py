"""The shift line of a sampling note says each shift once as it is shown: two experts' ModelSamplingSD3 of 8 and of
8.000000000000002 (a value a math node worked out) are 'shift 8', not 'shift 8, 8' (heldout36's wan2.2-runpod)."""
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
