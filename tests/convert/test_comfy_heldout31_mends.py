"""The thirty-first held-out set's mends (benchmarks/results/heldout31_2026-11-29.md), each test built from node types,
values and links (no fetched file)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.workflow_shapes import wan_t2v_combined


def _rife(src: str, multiplier: int = 2) -> dict:
    return {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife49.pth", "clear_cache_after_n_frames": 10,
                                                 "multiplier": multiplier, "fast_mode": True, "ensemble": True,
                                                 "scale_factor": 1, "frames": [src, 0]}}


def _combine(src: str, rate: float, prefix: str) -> dict:
    return {"class_type": "VHS_VideoCombine", "inputs": {"images": [src, 0], "frame_rate": rate, "loop_count": 0,
                                                         "filename_prefix": prefix, "format": "video/h264-mp4",
                                                         "pingpong": False, "save_output": True}}


def test_a_second_copy_of_interpolated_frames_is_written_at_its_own_rate():
    """11: a 'SLOW MOTION' copy (RIFE x2 written at the take's own rate: twice as long) was written at twice the
    rate, the same length, unsaid; 15: a copy of frames interpolated to 32 fps written at 24, unsaid."""
    wf = wan_t2v_combined()  # the take written at 16 fps by #9, the output read first (ids read as text)
    wf["90"], wf["91"] = _rife("8"), _combine("90", 16, "slow")
    conv = convert(wf, "slow.json")
    said = _said(conv)
    rates = [n for n in _nodes(conv, "edit.frame_rate")]
    assert [n.params["fps"] for n in rates] == [16.0]
    assert conv.origin[rates[0].id] == "91"
    assert ("'VHS_VideoCombine' (#91) writes the interpolated take at 16 fps, not the 32 fps Studio's frame "
            "interpolation gives it: Studio's Frame Rate before its Save Video does the same (every frame kept, the "
            "clip longer)") in said
    # the interpolated frames written at the doubled rate: nothing added, nothing said
    wf["91"] = _combine("90", 32, "smooth")
    conv = convert(wf, "smooth.json")
    assert not _nodes(conv, "edit.frame_rate") and "writes the interpolated take" not in _said(conv)
