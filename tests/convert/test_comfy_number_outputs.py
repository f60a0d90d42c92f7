"""A constant giving its one number as each number type (WAS Suite's 'Constant Number', by its declared types):
heldout19 10's SVD fps 6 was "a value Studio cannot work out"."""
from __future__ import annotations

import pytest

from studio.convert.reading.number_outputs import number_out
from studio.convert.reading.workflow import CNode, Workflow


def _const(pick="integer", number=6.7, text=""):
    return CNode("1", "Constant Number", widgets={"number_type": pick, "number": number, "number_as_text": text},
                 out_types=["NUMBER", "FLOAT", "INT"])


@pytest.mark.parametrize("pick, slot, want", [("integer", 0, 6), ("integer", 1, 6.7), ("integer", 2, 6),
                                               ("float", 0, 6.7), ("float", 2, 6)])
def test_each_output_is_the_number_as_its_type(pick, slot, want):
    got = number_out(_const(pick), slot)
    assert got == want and type(got) is type(want)


def test_a_text_in_place_of_the_number_or_a_truth_of_it_is_not_worked_out():
    assert number_out(_const(text="12"), 2) is None
    assert number_out(_const(pick="bool"), 2) is None
    wired = _const()
    wired.links = {"number_as_text": ("9", 0)}
    assert number_out(wired, 2) is None


def test_another_node_of_number_outputs_is_not_read_as_a_constant():
    """A node whose name does not say it gives a value (a counter, an operation) is left to its own rules."""
    op = CNode("2", "Number Operation", widgets={"number_a": 1, "number_b": 2, "operation": "addition"},
               out_types=["NUMBER", "FLOAT", "INT"])
    assert number_out(op, 2) is None


def test_the_workflow_reads_a_setting_wired_to_its_int_output():
    const = _const(number=6)
    svd = CNode("2", "SVD_img2vid_Conditioning", links={"fps": ("1", 2)}, in_types={"fps": "INT"},
                widgets={"width": 1024, "height": 576, "video_frames": 25, "motion_bucket_id": 30,
                         "augmentation_level": 0.03})
    wf = Workflow({"1": const, "2": svd}, "ui")
    assert wf.value(svd, "fps") == 6
