"""Mends from the fifty-ninth held-out set (Wan 2.2 two experts, HunyuanVideo, upscale / segmentation of a clip;
owners s-z and digits): each test builds a minimal workflow from node types, values and links (no fetched file) and
fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

NEG = "blurry, static"


def _wan22_split(boundary_node: tuple, low_sigmas: list) -> dict:
    """Wan 2.2 14B text to video in two core SamplerCustom passes, the high expert first, given the two parts of the
    sigmas ``boundary_node`` splits BasicScheduler's 20 steps into (stduhpf's 'Wan MoE T2V custom')."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "2": ("UNETLoader", {"unet_name": "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "3": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "4": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "5": ("CLIPTextEncode", {"text": "a robot running through a neon city", "clip": ["3", 0]}),
        "6": ("CLIPTextEncode", {"text": NEG, "clip": ["3", 0]}),
        "7": ("EmptyHunyuanLatentVideo", {"width": 1280, "height": 720, "length": 81, "batch_size": 1}),
        "8": ("ModelSamplingSD3", {"shift": 12, "model": ["1", 0]}),
        "9": ("ModelSamplingSD3", {"shift": 12, "model": ["2", 0]}),
        "10": ("BasicScheduler", {"scheduler": "simple", "steps": 20, "denoise": 1, "model": ["8", 0]}),
        "11": boundary_node,
        "12": ("KSamplerSelect", {"sampler_name": "uni_pc"}),
        "13": ("SamplerCustom", {"add_noise": True, "noise_seed": 7, "cfg": 4, "model": ["8", 0], "positive": ["5", 0],
                                 "negative": ["6", 0], "sampler": ["12", 0], "sigmas": ["11", 0],
                                 "latent_image": ["7", 0]}),
        "14": ("SamplerCustom", {"add_noise": False, "noise_seed": 7, "cfg": 3, "model": ["9", 0], "positive": ["5", 0],
                                 "negative": ["6", 0], "sampler": ["12", 0], "sigmas": low_sigmas,
                                 "latent_image": ["13", 0]}),
        "15": ("VAEDecode", {"samples": ["14", 1], "vae": ["4", 0]}),
        "16": ("CreateVideo", {"fps": 16, "images": ["15", 0]}),
        "17": ("SaveVideo", {"filename_prefix": "video/ComfyUI", "format": "auto", "codec": "auto", "video": ["16", 0]}),
    })


def test_two_experts_given_the_parts_of_sigmas_split_at_a_noise_level_take_the_whole_schedules_steps():
    """04, 06 (stduhpf): SplitSigmasAtT (sigmas in, a FLOAT level, two SIGMAS outputs) between BasicScheduler's 20
    steps and the two experts' SamplerCustom was "not read": "the generator's own 25 stands". Read by its declared
    types, the take has the schedule's 20 steps, and the level the experts switch at is said."""
    conv = convert(_wan22_split(("SplitSigmasAtT", {"boundary": 0.875, "sigmas": ["10", 0]}), ["11", 1]), "moe.json")
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["steps"] == 20 and gen.params["guidance"] == 4 and gen.params["guidance_2"] == 3
    text = said(conv)
    assert "which Studio does not read" not in text and "the generator's own 25 stands" not in text
    assert "its sigmas the part after the split at boundary 0.875 ('SplitSigmasAtT' (SplitSigmasAtT, #11))" in text


def test_a_first_pass_given_the_later_part_of_split_sigmas_says_it_starts_part_way():
    """07 (svjack's LTX-Video v2v): the sampler took the sigmas after SplitSigmas' first step of 20 (a clip's latent
    sampled from part way down), and nothing said so. One pass given SplitSigmas' second output now says where it
    starts and that the generator samples the whole schedule."""
    wf = _wan22_split(("SplitSigmas", {"step": 5, "sigmas": ["10", 0]}), ["11", 1])
    wf["13"]["inputs"]["sigmas"] = ["11", 1]  # one pass: the later 15 steps, then decoded
    wf["15"]["inputs"]["samples"] = ["13", 0]
    for k in ("2", "9", "14"):
        del wf[k]
    text = said(convert(wf, "split.json"))
    assert ("'SamplerCustom' (SamplerCustom, #13) samples steps 5 to 20 of 20 (SplitSigmas, #11, at step 5): ComfyUI "
            "starts part way down the schedule, from the latent it is given; not applied, the generator samples the "
            "whole schedule") in text


