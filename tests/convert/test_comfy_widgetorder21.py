"""Issue 112, widgetorder21: a UI node's values saved in another version's order, named by place against the
catalogued declaration, were said under the wrong settings (loop21: mickeylan's comfyui-video-split example saves
VideoHelperSuite's Video Combine as ["output_video.mp4", 24, "libx264", "medium", "crf", 23] - the file name, the
rate, the codec... - and the "not converted" note said frame_rate "output_video.mp4", loop_count 24). Values that do
not fit the declared types (a text on the FLOAT frame_rate) are said by place, their names not known; values that
fit keep their names. The workflow is written here from the facts (the pack's declared inputs)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.said import said

OLD_ORDER = ["output_video.mp4", 24, "libx264", "medium", "crf", 23]
NEW_ORDER = [8, 0, "take", "video/h264-mp4", False, True]


def _doc(values: list) -> dict:
    """A Video Combine whose pictures come from no node (its link names none, as in the example): not converted."""
    return {"nodes": [{"id": 8, "type": "VHS_VideoCombine", "mode": 0, "widgets_values": values,
                       "inputs": [{"name": "images", "type": "IMAGE", "link": None}], "outputs": []}],
            "links": []}


def test_values_of_another_order_are_said_by_place():
    n = Workflow.read(_doc(OLD_ORDER)).nodes["8"]
    assert n.misnamed
    assert n.settings() == {f"#{i}": v for i, v in enumerate(OLD_ORDER)}
    text = said(convert(_doc(OLD_ORDER), "split"))
    assert "VHS_VideoCombine, #8" in text and "#0 output_video.mp4, #1 24, #2 libx264" in text
    assert "another version's" in text
    assert "frame_rate output_video.mp4" not in text and "loop_count 24" not in text


def test_values_that_fit_keep_their_names():
    n = Workflow.read(_doc(NEW_ORDER)).nodes["8"]
    assert not n.misnamed
    assert n.settings()["frame_rate"] == 8 and n.settings()["filename_prefix"] == "take"
    text = said(convert(_doc(NEW_ORDER), "split"))
    assert "frame_rate 8" in text and "another version's" not in text


def test_the_not_converted_note_lists_them_by_place():
    """The example's shape: the Video Combine fed by Easy-Use's loop start (no pictures Studio reads): listed in the
    note of nodes not converted, its values by place."""
    doc = _doc(OLD_ORDER)
    doc["nodes"].insert(0, {"id": 3, "type": "easy forLoopStart", "mode": 0, "widgets_values": None, "inputs": [],
                            "outputs": [{"name": "flow", "type": "FLOW_CONTROL", "links": [1]}]})
    doc["nodes"][1]["inputs"][0]["link"] = 1
    doc["links"] = [[1, 3, 0, 8, 0, "IMAGE"]]
    text = said(convert(doc, "split"))
    assert '(VHS_VideoCombine, #8): {"#0": "output_video.mp4", "#1": 24' in text and "another version's" in text
    assert '"frame_rate": "output_video.mp4"' not in text and '"loop_count": 24' not in text
