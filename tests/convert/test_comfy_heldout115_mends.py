"""Issue 112, heldout115's mends (fresh set judged on main 2b0ecabe): each test builds its workflow from node types,
values and links and fails without its mend.

1. A second output writing the take beside a loaded clip (a side-by-side) at its own rate was said to write "its
   interpolated frames ... not the 24 fps Studio's interpolation of the generator's 24 fps gives", with no
   interpolation in the workflow: the clip's Frame Rate beside the take was taken for one on the take's way. Now the
   take is said written at its rate, the rate Studio's video has there named as the generator's own (115/03).
2. A node left unwired at an input it requires, reaching no output of the workflow, was said "left unwired: ComfyUI
   refuses to run it as saved": ComfyUI runs such a file, never running that node. Now "it reaches no output of the
   workflow: ComfyUI does not run it"; a node on an output's way keeps the refusal (115/01)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said


def _wan_take(fps: int = 16) -> dict:
    """A Wan 2.1 1.3B text-to-video take, decoded and written by Video Combine at ``fps`` (node 12)."""
    return {
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a red fox running in snow", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSampler", {"seed": 7, "steps": 20, "cfg": 5, "sampler_name": "uni_pc", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "12": ("VHS_VideoCombine", {"images": ["8", 0], "frame_rate": fps, "loop_count": 0, "filename_prefix": "take",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    }


def test_a_take_beside_a_loaded_clip_written_at_its_own_rate_is_not_said_interpolated():
    nodes = _wan_take(16)
    nodes["10"] = ("VHS_LoadVideo", {"video": "source.mp4", "force_rate": 16, "custom_width": 0, "custom_height": 0,
                                     "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1})
    nodes["11"] = ("ImageConcatMulti", {"inputcount": 2, "direction": "right", "match_image_size": True,
                                        "image_1": ["10", 0], "image_2": ["8", 0]})
    nodes["9"] = ("VHS_VideoCombine", {"images": ["11", 0], "frame_rate": 8, "loop_count": 0,
                                       "filename_prefix": "compare", "format": "video/h264-mp4", "pingpong": False,
                                       "save_output": True})
    conv = convert(api(nodes), "side")
    text = said(conv)
    assert "interpolat" not in text
    assert ("'VHS_VideoCombine' (#9) writes the take at 8 fps, not the 16 fps Studio's video has there, the "
            "generator's own: Studio's Frame Rate before its Save Video plays the same frames") in text
    assert sorted(n.params["fps"] for n in nodes_of(conv, "edit.frame_rate")) == [8.0, 16.0]  # (the clip's; the save's)


def _unwired_scale(nodes: dict) -> dict:
    nodes["20"] = ("ImageScaleToTotalPixels", {"upscale_method": "nearest-exact", "megapixels": 0.9,
                                               "resolution_steps": 32})
    nodes["21"] = ("GetImageSize", {"image": ["20", 0]})
    return nodes


def test_an_unwired_node_reaching_no_output_is_said_not_run_not_refused():
    text = said(convert(api(_unwired_scale(_wan_take())), "idle"))
    line = next(x for x in text.splitlines() if "(ImageScaleToTotalPixels, #20) is given nothing" in x)
    assert "(left unwired, and it reaches no output of the workflow: ComfyUI does not run it)" in line
    assert "refuses" not in line


def test_an_unwired_node_on_an_outputs_way_is_still_said_refused():
    nodes = _unwired_scale(_wan_take())
    nodes["6"][1]["width"] = ["21", 0]  # (the take's width from its size: ComfyUI runs it, and refuses it unwired)
    text = said(convert(api(nodes), "used"))
    line = next(x for x in text.splitlines() if "(ImageScaleToTotalPixels, #20) is given nothing" in x)
    assert "(left unwired: ComfyUI refuses to run it as saved)" in line


def test_the_held_settings_sentence_lists_ids_not_made_of_numbers_in_one_order():
    """3. The held-settings sentence listed node ids whose parts are not all numbers ('143:video', '567_551') in the
    order of a set, which changes between runs (3 cached files differed between two runs of the same code): now by
    their numbers and words in the file's order."""
    from studio.convert.reading.file_ids import id_order  # (the lead's id_order, merged with this mend)
    ids = ["143:video", "143:image_2", "567_559", "567_551", "143:12", "143:9", "20"]
    assert sorted(ids, key=id_order) == ["20", "143:9", "143:12", "143:image_2", "143:video", "567_551", "567_559"]
    assert sorted(reversed(ids), key=id_order) == sorted(ids, key=id_order)
