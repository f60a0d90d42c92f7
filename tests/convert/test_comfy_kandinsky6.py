"""Kandinsky 6 from ComfyUI (issue 72): a workflow on its joint video-and-audio latent becomes Kandinsky 6
Video + Sound with the workflow's size and length; with Kandinsky6ImageToVideoAudio, its start image
(the VAEEncode's Load Image) on the node's image input."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert

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


def _ui_t2va(empty_values: list, fps_from_latent: bool) -> dict:
    """Kandinsky 6 text to video and sound in UI JSON, its empty latent's values saved by place; the video's rate
    CreateVideo's own 24, or wired from the empty latent's 'fps' output (the later form of the node)."""
    from .test_comfy_wiring import UI
    w = UI()
    unet = w.add("UNETLoader", ["kandinsky6_pro_distill_5s_bf16.safetensors", "default"], ["MODEL"])
    clip = w.add("DualCLIPLoader", ["qwen_2.5_vl_7b_fp8_scaled.safetensors", "clip_l.safetensors", "kandinsky5",
                                    "default"], ["CLIP"])
    vae = w.add("VAELoader", ["hunyuan_video_vae_bf16.safetensors"], ["VAE"])
    pos, neg = (w.add("CLIPTextEncode", [t], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
                for t in ("a drummer on a rainy street", ""))
    empty = w.add("Kandinsky6EmptyLatent", empty_values, ["LATENT", "FLOAT"])
    ks = w.add("KSampler", [3, "fixed", 16, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                "latent_image": (empty, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    video = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE"),
                                                   **({"fps": (empty, 1, "FLOAT")} if fps_from_latent else {})})
    w.add("SaveVideo", ["k6", "auto", "auto"], [], {"video": (video, 0, "VIDEO")})
    return w.doc()


def test_the_later_empty_latent_with_a_frame_rate_is_read_by_its_places():
    """The later Kandinsky6EmptyLatent saves (width, height, length, fps, batch_size): its rate is the video's (and its
    'fps' output gives it), never read as the batch size; the earlier four-value form reads as before."""
    conv = convert(_ui_t2va([832, 464, 97, 30.0, 1], True), "k6_fps")
    gen = _gen(conv.graph)
    assert (gen.params["width"], gen.params["height"], gen.params["frames"], gen.params["fps"]) == (832, 464, 97, 30.0)
    assert not any("batch" in line for line in conv.log)
    assert conv.graph.validate() == []
    gen = _gen(convert(_ui_t2va([640, 368, 49, 1], False), "k6").graph)
    assert (gen.params["width"], gen.params["height"], gen.params["frames"], gen.params["fps"]) == (640, 368, 49, 24.0)
