"""Issue 112, heldout123's mends (fresh set judged on main 5383b318): each test builds its workflow from node types,
values and links and fails without its mend.

1. The wrapper's MultiTalk long take in context windows of a size other than 81 (123/01: WanVideoContextOptions'
   context_frames 126) was said twice, both untrue: "'WanVideoImageToVideoEncode' ... makes the take in windows of
   126 frames (frame_window_size)" (the encode has no such setting; the context node holds the windows) and "Studio's
   InfiniteTalk makes it ... in windows of 126 frames" (it makes its trained 81, whatever it is given). Now one sentence
   names the context's windows and says Studio's 81 (wan/comfy_wrapper_context_talk.py)."""
from __future__ import annotations

from nodes.video_models.families.wan.talk import talk
from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_file
from tests.convert.test_comfy_heldout80_mends import _in_windows


def test_context_windows_of_another_size_are_said_from_the_context_node_and_made_as_studios_81():
    doc = _in_windows(camera=False)
    doc["20"]["inputs"]["context_frames"] = 126
    conv = convert(doc, "talk")
    gen = nodes_of(conv, "video_models.infinitetalk")[0].params
    assert (gen["method"], gen["motion_frames"]) == ("multitalk", 32)
    text = said(conv)
    assert "frame_window_size" not in text  # (the encode makes no windows)
    assert ("(WanVideoContextOptions, #20)'s context windows of 126 frames overlapping by 32, all denoised together at "
            "each step: Studio's InfiniteTalk makes it with its method 'multitalk', in windows of "
            f"{talk.TRAINED_FRAMES} "
            "frames (the length InfiniteTalk was trained on; the context's 126 not taken), each later one conditioned "
            "on the last 32 frames of the one before") in text
    assert "in windows of 126 frames" not in text


def _start_end(node: str, settings: dict) -> dict:
    """A Wan 2.1 image to video API file whose start/end-frame node is a pack's ``node`` (its type uncatalogued) with
    ``settings`` beside its six sockets: the same picture at both ends (a seamless loop)."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan",
                             "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a knight idles, breathing", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadImage", {"image": "knight.png"}),
        "7": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "8": ("CLIPVisionEncode", {"crop": "none", "clip_vision": ["7", 0], "image": ["6", 0]}),
        "9": (node, {**settings, "positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                     "start_image": ["6", 0], "end_image": ["6", 0], "clip_vision_output": ["8", 0]}),
        "10": ("KSampler", {"seed": 7, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1.0, "model": ["1", 0], "positive": ["9", 0], "negative": ["9", 1],
                            "latent_image": ["9", 2]}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["3", 0]}),
        "12": ("CreateVideo", {"fps": 12, "images": ["11", 0]}),
        "13": ("SaveVideo", {"filename_prefix": "loop", "format": "auto", "codec": "auto", "video": ["12", 0]}),
    })


def test_an_api_files_start_end_node_lacking_one_defaulted_setting_is_read_as_the_node_whose_inputs_it_has():
    conv = convert(_start_end("WanImageToVideo_F2", {"width": 480, "height": 832, "length": 21}), "loop_api")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert (gen.params["frames"], gen.params["width"], gen.params["height"]) == (21, 480, 832)
    assert source_file(conv, gen.id, "image") == source_file(conv, gen.id, "last_image") == "knight.png"
    assert ("'WanImageToVideo_F2' (WanImageToVideo_F2, #9) is read as WanFunInpaintToVideo (Comfy-Org/ComfyUI), "
            "whose inputs (by name) it has, but for those it lacks: its batch_size is read as its default 1 "
            "('WanImageToVideo_F2' has no such setting)") in said(conv)


def test_an_api_node_with_an_input_no_base_declares_is_still_not_read_by_names_alone():
    conv = convert(_start_end("AcmeStartEnd", {"width": 480, "height": 832, "length": 21, "loop_strength": 0.5}),
                   "loop_api")  # (a setting none of the bases has: which node it is, its names do not tell)
    assert [t["generator"] for t in conv.tasks] == [None]


def test_start_end_nodes_that_cut_their_pictures_about_the_middle_give_image_fit_crop():
    """rejudge25: WanFunInpaintToVideo (it runs WanFirstLastFrameToVideo's execute) and Flow-two's WanImageToVideo_F2
    (nodes/nodes.py: common_upscale 'bilinear', 'center' of both pictures) cut their pictures to the take's aspect:
    Image to Video's image_fit 'crop', where 'stretch' squashed a picture of another aspect, unsaid."""
    for node, settings in (("WanImageToVideo_F2", {"width": 480, "height": 832, "length": 21}),
                           ("WanFunInpaintToVideo", {"width": 480, "height": 832, "length": 21, "batch_size": 1})):
        conv = convert(_start_end(node, settings), "loop_api")
        gen = nodes_of(conv, "video_models.image_to_video")[0]
        assert gen.params["image_fit"] == "crop", node


def test_a_step_not_converted_before_a_save_image_names_studios_save_image_sequence():
    """rejudge25 (heldout113's storrealba09): "'SaveImage' (#200) writes the take after ComfyUI's '...' ..., which
    Studio does not convert: its Save Video writes the take without it" - Studio's save there is a Save Image
    Sequence (the take written as pictures), not a Save Video."""
    from tests.convert.test_comfy_rtx10 import _wan_take
    doc = _wan_take({"20": ("ImageSharpen", {"image": ["8", 0], "sharpen_radius": 1, "sigma": 1.0, "alpha": 1.0}),
                     "21": ("AcmeFilmGrain", {"images": ["20", 0], "grain": 0.3})}, "21")
    del doc["30"], doc["31"]
    doc["32"] = {"class_type": "SaveImage", "inputs": {"images": ["21", 0], "filename_prefix": "wan"}}
    conv = convert(doc, "frames_api")
    assert nodes_of(conv, "io.save_images") and not nodes_of(conv, "io.save_video")
    text = said(conv)
    assert "its Save Image Sequence writes the take without it" in text, text
    assert "its Save Video writes the take without it" not in text
