"""Issue 112, fix23: loose and stale sentences heldout108-110 left. Each test builds its workflow from node types,
values and links (facts, no file copied) and fails without its mend.

1. A shift patch whose values are those the family's schedulers sample at already (108/07: MiniMaxH3SigmaShift 12 / 3
   on MiniMax H3, whose Studio schedulers use 12 / 3) was said "not applied"; now said as sampled at already, told by
   the family's declared 'schedule_shifts', not by the node's name. Other values stay "not applied"."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.mapping.own_shifts import matches

from .said import said
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
