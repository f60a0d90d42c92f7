"""A save's own crf (finishing/save_quality.py): an x264 crf is set on Studio's Save Video, another encoder's crf
(VP9, H.265) is said not taken with the crf Studio writes at."""
from studio.convert.mapping.convert import convert


def _doc(fmt: str, crf) -> dict:
    return {"1": {"class_type": "LoadVideo", "inputs": {"file": "in.mp4"}},
            "2": {"class_type": "GetVideoComponents", "inputs": {"video": ["1", 0]}},
            "3": {"class_type": "VHS_VideoCombine", "inputs": {
                "images": ["2", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "out", "format": fmt,
                "pingpong": False, "save_output": True, "crf": crf}}}


def _saves(conv):
    return [n for n in conv.graph.nodes.values() if n.type_id == "io.save_video"]


def test_an_x264_crf_is_set_on_save_video():
    conv = convert(_doc("video/h264-mp4", 23), "h264")
    assert [s.params["crf"] for s in _saves(conv)] == [23]
    assert not [l for l in conv.log if "crf" in l and "not taken" in l]


def test_another_encoders_crf_is_said_not_taken():
    conv = convert(_doc("video/h265-mp4", 30), "h265")
    assert [s.params["crf"] for s in _saves(conv)] == [18]
    said = [l for l in conv.log if "crf 30 is not taken" in l]
    assert len(said) == 1 and "#3" in said[0] and "'video/h265-mp4'" in said[0] and "crf 18" in said[0]


def test_a_webms_crf_is_taken_by_save_animations_vp9():
    """(anim25: a WEBM is written as one, VP9 at the save's crf; was an MP4 at crf 18, said)"""
    conv = convert(_doc("video/webm", 30), "vp9")
    (save,) = [n for n in conv.graph.nodes.values() if n.type_id == "io.save_animation"]
    assert save.params["crf"] == 30 and save.params["path"].endswith(".webm")
    assert not [l for l in conv.log if "crf" in l and "not taken" in l]
