"""Mechanisms a sixty-ninth held-out set (benchmarks/results/heldout69_2026-11-30.md) showed, on small hand-written
workflows: the wrapper's InfiniteTalk take lasts as long as the voice, at most MultiTalkWav2VecEmbeds' num_frames -
Studio's InfiniteTalk had made the voice's whole length and said so ("set frames to cut it"); its most_frames now
takes the cap, so a longer voice is cut where the wrapper cuts it."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_heldout6_mends import _talk


def test_the_wrappers_frame_cap_is_infinitetalks_most_frames_never_a_sentence_to_set_it_by_hand():
    doc = _talk({"strength_1": 1.0, "strength_2": 1.0})
    doc["8"]["inputs"]["num_frames"] = 275
    conv = convert(doc, "talk")
    gen = nodes_of(conv, "video_models.infinitetalk")[0].params
    assert (gen["frames"], gen["most_frames"]) == (0, 275)  # as long as the voice, at most 275
    assert "makes at most" not in said(conv) and "set frames to cut it" not in said(conv)
    doc["8"]["inputs"]["num_frames"] = 0  # no cap given: none made
    gen = nodes_of(convert(doc, "talk"), "video_models.infinitetalk")[0].params
    assert gen["most_frames"] == 0


def test_a_cap_wired_to_a_value_not_worked_out_is_still_said_naming_its_node_and_the_setting_to_use():
    doc = _talk({"strength_1": 1.0, "strength_2": 1.0})
    doc["30"] = {"class_type": "AcmeFrameMath", "inputs": {"seconds": ["6", 0]}}
    doc["8"]["inputs"]["num_frames"] = ["30", 0]
    conv = convert(doc, "talk")
    assert nodes_of(conv, "video_models.infinitetalk")[0].params["most_frames"] == 0
    assert ("makes at most the frames 'AcmeFrameMath' (#30) works out (num_frames), as long as the voice lasts: "
            "Studio's InfiniteTalk makes the voice's length (frames 0); set most_frames to cut it") in said(conv)
