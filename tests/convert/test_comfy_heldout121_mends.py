"""Held-out set 121's mends (benchmarks/results/heldout121_2026-12-01.md), each on a small workflow written here
from the facts (ComfyUI's node types, inputs and behaviour), none copied from the set's files:

- 02: SVD_img2vid_Conditioning cuts its init_image to the take's size about the middle (comfy_extras/
  nodes_video_model.py: common_upscale 'bilinear', 'center'): Image to Video's image_fit 'crop', where it was
  'stretch' (a picture of another aspect squashed, unsaid); Cosmos's two image-to-video latents likewise.
- 07: a Wan model file naming no version, given an image encoder: a CLIPVisionEncode's crop 'none' said not taken,
  as for 'Wan 2.1' (Studio's Wan loader gives every image encoder the same centre-cropping processor).
- 06: HunyuanImageToVideo's guidance_type and TextEncodeHunyuanVideo_ImageToVideo's image_interleave said, where both
  were read nowhere and said nowhere.
- 04: a Wan Animate extension sampled on the same shifted model is not said to be "another take" whose shift is not
  applied (the family reads it into the one take); a different shift on it is said against the take's.
"""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_animate_extend import BASE as ANIMATE


def _gens(conv, type_id="video_models.image_to_video"):
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


SVD = {
    "1": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "svd_xt.safetensors"}},
    "2": {"class_type": "LoadImage", "inputs": {"image": "wide.png"}},
    "3": {"class_type": "SVD_img2vid_Conditioning", "inputs": {
        "clip_vision": ["1", 1], "init_image": ["2", 0], "vae": ["1", 2], "width": 512, "height": 512,
        "video_frames": 25, "motion_bucket_id": 100, "fps": 8, "augmentation_level": 0.0}},
    "4": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["3", 0], "negative": ["3", 1],
                                               "latent_image": ["3", 2], "seed": 5, "steps": 20, "cfg": 2.0,
                                               "sampler_name": "euler", "scheduler": "karras", "denoise": 1.0}},
    "5": {"class_type": "VAEDecode", "inputs": {"samples": ["4", 0], "vae": ["1", 2]}},
    "6": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["5", 0], "filename_prefix": "svd", "fps": 8,
                                                       "lossless": False, "quality": 80, "method": "default"}},
}


def test_svd_conditioning_cuts_its_picture_about_the_middle_as_comfyui_does():
    conv = convert(copy.deepcopy(SVD), "svd")
    gens = _gens(conv)
    assert len(gens) == 1 and gens[0].params["image_fit"] == "crop"


COSMOS = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "cosmos-1_0-diffusion-7b-video2world.safetensors",
                                                 "weight_dtype": "default"}},
    "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "oldt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                 "type": "cosmos"}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a car on a road", "clip": ["2", 0]}},
    "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
    "5": {"class_type": "VAELoader", "inputs": {"vae_name": "cosmos_cv8x8x8_1.0.safetensors"}},
    "6": {"class_type": "LoadImage", "inputs": {"image": "road.png"}},
    "7": {"class_type": "CosmosImageToVideoLatent", "inputs": {"vae": ["5", 0], "start_image": ["6", 0],
                                                               "width": 1280, "height": 704, "length": 121,
                                                               "batch_size": 1}},
    "8": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0],
                                               "latent_image": ["7", 0], "seed": 5, "steps": 30, "cfg": 6.5,
                                               "sampler_name": "res_multistep", "scheduler": "karras",
                                               "denoise": 1.0}},
    "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["5", 0]}},
    "10": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["9", 0], "filename_prefix": "cosmos", "fps": 24,
                                                        "lossless": False, "quality": 85, "method": "default"}},
}


def test_cosmos_image_to_video_latent_cuts_its_start_picture_about_the_middle():
    conv = convert(copy.deepcopy(COSMOS), "cosmos")
    gens = _gens(conv)
    assert len(gens) == 1 and gens[0].params["image_fit"] == "crop"


