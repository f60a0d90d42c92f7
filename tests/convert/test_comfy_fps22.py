"""LTXVConditioning's frame_rate taken (fps22, heldout104 06): Studio's LTX-Video generator tells its pipeline the
take's rate (its 'fps': diffusers' 'frame_rate', the rope's time scale), so the rate a workflow tells the model is
the generator's fps - read from it where the video has no rate of its own, the same as the video's said nowhere, and
another than the video's said as one rate taken for both. Never "always told 25" any more."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .test_comfy_heldout9_mends import _ltxv_t2v


def _generator(c):
    return next(n for n in c.graph.nodes.values() if n.type_id == "video_models.text_to_video")


def _rate_lines(c) -> list[str]:
    return [line for line in c.log if "LTXVConditioning" in line or "always told" in line]


def test_the_models_rate_is_the_generators_where_the_video_has_none():
    wf = _ltxv_t2v(30, 24)
    del wf["9"]  # no CreateVideo: the frames saved as pictures, the rate only LTXVConditioning's
    wf["10"] = {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["8", 0]}}
    c = convert(wf, "alone")
    assert _generator(c).params["fps"] == 30
    assert _rate_lines(c) == []


def test_the_models_rate_the_same_as_the_videos_is_taken_unsaid():
    c = convert(_ltxv_t2v(24, 24), "same")
    assert _generator(c).params["fps"] == 24
    assert _rate_lines(c) == []


def test_another_rate_than_the_videos_is_said_as_one_rate_for_both():
    c = convert(_ltxv_t2v(30, 24), "other")
    assert _generator(c).params["fps"] == 24
    assert _rate_lines(c) == ["other: 'LTXVConditioning' (LTXVConditioning, #5)'s frame_rate 30 (the rate the model "
                              "is told the clip has) is not the video's 24.0 ('CreateVideo', #9): Studio's generator "
                              "takes one rate, 24.0, for both"]


def test_no_family_declares_a_rate_its_pipeline_is_always_told():
    from studio.convert.families import hooks
    assert "told_rate" not in hooks.HOOKS and "fps_nodes" in hooks.HOOKS
    from nodes.video_models.families.ltx.comfy import MAPPING
    assert "told_rate" not in MAPPING.hooks


def test_the_models_rate_is_compared_with_the_takes_under_a_frame_interpolation():
    """Told 24, the frames doubled by RIFE and written at 24: the generator makes the take at 12 and so tells the
    model 12, said (it was "always told 25" before; the same 24 as the video's is no longer enough to say nothing)."""
    wf = _ltxv_t2v(24, 24)
    wf["11"] = {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife47.pth", "frames": ["8", 0],
                                                     "clear_cache_after_n_frames": 10, "multiplier": 2,
                                                     "fast_mode": True, "ensemble": True, "scale_factor": 1.0}}
    wf["9"]["inputs"]["images"] = ["11", 0]
    c = convert(wf, "doubled")
    assert _generator(c).params["fps"] == 12
    assert [line for line in _rate_lines(c) if "frame_rate" in line] == [
        "doubled: 'LTXVConditioning' (LTXVConditioning, #5)'s frame_rate 24 (the rate the model is told the clip has) "
        "is not the take's 12.0 (the video's 24.0, 'CreateVideo', #9, over the frame interpolation x2 after the take): "
        "Studio's generator takes one rate, 12.0, for both"]
    own = _ltxv_t2v(12, 24)  # told the take's own 12: nothing said
    own["11"], own["9"]["inputs"]["images"] = wf["11"], ["11", 0]
    c12 = convert(own, "own")
    assert _generator(c12).params["fps"] == 12 and [x for x in _rate_lines(c12) if "frame_rate" in x] == []
