"""Mechanisms a sixteenth held-out set (benchmarks/results/heldout16_2026-11-29.md: families other than Wan 2.x and
LTX-2 from small repositories) showed, each on a small hand-written workflow, with invented pack node names where the
rule is by types: a held task's empty prompt said to be a Text Prompt and the other prompt of the same node dropped."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _held_pack(positive: str, negative: str) -> dict:
    """An API file: an invented pack's loader, text encoder (one node giving both prompts) and sampler (no pack
    declares them: the task is held), a CLIP loader for the encoder, a decode and a Video Combine."""
    return {
        "1": {"class_type": "InventedVideoLoader", "inputs": {"checkpoint": "invented_i2v.safetensors"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_vl.safetensors", "type": "qwen_image"}},
        "3": {"class_type": "InventedTextEncode", "inputs": {"text": positive, "negative_text": negative,
                                                             "clip": ["2", 0]}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "5": {"class_type": "InventedSampler", "inputs": {"seed": 7, "steps": 50, "cfg": 5.0, "model": ["1", 0],
                                                          "positive": ["3", 0], "negative": ["3", 1],
                                                          "image": ["4", 0]}},
        "6": {"class_type": "InventedVAEDecode", "inputs": {"samples": ["5", 0]}},
        "7": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["6", 0], "frame_rate": 24, "loop_count": 0,
                                                           "filename_prefix": "k5", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
    }


def test_a_held_empty_prompt_is_no_text_prompt_and_the_other_prompt_of_its_node_is_held():
    """The positive prompt is empty and the negative is not (KandinskyI2V, heldout16 04): the negative is held as a
    Text Prompt; the empty positive is said to be empty, with no Text Prompt, not 'a Text Prompt'."""
    conv = convert(_held_pack("", "blurry, low quality"), "held.json")
    said = _said(conv)
    texts = {n.title: n.params.get("text") for n in conv.graph.nodes.values() if n.type_id == "io.text"}
    assert texts.get("Negative prompt") == "blurry, low quality" and "Prompt" not in texts
    pos = next(x for x in said.splitlines() if "the positive prompt comes from" in x)
    assert "is empty: no Text Prompt is made for it" in pos and "is a Text Prompt" not in pos
    neg = next(x for x in said.splitlines() if "the negative prompt comes from" in x)
    assert "is a Text Prompt" in neg


def test_a_held_task_with_both_prompts_empty_keeps_no_text_prompt_nodes():
    """Both prompts empty: the CLIP loader's sentence does not say its prompts are kept as Text Prompt nodes."""
    conv = convert(_held_pack("", ""), "held.json")
    said = _said(conv)
    assert not any(n.type_id == "io.text" for n in conv.graph.nodes.values())
    loader = next(x for x in said.splitlines() if "(CLIPLoader, #2)" in x)
    assert "kept as Text Prompt nodes" not in loader and "none is made" in loader


def test_a_held_prompts_text_node_is_not_taken_for_its_text_encoders_loader():
    """The held encoder's text comes from a text node (no input wired, a STRING out: ImageSmith's Text Multiline,
    heldout16 08): that node is not said to load the text encoder; the CLIP loader is."""
    wf = _held_pack("", "blurry")
    wf["3"]["inputs"]["text"] = ["8", 0]
    wf["8"] = {"class_type": "InventedTextBox", "inputs": {"value": "a fox in the snow"}}
    said = _said(convert(wf, "held.json"))
    assert not any("(InventedTextBox, #8) loads" in x for x in said.splitlines())
    assert any("(CLIPLoader, #2) loads the text encoder" in x for x in said.splitlines())


def _mochi_with_colour_match() -> dict:
    """Mochi text to video whose decoded frames are colour-matched to a picture (KJNodes' ColorMatch: two IMAGE
    inputs, image_ref and image_target, one IMAGE out) before the save."""
    return {
        "37": {"class_type": "UNETLoader", "inputs": {"unet_name": "mochi_preview_fp8_scaled.safetensors",
                                                      "weight_dtype": "default"}},
        "38": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "mochi"}},
        "39": {"class_type": "VAELoader", "inputs": {"vae_name": "mochi_vae.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox in the snow", "clip": ["38", 0]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["38", 0]}},
        "21": {"class_type": "EmptyMochiLatentVideo", "inputs": {"width": 512, "height": 256, "length": 31,
                                                                 "batch_size": 1}},
        "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 30, "cfg": 4.5, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1, "model": ["37", 0],
                                                   "positive": ["6", 0], "negative": ["7", 0],
                                                   "latent_image": ["21", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["39", 0]}},
        "9": {"class_type": "LoadImage", "inputs": {"image": "look.png"}},
        "10": {"class_type": "ColorMatch", "inputs": {"image_ref": ["9", 0], "image_target": ["8", 0],
                                                      "method": "mkl"}},
        "28": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["10", 0], "filename_prefix": "fox", "fps": 24,
                                                            "lossless": False, "quality": 80, "method": "default"}},
    }


def test_a_step_with_two_pictures_in_names_both():
    """A step given two pictures and giving one (ColorMatch, heldout16 08) is not said to be a step between its first
    picture input (the reference it matches colours to) and the save: both inputs are named."""
    said = _said(convert(_mochi_with_colour_match(), "fox.json"))
    line = next(x for x in said.splitlines() if "(ColorMatch, #10)" in x and "a step between" in x)
    assert "a step between its 'image_ref', 'image_target' and" in line


