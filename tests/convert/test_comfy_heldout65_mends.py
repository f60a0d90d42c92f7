"""Mends from the sixty-fifth held-out set (today's video models in any kind of repository): each test builds a
minimal workflow from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said


def _framepack_cascade() -> dict:
    """FramePack's cascade sampler (a fork's: held, no generator) from a start picture and an end picture, both
    resized to the bucket FramePackFindNearestBucket measures on the start picture (its INTs wired to each resize)."""
    return api({
        "12": ("VAELoader", {"vae_name": "hunyuan_video_vae_bf16.safetensors"}),
        "13": ("DualCLIPLoader", {"clip_name1": "clip_l.safetensors", "clip_name2": "llava_llama3_fp8_scaled.safetensors",
                                  "type": "hunyuan_video", "device": "default"}),
        "47": ("CLIPTextEncode", {"text": "a girl dancing", "clip": ["13", 0]}),
        "15": ("ConditioningZeroOut", {"conditioning": ["47", 0]}),
        "18": ("CLIPVisionLoader", {"clip_name": "sigclip_vision_patch14_384.safetensors"}),
        "19": ("LoadImage", {"image": "start.png"}),
        "51": ("FramePackFindNearestBucket", {"image": ["19", 0], "base_resolution": 640}),
        "50": ("ImageResize+", {"image": ["19", 0], "width": ["51", 0], "height": ["51", 1], "interpolation": "lanczos",
                                "method": "stretch", "condition": "always", "multiple_of": 0}),
        "17": ("CLIPVisionEncode", {"clip_vision": ["18", 0], "image": ["50", 0], "crop": "center"}),
        "20": ("VAEEncode", {"pixels": ["50", 0], "vae": ["12", 0]}),
        "79": ("LoadImage", {"image": "end.png"}),
        "81": ("ImageResize+", {"image": ["79", 0], "width": ["51", 0], "height": ["51", 1], "interpolation": "lanczos",
                                "method": "stretch", "condition": "always", "multiple_of": 0}),
        "84": ("VAEEncode", {"pixels": ["81", 0], "vae": ["12", 0]}),
        "109": ("LatentMultiply", {"samples": ["84", 0], "multiplier": 0.7}),
        "52": ("LoadFramePackModel", {"model": "FramePackI2V_HY_fp8_e4m3fn.safetensors", "base_precision": "bf16",
                                      "quantization": "fp8_e4m3fn", "attention_mode": "sdpa"}),
        "154": ("FramePackCascadeSampler", {
            "model": ["52", 0], "positive": ["47", 0], "negative": ["15", 0], "image_embeds": ["17", 0],
            "start_latent": ["20", 0], "end_latent": ["109", 0], "steps": 15, "use_teacache": True,
            "teacache_rel_l1_thresh": 0.3, "cfg": 1, "guidance_scale": 10, "shift": 0, "seed": 3,
            "latent_window_size": 9, "total_second_length": 5, "gpu_memory_preservation": 6, "sampler": "unipc_bh1",
            "denoise_strength": 1, "keyframe_weight": 1.5, "section_start": 0, "section_count": 1,
            "total_generated_latent_frames": 0}),
        "133": ("VAEDecodeTiled", {"samples": ["154", 0], "vae": ["12", 0], "tile_size": 256, "overlap": 64,
                                   "temporal_size": 64, "temporal_overlap": 8}),
        "134": ("VHS_VideoCombine", {"images": ["133", 0], "frame_rate": 24, "loop_count": 0,
                                     "filename_prefix": "FramePack", "format": "video/h264-mp4", "pingpong": False,
                                     "save_output": True}),
    })


def test_a_held_encode_names_only_the_picture_on_its_pixels_way_not_one_a_size_is_measured_on():
    """05 (nirvash's FramePack cascade): the end picture's VAEEncode (#84) was said to encode "the pictures on its
    'pixels' (from 'start.png', 'end.png', ...)": the bucket its resize is given (two INTs) is measured on the start
    picture, which is no picture of #84's. The picture's way is followed through its non-number inputs alone."""
    text = said(convert(_framepack_cascade(), "cascade.json"))
    assert ("'VAEEncode' (VAEEncode, #84) encodes the pictures on its 'pixels' (from 'end.png', loaded in the held "
            "band)") in text
    assert "(from 'start.png', 'end.png'" not in text and "(from 'end.png', 'start.png'" not in text
    assert "'VAEEncode' (VAEEncode, #20) encodes the pictures on its 'pixels' (from 'start.png', loaded" in text


def _h3_bridge() -> dict:
    """MiniMax H3's masked audio-video bridge between two clips (a pack node on the latent way: the take held), the
    prompt on MiniMaxH3ImageToVideo, whose conditioning a BasicGuider takes on its 'conditioning'."""
    return api({
        "1": ("VHS_LoadVideo", {"video": "a.mp4", "force_rate": 24, "custom_width": 864, "custom_height": 480,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "2": ("VHS_LoadVideo", {"video": "b.mp4", "force_rate": 24, "custom_width": 864, "custom_height": 480,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "10": ("UNETLoader", {"unet_name": "minimax_h3_ref2va_pruned_int8_convrot.safetensors",
                              "weight_dtype": "default"}),
        "11": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_int8_convrot.safetensors", "type": "minimax",
                              "device": "default"}),
        "12": ("VAELoader", {"vae_name": "minimax_h3_video_vae_int8_convrot.safetensors"}),
        "13": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
        "20": ("MiniMaxH3ImageToVideo", {"clip": ["11", 0], "vae": ["12", 0], "prompt": "a seamless bridge",
                                         "width": 864, "height": 480, "length": 192}),
        "21": ("MiniMaxH3MaskedAVBridge", {"latent": ["20", 1], "vae": ["12", 0], "audio_vae": ["13", 0],
                                           "start_frames": ["1", 0], "start_audio": ["1", 2], "end_frames": ["2", 0],
                                           "end_audio": ["2", 2], "start_fps": 24.0, "end_fps": 24.0,
                                           "preserve_frames": 39, "crop": "center"}),
        "30": ("RandomNoise", {"noise_seed": 123}),
        "31": ("BasicGuider", {"model": ["10", 0], "conditioning": ["20", 0]}),
        "32": ("KSamplerSelect", {"sampler_name": "res_multistep"}),
        "33": ("BasicScheduler", {"model": ["10", 0], "scheduler": "simple", "steps": 20, "denoise": 1.0}),
        "34": ("SamplerCustomAdvanced", {"noise": ["30", 0], "guider": ["31", 0], "sampler": ["32", 0],
                                         "sigmas": ["33", 0], "latent_image": ["21", 0]}),
        "35": ("VAEDecode", {"samples": ["34", 0], "vae": ["12", 0]}),
        "60": ("CreateVideo", {"images": ["35", 0], "fps": 24.0}),
        "61": ("SaveVideo", {"video": ["60", 0], "filename_prefix": "video/bridge", "format": "auto", "codec": "auto"}),
    })


def test_a_held_takes_prompt_on_a_basic_guiders_conditioning_is_kept():
    """02 (seitanism's MiniMax H3 AV bridge): held (the sampler starts from the bridge node's latent), the prompt
    MiniMaxH3ImageToVideo encodes, which a BasicGuider takes on its 'conditioning' (not 'positive'), was dropped with no
    sentence: the held graph held the loader and the two clips only. It is kept as a Text Prompt, its encoder's loader
    said."""
    conv = convert(_h3_bridge(), "bridge.json")
    texts = [n.params.get("text") for n in nodes_of(conv, "io.text")]
    assert "a seamless bridge" in texts
    assert ("'CLIPLoader' (CLIPLoader, #11) loads the text encoder 'qwen3vl_32b_minimax_h3_int8_convrot.safetensors' "
            "that encodes the held task's prompts (#20)") in said(conv)
    fixed = _h3_bridge()  # a guider given a conditioning no text encoder makes (a depth pass's LotusConditioning):
    fixed["70"] = {"class_type": "LotusConditioning", "inputs": {}}  # no prompt is read of it
    fixed["31"]["inputs"]["conditioning"] = ["70", 0]
    assert "LotusConditioning" not in "\n".join(
        line for line in said(convert(fixed, "bridge.json")).splitlines() if "prompt" in line)


def _hunyuan15_sr(named: bool) -> dict:
    """HunyuanVideo 1.5 image to video, then its super-resolution pass on the SR model; ``named``: the loaders name
    their files (else every loader is given one generic key, as a RunPod request re-keyed them)."""
    def loader(name):
        return {"unet_name": name, "weight_dtype": "default"} if named else {"filename": name}
    return api({
        "10": ("VAELoader", {"vae_name": "hunyuanvideo15_vae_fp16.safetensors"}),
        "11": ("DualCLIPLoader", {"clip_name1": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                  "clip_name2": "byt5_small_glyphxl_fp16.safetensors", "type": "hunyuan_video_15",
                                  "device": "default"}),
        "12": ("UNETLoader", loader("hunyuanvideo1.5_720p_i2v_fp16.safetensors")),
        "44": ("CLIPTextEncode", {"text": "a slow dolly into the room", "clip": ["11", 0]}),
        "93": ("CLIPTextEncode", {"text": "distortion", "clip": ["11", 0]}),
        "80": ("LoadImage", {"image": "room.png"}),
        "78": ("HunyuanVideo15ImageToVideo", {"positive": ["44", 0], "negative": ["93", 0], "vae": ["10", 0],
                                              "start_image": ["80", 0], "width": 1280, "height": 720, "length": 121,
                                              "batch_size": 1}),
        "130": ("ModelSamplingSD3", {"model": ["12", 0], "shift": 7}),
        "129": ("CFGGuider", {"model": ["130", 0], "positive": ["78", 0], "negative": ["78", 1], "cfg": 6}),
        "126": ("BasicScheduler", {"model": ["12", 0], "scheduler": "simple", "steps": 20, "denoise": 1}),
        "127": ("RandomNoise", {"noise_seed": 887}),
        "128": ("KSamplerSelect", {"sampler_name": "euler"}),
        "125": ("SamplerCustomAdvanced", {"noise": ["127", 0], "guider": ["129", 0], "sampler": ["128", 0],
                                          "sigmas": ["126", 0], "latent_image": ["78", 2]}),
        "108": ("LatentUpscaleModelLoader", {"model_name": "hunyuanvideo15_latent_upsampler_1080p.safetensors"}),
        "109": ("HunyuanVideo15LatentUpscaleWithModel", {"model": ["108", 0], "samples": ["125", 0],
                                                         "upscale_method": "bilinear", "width": 1920, "height": 1080,
                                                         "crop": "disabled"}),
        "113": ("HunyuanVideo15SuperResolution", {"positive": ["44", 0], "negative": ["93", 0], "vae": ["10", 0],
                                                  "start_image": ["80", 0], "latent": ["109", 0],
                                                  "noise_augmentation": 0.7}),
        "111": ("UNETLoader", loader("hunyuanvideo1.5_1080p_sr_distilled_fp16.safetensors")),
        "133": ("ModelSamplingSD3", {"model": ["111", 0], "shift": 2}),
        "141": ("CFGGuider", {"model": ["133", 0], "positive": ["113", 0], "negative": ["113", 1], "cfg": 1}),
        "134": ("BasicScheduler", {"model": ["111", 0], "scheduler": "simple", "steps": 8, "denoise": 1}),
        "131": ("RandomNoise", {"noise_seed": 889}),
        "138": ("SamplerCustomAdvanced", {"noise": ["131", 0], "guider": ["141", 0], "sampler": ["128", 0],
                                          "sigmas": ["134", 0], "latent_image": ["113", 2]}),
        "117": ("VAEDecode", {"samples": ["138", 0], "vae": ["10", 0]}),
        "114": ("CreateVideo", {"images": ["117", 0], "fps": 24}),
        "118": ("SaveVideo", {"video": ["114", 0], "filename_prefix": "video/sr", "format": "auto", "codec": "auto"}),
    })


def test_a_pass_on_another_model_is_no_expert_where_the_takes_family_has_none_its_file_unread():
    """01 (a RunPod request's HunyuanVideo 1.5 with its SR pass, every loader re-keyed so no file is read): the SR
    pass on the SR model was said "the low-noise expert: 'SamplerCustomAdvanced' (#138) ... (diffusers switches
    experts at the model's boundary_ratio)" and "second expert None is not a file name": HunyuanVideo 1.5, the family
    the take is read as, has no experts. The pass is said not made, as where the files name the family."""
    for named in (True, False):
        text = said(convert(_hunyuan15_sr(named), "sr.json"))
        assert "low-noise expert" not in text and "second expert" not in text
        assert "'SamplerCustomAdvanced' (SamplerCustomAdvanced, #138) samples on with another model" in text
        assert "HunyuanVideo 1.5's generator takes one model, not two experts, so that pass is not made" in text
    assert "('UNETLoader' (UNETLoader, #111), whose file Studio does not read)" in said(convert(_hunyuan15_sr(False),
                                                                                              "sr.json"))
