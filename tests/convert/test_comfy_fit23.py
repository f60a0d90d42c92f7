"""Issue 112 (fit23, after layout23): a UI node's values saved by place are named by the catalogue's declared layout
only where they fit it; where the count agrees with no reading and two or more required values do not fit their
declared types or choices (another version of the pack saved them in its order), the names are not given and the
values are said by place, as an uncatalogued node's are. And reading.misnamed takes a number on a BOOLEAN for another
version's order. Fixtures from the facts: nirvash/ComfyUI-FramePackWrapper's framepack_hv_example.json saves
FramePackSampler (kijai's pack at 8e5ec6b) as [30, True, 0.15, 1, 10, 0, 47, 'fixed', 9, 5, 6, 'unipc_bh1', 1, ''],
13 settings and the seed's control word, while the catalogue's later layout declares 14 settings (an input inserted):
by count it read latent_window_size 'fixed', total_second_length 9, sampler 6. heldout95's GIMMVFI_interpolate saves
[1, 2, seed, 'randomize'], before its optional output_flows; heldout85's DrawViTPose saves draw_head as 'True'."""
from __future__ import annotations

from studio.convert import catalogue
from studio.convert.mapping.convert import convert
from studio.convert.reading import by_types
from studio.convert.reading.misnamed import misnamed
from studio.convert.reading.subgraphs import CONTROL
from tests.convert.said import said
from tests.convert.test_comfy_heldout96_mends import LOAD_VIDEO, UI, VHS

FRAMEPACK_8E5EC6B = [30, True, 0.15, 1, 10, 0, 47, "fixed", 9, 5, 6, "unipc_bh1", 1, ""]


def test_values_an_older_layout_saved_are_not_named_by_the_newer_one():
    assert len(catalogue.node_type("FramePackSampler").widgets) == len(FRAMEPACK_8E5EC6B)  # (the count agrees)
    assert by_types.widget_names("FramePackSampler", FRAMEPACK_8E5EC6B) == {}
    # (the catalogue's own layout, the seed's control word saved after it, is named)
    now = [30, True, 0.15, 1, 10, 0, 47, "fixed", 9, 25.0, 6, "unipc_bh1", "disabled", 1.0, 1.0]
    named = by_types.widget_names("FramePackSampler", now)
    assert named["latent_window_size"] == 9 and named[CONTROL] == "fixed" and named["sampler"] == "unipc_bh1"


def test_one_value_off_its_kind_or_range_keeps_the_names():
    # (a switch's 'True' as text; a later version's bound: a 60 s take's 1441 frames over LTXVEmptyLatentAudio's 1000)
    assert by_types.widget_names("DrawViTPose", [480, 848, 16, -1, -1, "True"])["draw_head"] == "True"
    assert by_types.widget_names("LTXVEmptyLatentAudio", [1441, 24.0, 1]) == {
        "frames_number": 1441, "frame_rate": 24.0, "batch_size": 1}


def test_values_saved_before_the_optional_settings_with_a_seeds_control_are_named():
    named = by_types.widget_names("GIMMVFI_interpolate", [1, 2, 195623594126467, "randomize"])
    assert named == {"ds_factor": 1, "interpolation_factor": 2, "seed": 195623594126467, CONTROL: "randomize"}


def test_a_number_on_a_boolean_is_another_versions_order():
    assert misnamed("DepthCrafter", {"force_size": 512, "num_inference_steps": 10})
    assert not misnamed("DepthCrafter", {"force_size": True, "num_inference_steps": 10})
    assert misnamed("DepthCrafter", {"force_size": True, "num_inference_steps": True})  # (a flag on a number)


def test_an_interpolation_saved_before_its_optional_setting_keeps_its_factor():
    w = UI()
    clip = w.add("VHS_LoadVideo", dict(LOAD_VIDEO), ("IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"))
    model = w.add("DownloadAndLoadGIMMVFIModel", ["gimmvfi_r_arb_lpips_fp32.safetensors", "fp32"], ("GIMMVIF_MODEL",))
    interp = w.add("GIMMVFI_interpolate", [1, 2, 195623594126467, "randomize"], ("IMAGE", "FLOAT"),
                   gimmvfi_model=(model, 0), images=(clip, 0))
    w.add("VHS_VideoCombine", dict(VHS, frame_rate=31), (), images=(interp, 0))
    text = said(convert(w.doc(), "gimm"))
    assert f"'GIMMVFI_interpolate' (#{interp})'s ds_factor 1, seed 195623594126467: not taken" in text  # (named)
    assert "output_flows" not in text and "by place" not in text