def _hunyuan_nyan() -> dict:
    """HunyuanVideo text to video through the wrapper, its model loaded by a node no pack declares that takes
    HyVideoModelLoader's sockets, saving a switch's word and two scales before its file (zer0int's HunyuanNyanCLIP)."""
    return ui([
        (1, "MyNyanLoader", [("compile_args", "COMPILEARGS"), ("block_swap_args", "BLOCKSWAPARGS"),
                             ("lora", "HYVIDLORA")], ["HYVIDEOMODEL"],
         ["True", "Factor", 1.5, "Factor", 0.9, "hyvideo\\hunyuan_video_720_cfgdistill_fp8_e4m3fn.safetensors", "bf16",
          "fp8_e4m3fn", "main_device", "sdpa"]),
        (2, "DownloadAndLoadHyVideoTextEncoder", [], ["HYVIDTEXTENCODER"],
         ["Kijai/llava-llama-3-8b-text-encoder-tokenizer", "disabled", "fp16", False, 2, "disabled"]),
        (3, "HyVideoTextEncode", [("text_encoders", "HYVIDTEXTENCODER")], ["HYVIDEMBEDS"],
         ["a red panda on a bamboo stick", "bad quality video", "video"]),
        (4, "HyVideoSampler", [("model", "HYVIDEOMODEL"), ("hyvid_embeds", "HYVIDEMBEDS")], ["LATENT"],
         [512, 320, 85, 30, 6, 9, 6, "fixed", True, 1]),
        (5, "HyVideoVAELoader", [], ["VAE"], ["hunyuan_video_vae_bf16.safetensors", "bf16"]),
        (6, "HyVideoDecode", [("vae", "VAE"), ("samples", "LATENT")], ["IMAGE"], [True, 64, 256, True]),
        (7, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
         {"frame_rate": 24, "loop_count": 0, "filename_prefix": "HunyuanVideo", "format": "video/h264-mp4",
          "pix_fmt": "yuv420p", "crf": 19, "save_metadata": True, "pingpong": False, "save_output": True}),
    ], [(1, 0, 4, "model"), (2, 0, 3, "text_encoders"), (3, 0, 4, "hyvid_embeds"), (5, 0, 6, "vae"),
        (4, 0, 6, "samples"), (6, 0, 7, "images")])


def test_a_node_read_by_the_places_of_a_loader_gives_its_model_file_the_file_name_not_a_word():
    """12, 13 (zer0int): HunyuanNyanCLIP read as HyVideoModelLoader by places took its first value 'True' as the
    model (Load Video Model's model 'True') and said the file "not taken (HyVideoModelLoader has no such setting)".
    A setting declared as a file of a models folder takes the next saved value that names a file."""
    conv = convert(_hunyuan_nyan(), "nyan.json")
    (load,) = nodes_of(conv, "video_models.load")
    assert load.params["model"] == "hyvideo\\hunyuan_video_720_cfgdistill_fp8_e4m3fn.safetensors"
    text = said(conv)
    assert "value 'True' (at place 1)" in text
    assert "cfgdistill_fp8_e4m3fn.safeten" not in text.split("are not taken")[0].split("read as")[-1]


