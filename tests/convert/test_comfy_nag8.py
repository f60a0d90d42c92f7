"""ComfyUI's Normalized Attention Guidance patch (WanVideoNAG: a model and a conditioning in, a model out) on a Wan
take's model way: its nag_scale, nag_tau and nag_alpha read into the generator's settings (Studio's Wan applies NAG:
families/wan/nag.py) and said so, no longer 'not applied'; its conditioning said not read apart. Built from node
types, values and links (facts), in the API and the UI form."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said, ui


def _nodes(patch: dict) -> dict:
    return {
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a red fox", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("WanVideoNAG", {**patch, "model": ["1", 0], "conditioning": ["5", 0]}),
        "7": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "8": ("KSampler", {"seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0, "model": ["6", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["7", 0]}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["3", 0]}),
        "10": ("SaveAnimatedWEBP", {"filename_prefix": "nag", "fps": 16, "lossless": False, "quality": 90,
                                    "method": "default", "images": ["9", 0]})}


def _gen(conv):
    gens = nodes_of(conv, "video_models.text_to_video")
    assert len(gens) == 1
    return gens[0]


def test_wan_nag_patch_is_read_into_the_generators_settings():
    conv = convert(api(_nodes({"nag_scale": 9.5, "nag_alpha": 0.3, "nag_tau": 2.2, "input_type": "default"})), "nag")
    p = _gen(conv).params
    assert (p["nag_scale"], p["nag_tau"], p["nag_alpha"]) == (9.5, 2.2, 0.3)
    text = said(conv)
    assert "'WanVideoNAG' (WanVideoNAG, #6) applies Normalized Attention Guidance: the generator's nag_scale 9.5, " \
           "nag_tau 2.2, nag_alpha 0.3; its 'conditioning' (from 'CLIPTextEncode' (CLIPTextEncode, #5), the text " \
           "'blurry') is not read apart: Studio's guidance steers from the generator's negative prompt" in text
    assert "WanVideoNAG, #6: a model patch" not in text and "(WanVideoNAG, #6), a model patch" not in text
    assert p["negative_prompt"] == "blurry"


def test_a_ui_files_nag_values_are_read_in_their_declared_order():
    a = _nodes({})
    ins = {"UNETLoader": [], "CLIPLoader": [], "VAELoader": [], "CLIPTextEncode": [("clip", "CLIP")],
           "WanVideoNAG": [("model", "MODEL"), ("conditioning", "CONDITIONING")],
           "EmptyHunyuanLatentVideo": [],
           "KSampler": [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                        ("latent_image", "LATENT")],
           "VAEDecode": [("samples", "LATENT"), ("vae", "VAE")], "SaveAnimatedWEBP": [("images", "IMAGE")]}
    outs = {"UNETLoader": ["MODEL"], "CLIPLoader": ["CLIP"], "VAELoader": ["VAE"], "CLIPTextEncode": ["CONDITIONING"],
            "WanVideoNAG": ["MODEL"], "EmptyHunyuanLatentVideo": ["LATENT"], "KSampler": ["LATENT"],
            "VAEDecode": ["IMAGE"], "SaveAnimatedWEBP": []}
    values = {"1": ["wan2.1_t2v_1.3B_fp16.safetensors", "default"],
              "2": ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], "3": ["wan_2.1_vae.safetensors"],
              "4": ["a red fox"], "5": ["blurry"], "6": [11, 0.25, 2.4, "default"], "7": [832, 480, 33, 1],
              "8": [1, "fixed", 4, 1.0, "euler", "simple", 1.0], "9": [], "10": ["nag", 16, False, 90, "default"]}
    nodes = [(int(k), cls, ins[cls], outs[cls], values[k]) for k, (cls, _) in a.items()]
    links = [(1, 0, 6, "model"), (2, 0, 4, "clip"), (2, 0, 5, "clip"), (5, 0, 6, "conditioning"), (6, 0, 8, "model"),
             (4, 0, 8, "positive"), (5, 0, 8, "negative"), (7, 0, 8, "latent_image"), (8, 0, 9, "samples"),
             (3, 0, 9, "vae"), (9, 0, 10, "images")]
    p = _gen(convert(ui(nodes, links), "nag_ui")).params
    assert (p["nag_scale"], p["nag_alpha"], p["nag_tau"]) == (11, 0.25, 2.4)


def _two_experts(nag_on_low: bool) -> dict:
    n = _nodes({"nag_scale": 11, "nag_alpha": 0.25, "nag_tau": 2.5, "input_type": "default"})
    n["1"] = ("UNETLoader", {"unet_name": "wan2.2_t2v_high_noise_14B_fp16.safetensors", "weight_dtype": "default"})
    n["11"] = ("UNETLoader", {"unet_name": "wan2.2_t2v_low_noise_14B_fp16.safetensors", "weight_dtype": "default"})
    n["12"] = ("WanVideoNAG", {"nag_scale": 11, "nag_alpha": 0.25, "nag_tau": 2.5, "input_type": "default",
                               "model": ["11", 0], "conditioning": ["5", 0]})
    common = {"noise_seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
              "positive": ["4", 0], "negative": ["5", 0]}
    n["8"] = ("KSamplerAdvanced", {**common, "add_noise": "enable", "start_at_step": 0, "end_at_step": 2,
                                   "return_with_leftover_noise": "enable", "model": ["6", 0], "latent_image": ["7", 0]})
    n["13"] = ("KSamplerAdvanced", {**common, "add_noise": "disable", "start_at_step": 2, "end_at_step": 10000,
                                    "return_with_leftover_noise": "disable", "model": ["12" if nag_on_low else "11", 0],
                                    "latent_image": ["8", 0]})
    n["9"] = ("VAEDecode", {"samples": ["13", 0], "vae": ["3", 0]})
    return n


def test_a_nag_patch_on_one_expert_alone_is_said_applied_to_the_whole_take():
    text = said(convert(api(_two_experts(False)), "nag_high"))
    assert "'WanVideoNAG' (WanVideoNAG, #6) on the model of 'KSamplerAdvanced' (#8) only, not on that of " \
           "'KSamplerAdvanced' (#13): the generator's nag_alpha, nag_scale, nag_tau apply to every step of the take" \
           in text
    both = convert(api(_two_experts(True)), "nag_both")
    assert "apply to every step of the take" not in said(both)
    assert _gen(both).params["nag_scale"] == 11