WAN = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "Wan14Bi2vFusioniX.safetensors", "weight_dtype": "default"}},
    "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a woman turning around", "clip": ["2", 0]}},
    "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
    "5": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
    "6": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}},
    "7": {"class_type": "LoadImage", "inputs": {"image": "woman.png"}},
    "8": {"class_type": "CLIPVisionEncode", "inputs": {"clip_vision": ["6", 0], "image": ["7", 0], "crop": "none"}},
    "9": {"class_type": "WanImageToVideo", "inputs": {"positive": ["3", 0], "negative": ["4", 0], "vae": ["5", 0],
                                                      "clip_vision_output": ["8", 0], "start_image": ["7", 0],
                                                      "width": 832, "height": 480, "length": 81, "batch_size": 1}},
    "10": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["9", 0], "negative": ["9", 1],
                                                "latent_image": ["9", 2], "seed": 5, "steps": 8, "cfg": 1.0,
                                                "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0}},
    "11": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["5", 0]}},
    "12": {"class_type": "CreateVideo", "inputs": {"images": ["11", 0], "fps": 16}},
    "13": {"class_type": "SaveVideo", "inputs": {"video": ["12", 0], "filename_prefix": "wan"}},
}


def test_an_unversioned_wan_file_with_an_image_encoder_says_the_encode_crop_none():
    conv = convert(copy.deepcopy(WAN), "fusionx")
    gens = _gens(conv)
    assert len(gens) == 1
    loader = conv.graph.input_link(gens[0].id, "model").src
    assert conv.graph.nodes[loader].params["clip_vision"] == "clip_vision_h.safetensors"
    assert "'CLIPVisionEncode' (CLIPVisionEncode, #8)'s crop 'none'" in _said(conv)
    wf = copy.deepcopy(WAN)
    wf["8"]["inputs"]["crop"] = "center"  # the encoder's own cut: nothing to say
    assert "crop 'none'" not in _said(convert(wf, "fusionx-center"))


HUNYUAN = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "hunyuan_video_v2_replace_image_to_video_720p_bf16.safetensors",
                                                 "weight_dtype": "default"}},
    "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "clip_l.safetensors",
                                                     "clip_name2": "llava_llama3_fp8_scaled.safetensors",
                                                     "type": "hunyuan_video"}},
    "3": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "llava_llama3_vision.safetensors"}},
    "4": {"class_type": "LoadImage", "inputs": {"image": "woman.png"}},
    "5": {"class_type": "CLIPVisionEncode", "inputs": {"clip_vision": ["3", 0], "image": ["4", 0], "crop": "center"}},
    "6": {"class_type": "TextEncodeHunyuanVideo_ImageToVideo", "inputs": {
        "clip": ["2", 0], "clip_vision_output": ["5", 0], "prompt": "a woman talking", "image_interleave": 6}},
    "7": {"class_type": "VAELoader", "inputs": {"vae_name": "hunyuan_video_vae_bf16.safetensors"}},
    "8": {"class_type": "HunyuanImageToVideo", "inputs": {"positive": ["6", 0], "vae": ["7", 0], "start_image": ["4", 0],
                                                          "width": 848, "height": 480, "length": 53, "batch_size": 1,
                                                          "guidance_type": "v2 (replace)"}},
    "9": {"class_type": "FluxGuidance", "inputs": {"conditioning": ["8", 0], "guidance": 6.0}},
    "10": {"class_type": "ModelSamplingSD3", "inputs": {"model": ["1", 0], "shift": 7.0}},
    "11": {"class_type": "BasicGuider", "inputs": {"model": ["10", 0], "conditioning": ["9", 0]}},
    "12": {"class_type": "RandomNoise", "inputs": {"noise_seed": 5}},
    "13": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
    "14": {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": "simple", "steps": 20,
                                                      "denoise": 1.0}},
    "15": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["12", 0], "guider": ["11", 0],
                                                             "sampler": ["13", 0], "sigmas": ["14", 0],
                                                             "latent_image": ["8", 1]}},
    "16": {"class_type": "VAEDecode", "inputs": {"samples": ["15", 0], "vae": ["7", 0]}},
    "17": {"class_type": "CreateVideo", "inputs": {"images": ["16", 0], "fps": 24}},
    "18": {"class_type": "SaveVideo", "inputs": {"video": ["17", 0], "filename_prefix": "hunyuan"}},
}


