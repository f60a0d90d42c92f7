"""A node pack's maker whose pack object comes from another undeclared node that is itself given a picture and a clip
(heldout113 02: mixlab's scene picker given LivePortrait's output, LivePortrait given the portrait and the driving
clip): both are said to make the video; neither is said to be what the other is made with."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said


def _picked(portrait_wired: bool) -> dict:
    """LoadImage and a clip -> an undeclared LivePortraitNode -> mixlab's ScenesNode_ (its SCENE_VIDEO input) ->
    VHS_VideoCombine; without ``portrait_wired`` the undeclared node is given values alone."""
    live = {"driving_video_reverse_align": True}
    if portrait_wired:
        live |= {"source_image": ["1", 0], "driving_video": ["2", 0]}
    return {
        "1": {"class_type": "LoadImage", "inputs": {"image": "portrait.png"}},
        "2": {"class_type": "VHS_LoadVideo", "inputs": {"video": "drive.mp4", "force_rate": 0, "custom_width": 0,
                                                        "custom_height": 0, "frame_load_cap": 0,
                                                        "skip_first_frames": 0, "select_every_nth": 1}},
        "3": {"class_type": "LivePortraitNode", "inputs": live, "_meta": {"title": "Live Portrait"}},
        "4": {"class_type": "ScenesNode_", "inputs": {"index": 0, "scenes_video": ["3", 0]},
              "_meta": {"title": "Select Scene"}},
        "5": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 24, "loop_count": 0, "filename_prefix": "lp",
                                                           "format": "video/h264-mp4", "pingpong": False,
                                                           "save_output": True, "images": ["4", 0]}},
    }


def test_a_maker_given_media_makes_it_with_the_node_it_feeds():
    text = said(convert(_picked(True), "picked.json"))
    assert "'Select Scene' (ScenesNode_, #4), 'Live Portrait' (LivePortraitNode, #3), which make it" in text
    assert "which it is made with" not in text
    assert "'Live Portrait' (LivePortraitNode, #3): makes a video" in text


def test_a_node_given_values_alone_stays_what_the_maker_is_made_with():
    text = said(convert(_picked(False), "values.json"))
    assert "'Live Portrait' (LivePortraitNode, #3), which it is made with, is not converted either" in text
