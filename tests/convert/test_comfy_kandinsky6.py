"""Kandinsky 6 from ComfyUI (issue 72): a workflow on its joint video-and-audio latent becomes Kandinsky 6
Video + Sound with the workflow's size and length; with Kandinsky6ImageToVideoAudio, its start image
(the VAEEncode's Load Image) on the node's image input."""
from __future__ import annotations

import copy

from studio.convert.comfy_map import convert

T2VA = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "kandinsky6_pro_distill_5s_bf16.safetensors",
                                                 "weight_dtype": "default"}},
    "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                                     "clip_name2": "clip_l.safetensors", "type": "kandinsky5",
                                                     "device": "default"}},
    "3": {"class_type": "VAELoader", "inputs": {"vae_name": "hunyuan_video_vae_bf16.safetensors"}},
    "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a drummer on a rainy street", "clip": ["2", 0]}},
    "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
    "6": {"class_type": "Kandinsky6EmptyLatent", "inputs": {"width": 864, "height": 480, "length": 121,
                                                            "batch_size": 1}},
    "7": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 16, "cfg": 1.0, "sampler_name": "euler",
                                               "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                               "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
    "9": {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "k6", "fps": 24, "lossless": False,
                                                       "quality": 90, "method": "default", "images": ["8", 0]}},
}


def _gen(g):
    return next(n for n in g.nodes.values() if n.type_id == "video_models.kandinsky6")


def test_its_joint_latent_is_kandinsky6_video_and_sound_at_the_workflows_size():
    g = convert(T2VA).graph
    gen = _gen(g)
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (864, 480, 121)
    assert gen.params["prompt"] == "a drummer on a rainy street" and g.input_link(gen.id, "image") is None


def test_its_image_to_video_keeps_the_start_image():
    wf = copy.deepcopy(T2VA)
    wf["10"] = {"class_type": "LoadImage", "inputs": {"image": "street.png"}}
    wf["11"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["3", 0]}}
    wf["12"] = {"class_type": "Kandinsky6ImageToVideoAudio", "inputs": {
        "positive": ["4", 0], "negative": ["5", 0], "empty_latent": ["6", 0], "reference_latent": ["11", 0]}}
    wf["13"] = {"class_type": "Kandinsky6RemoveReferenceLatent", "inputs": {"joint_latent": ["7", 0]}}
    wf["7"]["inputs"].update(positive=["12", 0], negative=["12", 1], latent_image=["12", 2])
    wf["8"]["inputs"]["samples"] = ["13", 0]
    g = convert(wf).graph
    gen = _gen(g)
    src = g.nodes[g.input_link(gen.id, "image").src]
    assert src.type_id == "io.load_image" and src.params["path"].endswith("street.png")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (864, 480, 121)
    assert g.validate() == []