def test_hunyuan_i2v_guidance_type_and_image_interleave_are_said():
    conv = convert(copy.deepcopy(HUNYUAN), "hunyuan-v2")
    assert len(_gens(conv)) == 1
    said = _said(conv)
    assert "HunyuanImageToVideo's guidance_type v2 (replace) (" in said
    assert "#6)'s image_interleave 6 (" in said and "one in 4 for a 'v2 (replace)' one" in said
    wf = copy.deepcopy(HUNYUAN)
    wf["6"]["inputs"]["image_interleave"] = 4  # what diffusers takes for the v2 model: nothing lost
    assert "image_interleave" not in _said(convert(wf, "hunyuan-v2-4"))


def _shifted(extension_shift: float) -> dict:
    wf = copy.deepcopy(ANIMATE)
    wf["30"] = {"class_type": "ModelSamplingSD3", "inputs": {"model": ["1", 0], "shift": 8.0}}
    wf["8"]["inputs"]["model"] = ["30", 0]
    if extension_shift == 8.0:
        wf["21"]["inputs"]["model"] = ["30", 0]
    else:
        wf["31"] = {"class_type": "ModelSamplingSD3", "inputs": {"model": ["1", 0], "shift": extension_shift}}
        wf["21"]["inputs"]["model"] = ["31", 0]
    return wf


def test_an_animate_extension_on_the_same_shifted_model_is_not_said_another_take():
    conv = convert(_shifted(8.0), "animate-shift")
    gens = _gens(conv, "video_models.wan_animate")
    assert len(gens) == 1 and gens[0].params["frames"] == 149 and gens[0].params["shift"] == 8.0
    said = _said(conv)
    assert "which samples another take" not in said and "later segment" not in said


def test_an_animate_extension_on_another_shift_is_said_against_the_takes():
    said = _said(convert(_shifted(5.0), "animate-shift5"))
    assert "which samples another take" not in said
    assert ("shift 5 on the model of 'KSampler' (#21), which samples a later segment of this take: not applied, the "
            "take is sampled with the generator's shift (8) throughout") in said


def test_two_experts_of_an_unversioned_wan_file_take_no_image_encoding_nothing_said():
    wf = copy.deepcopy(WAN)
    wf["20"] = {"class_type": "UNETLoader", "inputs": {"unet_name": "SmoothMix_Low.safetensors", "weight_dtype": "default"}}
    wf["1"]["inputs"]["unet_name"] = "SmoothMix_High.safetensors"
    wf["10"] = {"class_type": "KSamplerAdvanced", "inputs": {
        "model": ["1", 0], "positive": ["9", 0], "negative": ["9", 1], "latent_image": ["9", 2], "add_noise": "enable",
        "noise_seed": 5, "steps": 8, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "start_at_step": 0,
        "end_at_step": 4, "return_with_leftover_noise": "enable"}}
    wf["21"] = {"class_type": "KSamplerAdvanced", "inputs": {
        "model": ["20", 0], "positive": ["9", 0], "negative": ["9", 1], "latent_image": ["10", 0], "add_noise": "disable",
        "noise_seed": 5, "steps": 8, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "start_at_step": 4,
        "end_at_step": 10000, "return_with_leftover_noise": "disable"}}
    wf["11"]["inputs"]["samples"] = ["21", 0]
    conv = convert(wf, "two-experts")
    gens = _gens(conv)
    assert len(gens) == 1
    loader = conv.graph.nodes[conv.graph.input_link(gens[0].id, "model").src]
    while loader.type_id != "video_models.load":
        loader = conv.graph.nodes[conv.graph.input_link(loader.id, "model").src]
    assert loader.params["model_2"] == "SmoothMix_Low.safetensors"
    assert "crop 'none'" not in _said(conv)


def test_hunyuan_i2v_saved_before_guidance_type_reads_as_concat_and_its_interleave_2_is_studios():
    wf = copy.deepcopy(HUNYUAN)
    del wf["8"]["inputs"]["guidance_type"]  # an early-2025 file: the node had no guidance_type (its concat)
    wf["6"]["inputs"]["image_interleave"] = 2
    said = _said(convert(wf, "hunyuan-v1-old"))
    assert "image_interleave" not in said and "HunyuanImageToVideo's guidance_type" not in said