def test_a_wrapper_image_prompt_encode_without_a_negative_gives_an_empty_one_not_one_to_write():
    """12: HyVideoTextImageEncode (the LLaVA image prompt; its negative only on a HyVideoCFG, none wired) made no
    negative, so the sampler's negative was its positive's node: "the negative prompt comes from ComfyUI's
    'HyVideoTextImageEncode' ..., which Studio does not read: write it in a Text Prompt". Its negative is empty."""
    wf = _hunyuan_nyan()
    enc = next(n for n in wf["nodes"] if n["id"] == 3)
    enc["type"] = "HyVideoTextImageEncode"
    enc["widgets_values"] = ["<image>a winter tree", "::4", True, "video", "tree"]
    enc["inputs"].append({"name": "image1", "type": "IMAGE", "link": 99})
    wf["nodes"].append({"id": 9, "type": "LoadImage", "mode": 0, "inputs": [], "widgets_values": ["tree.png", "image"],
                        "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [99]}]})
    wf["links"].append([99, 9, 0, 3, 7, "IMAGE"])
    text = said(convert(wf, "ip2v.json"))
    assert "the negative prompt comes from ComfyUI's 'HyVideoTextImageEncode'" not in text
    assert "an empty negative prompt ('HyVideoTextImageEncode' (HyVideoTextImageEncode, #3))" in text


def _points_editor() -> dict:
    """KJNodes' PointsEditor over a clip's first frame (its optional 'bg_image') giving a pack's segmenter its
    points (9nate-drake's SeC example)."""
    return ui([
        (1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
         {"video": "dog.mp4", "force_rate": 16, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
          "skip_first_frames": 0, "select_every_nth": 1, "format": "AnimateDiff"}),
        (2, "PointsEditor", [("bg_image", "IMAGE")], ["STRING", "STRING", "BBOX", "MASK", "IMAGE"],
         ['{"positive":[{"x":215,"y":183}],"negative":[{"x":81,"y":93}]}', '[{"x":215,"y":183}]', '[{"x":81,"y":93}]',
          "{}", "[]", "xyxy", 512, 512, False]),
        (3, "SeCVideoSegmentation", [("frames", "IMAGE"), ("positive_points", "STRING"),
                                     ("negative_points", "STRING")], ["MASK"],
         ["", "", "bidirectional", "bidirectional", 1, -1, 12, 20, True]),
        (4, "MaskToImage", [("mask", "MASK")], ["IMAGE"], []),
        (5, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
         {"frame_rate": 16, "loop_count": 0, "filename_prefix": "masked", "format": "video/h264-mp4",
          "pix_fmt": "yuv420p", "crf": 19, "save_metadata": False, "pingpong": False, "save_output": True}),
    ], [(1, 0, 2, "bg_image"), (1, 0, 3, "frames"), (2, 0, 3, "positive_points"), (2, 1, 3, "negative_points"),
        (3, 0, 4, "mask"), (4, 0, 5, "images")])


def test_a_value_a_node_gives_beside_an_optional_picture_is_not_said_worked_out_from_that_picture():
    """01: PointsEditor's points (its own saved setting; 'bg_image', declared optional, only shown behind them) were
    said "worked out from its 'bg_image' when the workflow runs". A node whose wired inputs are all pictures declared
    optional is said to work the value out itself (a math node's optional numbers are still what it works from)."""
    text = said(convert(_points_editor(), "sec.json"))
    assert "worked out from its 'bg_image'" not in text
    assert "worked out by the node when the workflow runs (its 'bg_image' wired, a picture declared optional)" in text


def test_a_packs_upscaler_loading_its_own_model_file_is_made_as_upscale_video_at_its_factor():
    """02 (ShmuelRonen): Video_Upscale_With_Model (pictures in and out, 'model_name' declared a file of
    upscale_models/) between a VHS clip and its Video Combine was "not converted", with the clip's loader and save.
    Read by its declared types: Load Video -> Upscale Video (its file, 'scale' its factor) -> Save Video, its other
    settings said not taken."""
    wf = ui([
        (7, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
         {"video": "0006.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
          "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}),
        (13, "Video_Upscale_With_Model", [("images", "IMAGE")], ["IMAGE"],
         ["4x-AnimeSharp.pth", "nearest-exact", 2, "auto"]),
        (8, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], ["VHS_FILENAMES"],
         {"frame_rate": 24, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4", "pix_fmt": "yuv420p",
          "crf": 19, "save_metadata": True, "pingpong": False, "save_output": True}),
    ], [(7, 0, 13, "images"), (13, 0, 8, "images"), (7, 2, 8, "audio")])
    conv = convert(wf, "up.json")
    (up,) = nodes_of(conv, "finishing.upscale")
    assert up.params["model"] == "4x-AnimeSharp.pth" and up.params["scale"] == 2.0
    assert len(nodes_of(conv, "io.load_video")) == 1 and len(nodes_of(conv, "io.save_video")) == 1
    text = said(conv)
    assert "'Video_Upscale_With_Model' (#13)'s upscale_method nearest-exact, device_strategy auto: not taken" in text
    assert "not converted" not in text.split("Video_Upscale_With_Model")[0][-40:]


def test_the_wrappers_text_encoder_loader_with_no_clip_model_names_its_llm_alone():
    """13: DownloadAndLoadHyVideoTextEncoder's clip_model 'disabled' (the wrapper's choice of no CLIP model) was read
    as a file: "text encoder 'disabled': Load Video Model takes it from 'base'", its LLM "the second file". The LLM is
    its one text encoder."""
    text = said(convert(_hunyuan_nyan(), "nyan.json"))
    assert "text encoder 'disabled'" not in text and "second file" not in text
    assert "text encoder 'Kijai/llava-llama-3-8b-text-encoder-tokenizer': Load Video Model takes it from 'base'" in text
