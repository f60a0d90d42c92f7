"""Mechanisms a thirty-fourth held-out set (benchmarks/results/heldout34_2026-11-29.md: any video workflow an artist
shares - finishing passes, HunyuanVideo, AnimateDiff, LTX Director, FLOAT, LivePortrait) showed, each on a small
hand-written workflow."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert

from .workflow_shapes import ltx_director_take
from tests.convert.said import api as _api, nodes_of as _nodes, said as _said


def _director(scale_by: float) -> dict:
    """An LTX-2.3 Director take (an empty timeline, no size: the pack's 768x512), its guide resizing the latent by
    ``scale_by``, sampled once and saved."""
    return ltx_director_take({"global_prompt": "a lighthouse at dusk", "duration_frames": 120, "duration_seconds": 5,
                              "timeline_data": json.dumps({"segments": [], "audioSegments": []}),
                              "local_prompts": "", "segment_lengths": "", "epsilon": 0.001, "guide_strength": "",
                              "use_custom_audio": False, "frame_rate": 24, "display_mode": "seconds",
                              "custom_width": 0, "custom_height": 0, "resize_method": "maintain aspect ratio",
                              "divisible_by": 32, "img_compression": 18, "timeline_ui": ""},
                             rate_slot=5, scale_by=scale_by, upscale_method="bicubic", fps=["5", 5])


def test_the_director_guides_scale_by_sizes_the_pass_it_samples():
    """zhoufa128-oss's LTX Director request (07): its guide's scale_by 0.5 halves the Director's latent before the
    first pass samples (ComfyUI: 384x256, upsampled x2 to 768x512 after); it was read nowhere, the first pass made at
    768x512 and the upscale at 1536x1024 (a silent change)."""
    conv = convert(_director(0.5), "director.json")
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (384, 256, 121)
    assert ("'LTXDirectorGuide' (LTXDirectorGuide, #8) resizes 'LTXDirector' (LTXDirector, #5)'s latent by 0.5 "
            "(scale_by) before it samples: the pass is made at 384x256, not 768x512") in _said(conv)
    conv = convert(_director(1.0), "director.json")  # (no resize: the Director's own size, nothing said)
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert (gen.params["width"], gen.params["height"]) == (768, 512) and "scale_by" not in _said(conv)


def _wan_t2v(latent: tuple) -> dict:
    return _api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_14b_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a heron wading", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": latent,
        "7": ("KSampler", {"seed": 7, "steps": 30, "cfg": 5, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "heron",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                   "images": ["8", 0]}),
    })


def test_an_empty_latents_frames_are_read_by_its_own_name():
    """xueLan-io's Wan 2.1 template (06): its empty latent (EmptyWanVideoLatent, a type no pack declares) gives
    'width' 832, 'height' 480 and 'frames' 81; the width and height were read, the 81 frames not ("the workflow's
    frames could not be read ...: the generator's own default stands")."""
    conv = convert(_wan_t2v(("EmptyWanVideoLatent", {"width": 832, "height": 480, "frames": 81, "batch_size": 1})),
                   "wan.json")
    gen = _nodes(conv, "video_models.text_to_video")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (832, 480, 81)
    assert "frames could not be read" not in _said(conv)
    conv = convert(_wan_t2v(("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33,
                                                         "batch_size": 1})), "wan.json")  # ('length' first, as before)
    assert _nodes(conv, "video_models.text_to_video")[0].params["frames"] == 33


def test_a_literal_giving_the_prompts_text_is_not_listed_as_not_converted():
    """Vidia-Tools' HunyuanVideo restyle (03): its prompt 'a cinematic scene' comes from a pack's String Literal
    through HyVideoTextEncode; the generator took it, yet the literal was listed among "ComfyUI nodes not converted
    ... none of its rules reads them where they are" (false). A literal nothing reads is passed as reaching no output
    (its pack, giriss' comfy-image-saver, catalogued since catalog5, declares it no output node: ComfyUI does not run
    it); undeclared, it was listed."""
    conv = convert(_api({
        "1": ("HyVideoModelLoader", {"model": "hunyuan_video_720_fp8_e4m3fn.safetensors", "base_precision": "bf16",
                                     "quantization": "fp8_e4m3fn", "load_device": "offload_device",
                                     "attention_mode": "sdpa"}),
        "2": ("HyVideoVAELoader", {"model_name": "hunyuan_video_vae_bf16.safetensors", "precision": "bf16"}),
        "3": ("DownloadAndLoadHyVideoTextEncoder", {"llm_model": "Kijai/llava-llama-3-8b-text-encoder-tokenizer",
                                                    "clip_model": "openai/clip-vit-large-patch14", "precision": "fp16",
                                                    "apply_final_norm": False, "hidden_state_skip_layer": 2,
                                                    "quantization": "disabled", "load_device": "offload_device"}),
        "4": ("String Literal", {"string": "a cinematic scene"}),
        "5": ("String Literal", {"string": "ugly, blurry"}),
        "6": ("HyVideoTextEncode", {"prompt": ["4", 0], "force_offload": True, "prompt_template": "video",
                                    "text_encoders": ["3", 0]}),
        "7": ("HyVideoSampler", {"width": 512, "height": 320, "num_frames": 49, "steps": 30,
                                 "embedded_guidance_scale": 6.0, "flow_shift": 9, "seed": 5, "force_offload": True,
                                 "denoise_strength": 1.0, "scheduler": "FlowMatchDiscreteScheduler",
                                 "model": ["1", 0], "hyvid_embeds": ["6", 0]}),
        "8": ("HyVideoDecode", {"enable_vae_tiling": True, "temporal_tiling_sample_size": 64,
                                "spatial_tile_sample_min_size": 256, "auto_tile_size": True, "vae": ["2", 0],
                                "samples": ["7", 0]}),
        "9": ("VHS_VideoCombine", {"frame_rate": 24, "loop_count": 0, "filename_prefix": "hy",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                   "images": ["8", 0]}),
    }), "hy.json")
    assert _nodes(conv, "video_models.text_to_video")[0].params["prompt"] == "a cinematic scene"
    assert "4" not in conv.dropped and "5" in conv.passed and not conv.dropped
    assert "'String Literal' (String Literal, #5) reaches no output of the workflow" in _said(conv)
    assert "'String Literal' (String Literal, #4)" not in _said(conv)


def _url_style(to_start: bool) -> dict:
    """Wan 2.1 image to video whose model an IPAdapter patches with a picture loaded from a web address; the same
    loader gives the start picture too where ``to_start``."""
    start = {"start_image": ["20", 0]} if to_start else {}
    return _api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a heron wading", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "20": ("LoadImageFromUrl", {"image": "https://example.com/shots/style.png", "keep_alpha_channel": False,
                                    "output_mode": False}),
        "21": ("IPAdapterUnifiedLoader", {"preset": "PLUS (high strength)", "model": ["1", 0]}),
        "22": ("IPAdapterAdvanced", {"weight": 1.0, "weight_type": "linear", "combine_embeds": "concat",
                                     "start_at": 0, "end_at": 1, "embeds_scaling": "V only", "model": ["21", 0],
                                     "ipadapter": ["21", 1], "image": ["20", 0]}),
        "23": ("LoadImage", {"image": "first.png"}),
        "6": ("WanImageToVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1, "positive": ["4", 0],
                                  "negative": ["5", 0], "vae": ["3", 0], "start_image": ["23", 0], **start}),
        "7": ("KSampler", {"seed": 7, "steps": 20, "cfg": 6, "sampler_name": "uni_pc", "scheduler": "simple",
                           "denoise": 1, "model": ["22", 0], "positive": ["6", 0], "negative": ["6", 1],
                           "latent_image": ["6", 2]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("CreateVideo", {"images": ["8", 0], "fps": 16}),
        "10": ("SaveVideo", {"video": ["9", 0], "filename_prefix": "heron", "format": "auto", "codec": "auto"}),
    })