def _svd_refined_by_animatediff() -> dict:
    """An SVD take of a picture, its frames upscaled with a model and refined by an AnimateDiff pass (denoise 0.6)
    whose prompts go through a ControlNet given those frames (ImageSmith's img2vid, heldout16 08, made small)."""
    return {
        "1": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "svd_xt.safetensors"}},
        "2": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "3": {"class_type": "SVD_img2vid_Conditioning", "inputs": {
            "clip_vision": ["1", 1], "init_image": ["2", 0], "vae": ["1", 2], "width": 512, "height": 768,
            "video_frames": 24, "motion_bucket_id": 127, "fps": 6, "augmentation_level": 0.0}},
        "4": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 15, "cfg": 2.5, "sampler_name": "euler",
                                                   "scheduler": "karras", "denoise": 1, "model": ["1", 0],
                                                   "positive": ["3", 0], "negative": ["3", 1],
                                                   "latent_image": ["3", 2]}},
        "5": {"class_type": "VAEDecode", "inputs": {"samples": ["4", 0], "vae": ["1", 2]}},
        "6": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["5", 0], "frame_rate": 12, "loop_count": 0,
                                                           "filename_prefix": "svd_raw", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
        "10": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x_upscaler.pth"}},
        "11": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["10", 0], "image": ["5", 0]}},
        "12": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15_anime.safetensors"}},
        "13": {"class_type": "ADE_AnimateDiffLoaderGen1", "inputs": {"model_name": "temporaldiff.safetensors",
                                                                     "beta_schedule": "autoselect", "model": ["12", 0]}},
        "14": {"class_type": "CLIPTextEncode", "inputs": {"text": "masterpiece, sharp details", "clip": ["12", 1]}},
        "15": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["12", 1]}},
        "16": {"class_type": "ControlNetLoader", "inputs": {"control_net_name": "softedge.pth"}},
        "17": {"class_type": "ControlNetApplyAdvanced", "inputs": {
            "positive": ["14", 0], "negative": ["15", 0], "control_net": ["16", 0], "image": ["5", 0],
            "strength": 0.8, "start_percent": 0.0, "end_percent": 0.8}},
        "18": {"class_type": "VAEEncode", "inputs": {"pixels": ["11", 0], "vae": ["12", 2]}},
        "19": {"class_type": "KSampler", "inputs": {"seed": 2, "steps": 20, "cfg": 7.5, "sampler_name": "dpmpp_2m",
                                                    "scheduler": "karras", "denoise": 0.6, "model": ["13", 0],
                                                    "positive": ["17", 0], "negative": ["17", 1],
                                                    "latent_image": ["18", 0]}},
        "20": {"class_type": "VAEDecode", "inputs": {"samples": ["19", 0], "vae": ["12", 2]}},
        "21": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["20", 0], "frame_rate": 24, "loop_count": 0,
                                                            "filename_prefix": "refined", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}},
    }


def test_a_refine_of_an_earlier_take_is_not_said_to_be_conditioned_by_that_takes_conditioning():
    """The AnimateDiff pass's prompts reach the SVD take only through a ControlNet's picture: the pass is not said to
    be 'conditioned by SVD_img2vid_Conditioning', nor 'from an encoded image': the frames of the take it reworks."""
    said = _said(convert(_svd_refined_by_animatediff(), "refine.json"))
    assert "conditioned by SVD_img2vid_Conditioning" not in said
    assert "from an encoded image" not in said
    assert "video to video of the frames of the take 'KSampler' (#4) makes" in said


def _animatediff(motion: str, checkpoint: str) -> dict:
    """AnimateDiff text to video (Gen1 loader, 16 frames of an empty image latent) - KaranKumar004's, heldout16 12."""
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": checkpoint}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse at dusk", "clip": ["1", 1]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
        "9": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 576, "batch_size": 16}},
        "13": {"class_type": "ADE_AnimateDiffLoaderGen1", "inputs": {"model_name": motion,
                                                                     "beta_schedule": "autoselect", "model": ["1", 0]}},
        "5": {"class_type": "KSampler", "inputs": {"seed": 42, "steps": 25, "cfg": 7.5, "sampler_name": "euler",
                                                   "scheduler": "normal", "denoise": 1.0, "model": ["13", 0],
                                                   "positive": ["3", 0], "negative": ["4", 0],
                                                   "latent_image": ["9", 0]}},
        "11": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
        "20": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["11", 0], "frame_rate": 8, "loop_count": 0,
                                                            "filename_prefix": "ad", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}},
    }


def test_an_sdxl_motion_module_is_not_said_to_be_read_on_an_sd15_checkpoint():
    """An SDXL motion module on an SDXL checkpoint: not 'read as an SD 1.5 checkpoint'; said that Studio's
    AnimateDiff does not run it. An SD 1.5 module keeps the SD 1.5 words."""
    said = _said(convert(_animatediff("mm_sdxl_v10_beta.safetensors", "RealVisXL_V4.0.safetensors"), "xl.json"))
    assert "read as an SD 1.5 checkpoint" not in said
    assert "'mm_sdxl_v10_beta.safetensors' is an SDXL motion module" in said and "does not run it" in said
    said = _said(convert(_animatediff("mm_sd_v15_v2.safetensors", "dreamshaper_8.safetensors"), "sd15.json"))
    assert "read as an SD 1.5 checkpoint" in said and "SDXL motion module" not in said
