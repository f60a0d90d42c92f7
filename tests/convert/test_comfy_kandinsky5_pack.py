"""Kandinsky 5 through wildminder's ComfyUI-Kandinsky nodes (and forks: gifandy's ComfyUI-Kandinsky-Ada; heldout16
03 and 04): its loader, text node, latents and sampler read as Studio's Kandinsky 5 Text / Image to Video with the
workflow's files, prompts, size, duration (seconds as the pack counts frames) and settings; what is not taken said."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from nodes.video_models.families.kandinsky5.comfy_kandinsky_ada import frames

T2V = {
    "11": {"class_type": "KandinskyV5_Loader", "inputs": {
        "variant": "sft_10s", "checkpoint_file": "kandinsky/kandinsky5lite_t2v_sft_10s.safetensors",
        "use_magcache": False, "magcache_threshold": 0.04, "blocks_in_memory": 0, "quantize_to_fp8": "off"}},
    "15": {"class_type": "CLIPLoader", "inputs": {"clip_name": "clip_l.safetensors", "type": "stable_diffusion",
                                                  "device": "default"}},
    "16": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                                  "type": "qwen_image", "device": "default"}},
    "53": {"class_type": "KandinskyV5_VAELoader", "inputs": {"vae_name": "hunyuan_video_vae_bf16.safetensors"}},
    "12": {"class_type": "KandinskyV5_TextEncode", "inputs": {
        "clip": ["15", 0], "qwen_vl": ["16", 0], "text": "a fox in the snow", "negative_text": "blurry",
        "content_type": "video"}},
    "13": {"class_type": "EmptyKandinskyV5_Latent", "inputs": {"width": 640, "height": 384, "time_length": 10.0,
                                                               "batch_size": 1}},
    "14": {"class_type": "KandinskyV5_Sampler", "inputs": {
        "model": ["11", 0], "positive": ["12", 0], "negative": ["12", 1], "latent_image": ["13", 0], "seed": 7,
        "steps": 30, "cfg": 4.5, "scheduler_scale": 8.0, "attention_mode": "nabla"}},
    "52": {"class_type": "KandinskyV5_VAEDecode", "inputs": {
        "vae": ["53", 0], "samples": ["14", 0], "enable_tiling": True, "tile_min_frames": 16, "tile_min_height": 256,
        "tile_min_width": 256}},
    "43": {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "k5", "fps": 24, "lossless": False,
                                                        "quality": 90, "method": "default", "images": ["52", 0]}},
}


def _gen(g):
    return next(n for n in g.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params)


def _load(g):
    return next(n for n in g.nodes.values() if "text_encoder_2" in n.params)


def test_its_text_to_video_is_kandinsky5_with_the_workflows_files_prompts_and_settings():
    conv = convert(copy.deepcopy(T2V))
    g, gen = conv.graph, _gen(conv.graph)
    assert gen.type_id == "video_models.text_to_video" and conv.tasks[0]["family"] == "Kandinsky 5"
    p = gen.params
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"], p["shift"]) == (
        640, 384, 241, 30, 4.5, 7, 8.0)
    assert (p["prompt"], p["negative_prompt"]) == ("a fox in the snow", "blurry")
    load = _load(g).params
    assert (load["model"], load["text_encoder"], load["text_encoder_2"], load["vae"]) == (
        "kandinsky/kandinsky5lite_t2v_sft_10s.safetensors", "qwen_2.5_vl_7b_fp8_scaled.safetensors",
        "clip_l.safetensors", "hunyuan_video_vae_bf16.safetensors")
    log = "\n".join(conv.log)
    assert "'KandinskyV5_Sampler' (#14)'s attention_mode 'nabla' is not read" in log
    assert conv.dropped == [] and g.validate() == []


def test_its_image_to_video_keeps_the_start_image_and_says_the_size():
    wf = copy.deepcopy(T2V)
    wf["61"] = {"class_type": "LoadImage", "inputs": {"image": "fox.png"}}
    wf["60"] = {"class_type": "KandinskyV5_ImageToVideoLatent", "inputs": {
        "vae": ["53", 0], "image": ["61", 0], "time_length": 5.0, "batch_size": 1, "alignment": 16}}
    wf["14"]["inputs"]["latent_image"] = ["60", 0]
    del wf["13"]
    conv = convert(wf)
    g, gen = conv.graph, _gen(conv.graph)
    assert gen.type_id == "video_models.image_to_video"
    src = g.nodes[g.input_link(gen.id, "image").src]
    assert src.type_id == "io.load_image" and src.params["path"].endswith("fox.png")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (768, 512, 121)
    assert any("'KandinskyV5_ImageToVideoLatent' (#60) scales the start image" in line for line in conv.log)


def test_a_sampler_on_a_latent_it_cannot_read_is_listed_not_made():
    wf = copy.deepcopy(T2V)
    wf["13"] = {"class_type": "SomeOtherLatent", "inputs": {"width": 640}}
    conv = convert(wf)
    assert "14" in conv.dropped and not any(n.type_id.startswith("video_models.") and "prompt" in n.params
                                            for n in conv.graph.nodes.values())


def test_seconds_count_as_the_pack_counts_frames():
    assert [frames(s) for s in (0, 2.5, 5, 10.0, -1, "5")] == [1, 61, 121, 241, None, None]


def test_a_loader_of_a_variant_names_no_file_and_says_so():
    wf = copy.deepcopy(T2V)
    wf["11"]["inputs"] = {"variant": "pretrain_5s", "use_magcache": False}  # the pack's first versions
    conv = convert(wf)
    assert _load(conv.graph).params["model"] == ""
    assert any("'KandinskyV5_Loader' (#11) loads the DiT of its variant 'pretrain_5s'" in line for line in conv.log)