def test_a_web_address_loader_nothing_made_reads_asks_for_no_file():
    """Vidia-Tools' SDXL AnimateDiff restyle (04): "'Load Image From URL [in_style_ref]' (LoadImageFromUrl, #167) is
    read as ComfyUI's LoadImage of 'comfyui_screenshot.png' ...: save it as comfyui_screenshot.png next to the graph"
    (false: the picture feeds only an IPAdapter Studio does not apply; no Load Image is made, nothing reads a file
    saved there). Where a Load Image is made of it, the file is still asked for."""
    said = _said(convert(_url_style(False), "style.json"))
    assert "save it as style.png next to the graph" not in said
    assert ("'LoadImageFromUrl' (LoadImageFromUrl, #20) downloads the picture from https://example.com/shots/style.png "
            "when the workflow runs: Studio makes no loader of it, as nothing it makes reads that picture") in said
    conv = convert(_url_style(True), "style.json")
    assert "save it as style.png next to the graph" in _said(conv)
    assert "style.png" in {n.params["path"] for n in _nodes(conv, "io.load_image")}


def test_comfyuis_own_loader_given_an_address_with_a_wired_setting_asks_for_the_file():
    """yvann-ba's audio-reactive pictures-to-video (14): VHS_LoadVideoPath given 'https://i.imgur.com/FZojh3v.mp4'
    (its frame cap wired) was made into a Load Video of the address itself, which Studio never downloads, and nothing
    said so; its file is now named and asked for, as where nothing of it is wired."""
    conv = convert(_api({
        "1": ("PrimitiveInt", {"value": 50}),
        "2": ("VHS_LoadVideoPath", {"video": "https://example.com/clips/motion.mp4", "force_rate": 0,
                                    "custom_width": 0, "custom_height": 0, "frame_load_cap": ["1", 0],
                                    "skip_first_frames": 0, "select_every_nth": 1}),
        "3": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "copy",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                   "images": ["2", 0]}),
    }), "copy.json")
    assert [n.params["path"] for n in _nodes(conv, "io.load_video")] == ["motion.mp4"]
    assert ("'VHS_LoadVideoPath' (VHS_LoadVideoPath, #2)'s 'video' is the web address "
            "https://example.com/clips/motion.mp4, not a file: Studio reads files only: save the clip as motion.mp4 "
            "next to the graph") in _said(conv)


def test_a_wan_21_model_no_node_shifts_samples_at_comfyuis_own_shift():
    """xueLan-io's Wan 2.1 template (06) has no ModelSamplingSD3: ComfyUI samples Wan 2.1 at the shift its model
    config gives (8); Studio's generator was left at 0, its own scheduler's (3 for Wan's ComfyUI files), unsaid."""
    latent = ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1})
    conv = convert(_wan_t2v(latent), "wan.json")
    assert _nodes(conv, "video_models.text_to_video")[0].params["shift"] == 8.0
    assert ("shift 8: no node on the model's way sets one, so ComfyUI samples Wan 2.1 at the shift its model config "
            "gives: the generator's shift") in _said(conv)
    doc = _wan_t2v(latent)
    doc["30"] = {"class_type": "ModelSamplingSD3", "inputs": {"shift": 5.0, "model": ["1", 0]}}
    doc["7"]["inputs"]["model"] = ["30", 0]
    conv = convert(doc, "wan.json")  # (a shift node's own, as before)
    assert _nodes(conv, "video_models.text_to_video")[0].params["shift"] == 5.0 and "no node on the model" not in \
        _said(conv)
