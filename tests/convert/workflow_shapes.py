"""API workflows of shapes several tests convert (each named by what it holds)."""
from __future__ import annotations


def still_then_svd(positive: str = "alpine river", negative: str = "text") -> dict:
    """A HiDream still (no Studio family makes it) drawn first, then SVD from it: held (heldout19 12's shape, its
    FLUX.1 checkpoint now made first: tests/convert/test_comfy_flux_still.py)."""
    return {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "hidream_i1_full_fp8.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": positive, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": negative, "clip": ["4", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 576, "batch_size": 1}},
        "17": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 15, "cfg": 8, "sampler_name": "uni_pc_bh2",
                                                    "scheduler": "normal", "denoise": 1, "model": ["4", 0],
                                                    "positive": ["6", 0], "negative": ["7", 0],
                                                    "latent_image": ["5", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["17", 0], "vae": ["4", 2]}},
        "15": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "svd_xt.safetensors"}},
        "12": {"class_type": "SVD_img2vid_Conditioning", "inputs": {
            "clip_vision": ["15", 1], "init_image": ["8", 0], "vae": ["15", 2], "width": 1024, "height": 576,
            "video_frames": 25, "motion_bucket_id": 127, "fps": 6, "augmentation_level": 0}},
        "3": {"class_type": "KSampler", "inputs": {"seed": 2, "steps": 20, "cfg": 2.5, "sampler_name": "euler",
                                                   "scheduler": "karras", "denoise": 1, "model": ["15", 0],
                                                   "positive": ["12", 0], "negative": ["12", 1],
                                                   "latent_image": ["12", 2]}},
        "9": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["15", 2]}},
        "10": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["9", 0], "frame_rate": 10, "loop_count": 0,
                                                            "filename_prefix": "svd", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}},
    }


def wan_t2v_combined(text="a heron lands on a pier", length=33, prefix: str = "heron", **save) -> dict:
    """Wan 2.1 text to video 1.3B (UNET, umt5 and VAE loaders; 832x480, 20 uni_pc steps, cfg 6, seed 5) written by a
    Video Combine at 16 fps; ``text`` and ``length`` a value or a link; ``save``: more of the Combine's inputs."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": text, "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": length,
                                                                  "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["4", 0], "negative": ["5", 0],
                                                   "latent_image": ["6", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "VHS_VideoCombine", "inputs": {
            "images": ["8", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": prefix,
            "format": "video/h264-mp4", "pingpong": False, "save_output": True, **save}},
    }


def wan_i2v_api(start: list, text: str = "a heron lands on a pier", **extra) -> dict:
    """Wan 2.1 image to video (API, 832x480x33, 20 steps, written at 16 fps by SaveVideo #10) whose start image is
    ``start`` (a link) and positive prompt ``text`` (a string or a link), with the nodes ``extra`` adds or replaces."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": text, "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "WanImageToVideo", "inputs": {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                                          "start_image": start, "width": 832, "height": 480,
                                                          "length": 33, "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["6", 0], "negative": ["6", 1],
                                                   "latent_image": ["6", 2]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "heron", "format": "auto",
                                                     "codec": "auto"}},
        **extra,
    }


