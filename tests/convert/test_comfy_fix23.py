"""Issue 112, fix23: loose and stale sentences heldout108-110 left. Each test builds its workflow from node types,
values and links (facts, no file copied) and fails without its mend.

1. A shift patch whose values are those the family's schedulers sample at already (108/07: MiniMaxH3SigmaShift 12 / 3
   on MiniMax H3, whose Studio schedulers use 12 / 3) was said "not applied"; now said as sampled at already, told by
   the family's declared 'schedule_shifts', not by the node's name. Other values stay "not applied".
2. A Wan Animate extension's take made once (108/06): the Log true (the replaced generator's line gone, the kept one's
   frames the whole take's) and the joined output's picks read as that take."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from studio.convert.mapping.own_shifts import matches

from .said import nodes_of, said
from .test_comfy_animate_extend import BASE
from .test_comfy_minimax_sound import _workflow


def _with_shift(video: float, audio: float) -> dict:
    wf = _workflow()
    wf["30"] = {"class_type": "MiniMaxH3SigmaShift", "inputs": {"model": ["6", 0], "shift_video": video,
                                                                "shift_audio": audio}}
    wf["16"]["inputs"]["model"] = ["30", 0]
    wf["9"]["inputs"]["model"] = ["30", 0]
    return wf


def test_a_shift_patch_of_the_familys_own_values_is_said_sampled_at_already():
    text = said(convert(_with_shift(12.0, 3.0), "h3_shift"))
    assert "'MiniMaxH3SigmaShift' (MiniMaxH3SigmaShift, #30) on the model 'SamplerCustomAdvanced' (#14) samples with, " \
           "sets shift_video 12, shift_audio 3: the shifts Studio's MiniMax H3 schedulers sample at already" in text, text
    assert "#30: a model patch) between the model loader" not in text
    assert "(MiniMaxH3SigmaShift, #30), a model patch on the model" not in text  # (not passed over as not applied)


def test_a_shift_patch_of_other_values_is_still_not_applied():
    text = said(convert(_with_shift(5.0, 3.0), "h3_shift5"))
    assert "'MiniMaxH3SigmaShift' (MiniMaxH3SigmaShift, #30: a model patch) between the model loader and " \
           "'SamplerCustomAdvanced' (#14) is not applied" in text, text
    assert "sample at already" not in text


def test_only_settings_named_as_shifts_match():
    assert matches({"shift_video": 3, "shift_audio": 12.0}, (12.0, 3.0))
    assert not matches({"shift_video": 12, "strength": 3.0}, (12.0, 3.0))
    assert not matches({"#0": 12, "#1": 3}, (12.0, 3.0))
    assert not matches({"shift": 12}, (12.0, 3.0))
    assert not matches({"shift": 12}, ())


# 2. heldout108 06: a Wan Animate extension saved alone, its take made once (comfy_animate_extend._continued): the
# replaced first generator's Log line stayed ("-> video_models.wan_animate (... frames 77 ...)") and the kept one said
# frames 77 for 149; the joined output's picks and join were listed as steps "not applied".

def _segments_joined_by_picks() -> dict:
    """heldout108 06's shape: each segment saved alone, then the first take's frames before the 5 it carries
    (GetImageRangeFromBatch 0 / 72) and the extension's 77 joined by ImageBatchMulti, written by a Save Video."""
    wf = copy.deepcopy(BASE)
    for k in ("23", "24", "25", "26"):
        wf.pop(k)
    wf.update({
        "30": {"class_type": "CreateVideo", "inputs": {"images": ["22", 0], "fps": 16}},
        "31": {"class_type": "SaveVideo", "inputs": {"video": ["30", 0], "filename_prefix": "second"}},
        "40": {"class_type": "GetImageRangeFromBatch", "inputs": {"images": ["9", 0], "start_index": 0,
                                                                  "num_frames": 72}},
        "41": {"class_type": "GetImageRangeFromBatch", "inputs": {"images": ["22", 0], "start_index": 0,
                                                                  "num_frames": 77}},
        "42": {"class_type": "ImageBatchMulti", "inputs": {"inputcount": 2, "image_1": ["40", 0],
                                                           "image_2": ["41", 0]}},
        "43": {"class_type": "CreateVideo", "inputs": {"images": ["42", 0], "fps": 16}},
        "44": {"class_type": "SaveVideo", "inputs": {"video": ["43", 0], "filename_prefix": "joined"}},
    })
    return wf


def test_the_replaced_first_generators_log_line_goes_and_the_kept_one_says_the_whole_take():
    conv = convert(_segments_joined_by_picks(), "segments_picked")
    assert len(nodes_of(conv, "video_models.wan_animate")) == 1
    made = [x for x in conv.log if "-> video_models.wan_animate" in x]
    assert len(made) == 1 and "frames 149" in made[0], made


def test_the_joined_outputs_picks_are_read_as_the_whole_take_not_steps_not_applied():
    conv = convert(_segments_joined_by_picks(), "segments_picked")
    text = said(conv)
    assert "'GetImageRangeFromBatch' (GetImageRangeFromBatch, #40), 'GetImageRangeFromBatch' (GetImageRangeFromBatch, " \
           "#41), 'ImageBatchMulti' (ImageBatchMulti, #42) pick and join the frames of the first take and of its " \
           "extension, the frames carried over counted once: read as the whole Wan Animate take Studio makes once " \
           "(149 frames)" in text, text
    assert "not applied (its settings: start_index 0" not in text
    saves = nodes_of(conv, "io.save_video")
    gen = nodes_of(conv, "video_models.wan_animate")[0]
    assert sum(conv.graph.input_link(s.id, "video").src == gen.id for s in saves) == 1  # (the joined: the whole take)
