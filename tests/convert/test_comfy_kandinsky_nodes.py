"""Issue 99 item 7: Kandinsky 5 and 6 through their own ComfyUI nodes. ComfyUI's CLIPTextEncodeKandinsky5 gives the
prompt (its Qwen2.5-VL text; a CLIP-L text that differs said); kandinskylab's own nodes (the kandinsky-5
repository's comfyui workflows: Kandinsky5LoadDiT, Kandinsky5TextEncode, Kandinsky5Generate...) become Studio's
Text / Image to Video on the Kandinsky 5 DiT with the prompt, size, length, steps, cfg, shift and seed, or are held
in one sentence; Kandinsky 6's text encoder and sampler (Kandinsky6TextEncode, Kandinsky6Sampler, its PiFlow
guider) become Kandinsky 6 Video + Sound. Before, each gave no generator."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert

from .test_comfy_kandinsky6 import T2VA
from tests.convert.said import said as _said

# ComfyUI's Kandinsky 5 loaders (the Kandinsky 6 test's DualCLIPLoader and VAELoader) on its own nodes
K5_CORE = {
    **copy.deepcopy({k: T2VA[k] for k in ("2", "3")}),
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "kandinsky5lite_t2v_sft_5s.safetensors",
                                                 "weight_dtype": "default"}},
    "4": {"class_type": "CLIPTextEncodeKandinsky5", "inputs": {"clip_l": "a fox in snow",
                                                               "qwen25_7b": "a red fox runs through deep snow",
                                                               "clip": ["2", 0]}},
    "5": {"class_type": "CLIPTextEncodeKandinsky5", "inputs": {"clip_l": "blurry", "qwen25_7b": "blurry",
                                                               "clip": ["2", 0]}},
    "6": {"class_type": "Kandinsky5ImageToVideo", "inputs": {"positive": ["4", 0], "negative": ["5", 0],
                                                             "vae": ["3", 0], "width": 640, "height": 384,
                                                             "length": 61, "batch_size": 1}},
    "7": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 30, "cfg": 4.5, "sampler_name": "euler",
                                               "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                               "positive": ["6", 0], "negative": ["6", 1], "latent_image": ["6", 2]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
    "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 24}},
    "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "k5"}},
}

# kandinskylab's kandinsky5_lite_I2V workflow, as API JSON
K5_LAB = {
    "71": {"class_type": "Kandinsky5LoadTextEmbedders", "inputs": {"qwen": "text_encoder", "clip": "text_encoder2",
                                                                   "qwen_quantized": True}},
    "74": {"class_type": "Kandinsky5LoadDiT", "inputs": {"dit": "kandinsky5lite_i2v_5s.safetensors"}},
    "76": {"class_type": "Kandinsky5LoadVAE", "inputs": {"vae": "hunyuan_vae"}},
    "78": {"class_type": "LoadImage", "inputs": {"image": "dragon.jpeg"}},
    "68": {"class_type": "expand_prompt", "inputs": {"model": ["71", 0], "prompt": "Dragon breathes fire",
                                                     "image": ["78", 0], "gen_type": ["74", 2]}},
    "72": {"class_type": "Kandinsky5TextEncode", "inputs": {"model": ["71", 0], "prompt": "",
                                                            "extended_text": ["68", 0], "gen_type": ["74", 2]}},
    "73": {"class_type": "Kandinsky5TextEncode", "inputs": {"model": ["71", 0], "prompt": "Static, worst quality",
                                                            "gen_type": ["74", 2]}},
    "79": {"class_type": "Kandinsky5VAEImageEncode", "inputs": {"model": ["76", 0], "image": ["78", 0],
                                                                "config": ["74", 1]}},
    "75": {"class_type": "Kandinsky5Generate", "inputs": {
        "model": ["74", 0], "config": ["74", 1], "steps": 50, "width": 768, "height": 512, "length": 121, "cfg": 5.0,
        "scheduler_scale": 10.0, "precision": "bfloat16", "seed": 800, "positive_emb": ["72", 0],
        "positive_clip": ["72", 1], "negative_emb": ["73", 0], "negative_clip": ["73", 1], "gen_type": ["74", 2],
        "image_latent": ["79", 0]}},
    "77": {"class_type": "Kandinsky5VAEDecode", "inputs": {"model": ["76", 0], "latent": ["75", 0]}},
    "54": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["77", 0], "filename_prefix": "ComfyUI", "fps": 24,
                                                        "lossless": False, "quality": 100, "method": "default"}},
}

# the Kandinsky 6 test's workflow on Kandinsky 6's own text encoder and sampler
K6 = {**copy.deepcopy(T2VA),
      "4": {"class_type": "Kandinsky6TextEncode", "inputs": {"video_caption": "a drummer on a rainy street",
                                                             "audio_caption": "rain and drums", "clip": ["2", 0]}},
      "5": {"class_type": "Kandinsky6TextEncode", "inputs": {"video_caption": "static", "audio_caption": "",
                                                             "clip": ["2", 0]}}}
K6["7"]["class_type"] = "Kandinsky6Sampler"


def _gen(conv, type_id: str):
    return next(n for n in conv.graph.nodes.values() if n.type_id == type_id)


def _size(gen) -> tuple:
    p = gen.params
    return p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"]


def test_kandinsky5s_own_text_encoder_gives_the_prompt_and_says_a_clip_l_text_of_its_own():
    conv = convert(K5_CORE, "k5")
    gen = _gen(conv, "video_models.text_to_video")
    assert gen.params["prompt"] == "a red fox runs through deep snow" and gen.params["negative_prompt"] == "blurry"
    assert _size(gen) == (640, 384, 61, 30, 4.5, 5)
    said = _said(conv)
    assert "(#4)'s CLIP-L text ('a fox in snow') is not taken" in said
    assert "(#5)'s CLIP-L text" not in said  # the same text as its Qwen2.5-VL one: nothing lost
    assert "write it in the generator's prompt" not in said
    assert conv.graph.validate() == []


def test_kandinskylabs_image_to_video_is_studios_image_to_video_with_its_settings_and_start_image():
    conv = convert(K5_LAB, "kandinsky5_lite_I2V")
    g = conv.graph
    gen = _gen(conv, "video_models.image_to_video")
    assert _size(gen) == (768, 512, 121, 50, 5.0, 800) and gen.params["shift"] == 10.0
    assert gen.params["prompt"] == "Dragon breathes fire" and gen.params["negative_prompt"] == "Static, worst quality"
    assert g.nodes[g.input_link(gen.id, "image").src].params["path"].endswith("dragon.jpeg")
    load = _gen(conv, "video_models.load")
    assert load.params["model"] == "kandinsky5lite_i2v_5s.safetensors"
    assert conv.tasks[0]["family"] == "Kandinsky 5"
    said = _said(conv)
    assert "written by 'expand_prompt' (expand_prompt, #68) when the workflow runs" in said
    assert "'text_encoder', 'text_encoder2', 'hunyuan_vae'" in said and "not at its width and height" in said
    assert g.validate() == []


def test_kandinskylabs_text_to_video_and_a_latent_it_cannot_read_held_in_a_sentence():
    t2v = copy.deepcopy(K5_LAB)
    for k in ("78", "79", "68"):
        del t2v[k]
    del t2v["75"]["inputs"]["image_latent"], t2v["72"]["inputs"]["extended_text"]
    t2v["72"]["inputs"]["prompt"] = "a dragon over a lake"
    conv = convert(t2v, "kandinsky5_lite_T2V")
    gen = _gen(conv, "video_models.text_to_video")
    assert gen.params["prompt"] == "a dragon over a lake" and _size(gen)[:3] == (768, 512, 121)
    odd = copy.deepcopy(K5_LAB)
    odd["79"] = {"class_type": "SomeLatentMaker", "inputs": {"image": ["78", 0]}}
    conv = convert(odd, "odd")
    assert not [n for n in conv.graph.nodes.values() if n.type_id in ("video_models.image_to_video",
                                                                        "video_models.text_to_video")]
    assert conv.tasks[0]["generator"] is None and "image_latent" in conv.log[0]


def test_kandinsky6s_text_encoder_and_sampler_make_kandinsky6_video_and_sound_with_what_is_heard():
    conv = convert(K6, "k6")
    gen = _gen(conv, "video_models.kandinsky6")
    assert gen.params["prompt"] == "a drummer on a rainy street <AUDCAP>rain and drums<ENDAUDCAP>"
    assert gen.params["negative_prompt"] == "static" and _size(gen) == (864, 480, 121, 16, 1.0, 3)
    assert conv.graph.validate() == []


def test_kandinsky6s_piflow_guider_and_image_input_give_its_image_to_video_without_cfg():
    wf = copy.deepcopy(K6)
    wf["20"] = {"class_type": "Kandinsky6PiFlowGuider", "inputs": {"model": ["1", 0], "conditioning": ["21", 0]}}
    wf["21"] = {"class_type": "Kandinsky6ImageToVideoAudio", "inputs": {
        "positive": ["4", 0], "negative": ["5", 0], "empty_latent": ["6", 0], "image": ["25", 0], "vae": ["3", 0]}}
    wf["25"] = {"class_type": "LoadImage", "inputs": {"image": "drummer.png"}}
    wf["22"] = {"class_type": "RandomNoise", "inputs": {"noise_seed": 42}}
    wf["23"] = {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}}
    wf["24"] = {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 8, "denoise": 1.0,
                                                           "model": ["1", 0]}}
    wf["7"] = {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["22", 0], "guider": ["20", 0],
                                                                 "sampler": ["23", 0], "sigmas": ["24", 0],
                                                                 "latent_image": ["21", 2]}}
    conv = convert(wf, "k6_i2va")
    g = conv.graph
    gen = _gen(conv, "video_models.kandinsky6")
    assert _size(gen) == (864, 480, 121, 8, 1.0, 42)
    assert g.nodes[g.input_link(gen.id, "image").src].params["path"].endswith("drummer.png")
    assert "Kandinsky6EmptyLatent" not in _said(conv)  # its size is the generator's: not listed as dropped