def ltx_director_take(director: dict, *, rate_slot: int, scale_by: float = 1, upscale_method: str = "nearest-exact",
                      fps=24) -> dict:
    """An LTX-2.3 take through WhatDreamsCost's LTX Director (API): the Director (#5) with the settings ``director``
    (its model, text encoder and audio VAE wired), its frame rate given to LTXVConditioning from its output
    ``rate_slot`` (releases differ), its guide (#8) resizing the latent by ``scale_by``, sampled once (8 steps, seed
    12), decoded with its sound and written by SaveVideo #19 at ``fps`` (a number or a link)."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors"}),
        "2": ("DualCLIPLoader", {"clip_name1": "gemma_3_12B_it_fp4_mixed.safetensors",
                                 "clip_name2": "ltx-2.3_text_projection_bf16.safetensors", "type": "ltxv",
                                 "device": "default"}),
        "3": ("VAELoader", {"vae_name": "LTX23_video_vae_bf16.safetensors"}),
        "4": ("VAELoader", {"vae_name": "LTX23_audio_vae_bf16.safetensors"}),
        "5": ("LTXDirector", {**director, "model": ["1", 0], "clip": ["2", 0], "audio_vae": ["4", 0]}),
        "6": ("LTXVConditioning", {"frame_rate": ["5", rate_slot], "positive": ["5", 1], "negative": ["7", 0]}),
        "7": ("ConditioningZeroOut", {"conditioning": ["5", 1]}),
        "8": ("LTXDirectorGuide", {"scale_by": scale_by, "upscale_method": upscale_method, "positive": ["6", 0],
                                   "negative": ["6", 1], "vae": ["3", 0], "latent": ["5", 2], "guide_data": ["5", 4]}),
        "9": ("LTXVConcatAVLatent", {"video_latent": ["8", 2], "audio_latent": ["5", 3]}),
        "10": ("CFGGuider", {"cfg": 1, "model": ["5", 0], "positive": ["8", 0], "negative": ["8", 1]}),
        "11": ("KSamplerSelect", {"sampler_name": "euler"}),
        "12": ("BasicScheduler", {"scheduler": "linear_quadratic", "steps": 8, "denoise": 1, "model": ["5", 0]}),
        "13": ("RandomNoise", {"noise_seed": 12}),
        "14": ("SamplerCustomAdvanced", {"noise": ["13", 0], "guider": ["10", 0], "sampler": ["11", 0],
                                         "sigmas": ["12", 0], "latent_image": ["9", 0]}),
        "15": ("LTXVSeparateAVLatent", {"av_latent": ["14", 0]}),
        "16": ("VAEDecode", {"samples": ["15", 0], "vae": ["3", 0]}),
        "17": ("LTXVAudioVAEDecode", {"samples": ["15", 1], "audio_vae": ["4", 0]}),
        "18": ("CreateVideo", {"fps": fps, "images": ["16", 0], "audio": ["17", 0]}),
        "19": ("SaveVideo", {"filename_prefix": "video/director", "format": "auto", "codec": "auto",
                             "video": ["18", 0]}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def wan_a14b_split() -> dict:
    """Wan 2.2 A14B (API): one BasicScheduler of 10 steps split at 6 by SplitSigmas, the high expert (#36) on the
    first part, the low (#32) sampling on from its latent with no noise added; decoded as '8', no save (the test adds
    its own)."""
    def node(c, i):
        return {"class_type": c, "inputs": i}
    return {
        "37": node("UNETLoader", {"unet_name": "wan2.2_t2v_high_noise_14B.safetensors", "weight_dtype": "default"}),
        "56": node("UNETLoader", {"unet_name": "wan2.2_t2v_low_noise_14B.safetensors", "weight_dtype": "default"}),
        "38": node("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "39": node("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": node("CLIPTextEncode", {"text": "a cat", "clip": ["38", 0]}),
        "40": node("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "34": node("BasicScheduler", {"scheduler": "simple", "steps": 10, "denoise": 1, "model": ["37", 0]}),
        "29": node("SplitSigmas", {"step": 6, "sigmas": ["34", 0]}),
        "31": node("KSamplerSelect", {"sampler_name": "euler"}),
        "35": node("RandomNoise", {"noise_seed": 5}),
        "28": node("DisableNoise", {}),
        "30": node("BasicGuider", {"model": ["37", 0], "conditioning": ["6", 0]}),
        "33": node("BasicGuider", {"model": ["56", 0], "conditioning": ["6", 0]}),
        "36": node("SamplerCustomAdvanced", {"noise": ["35", 0], "guider": ["30", 0], "sampler": ["31", 0],
                                             "sigmas": ["29", 0], "latent_image": ["40", 0]}),
        "32": node("SamplerCustomAdvanced", {"noise": ["28", 0], "guider": ["33", 0], "sampler": ["31", 0],
                                             "sigmas": ["29", 1], "latent_image": ["36", 0]}),
        "8": node("VAEDecode", {"samples": ["32", 0], "vae": ["39", 0]}),
    }


def ltx2_gemma_enhanced(shared: bool = False, ltxv: str = "ltx-2-19b-distilled.safetensors") -> dict:
    """LTX-2 distilled image to video (API), its positive written by LTXVideo's Gemma enhancer ('20') on its
    LTXVGemmaCLIPModelLoader ('2'); ``shared``: one CLIPTextEncode gives LTXVConditioning's positive and negative
    (Lightricks' LTX-2 I2V example, cfg 1)."""
    from tests.convert.test_comfy_ltx2_condition_only import _doc as _ltx
    wf = _ltx(bypass=False)
    wf["2"] = {"class_type": "LTXVGemmaCLIPModelLoader", "inputs": {"gemma_path": "gemma-3-12b-it/model.safetensors",
                                                                   "ltxv_path": ltxv, "max_length": 1024}}
    wf["20"] = {"class_type": "LTXVGemmaEnhancePrompt", "inputs": {"clip": ["2", 0], "image": ["6", 0],
                                                                  "prompt": "an owl teaches its owlet to fly",
                                                                  "system_prompt": "You are a creative assistant.",
                                                                  "max_tokens": 512, "bypass_i2v": False, "seed": 42}}
    wf["3"]["inputs"]["text"] = ["20", 0]
    if shared:
        wf["11"]["inputs"]["negative"] = ["3", 0]
    return wf
