"""Mechanisms the hundred-and-twenty-sixth held-out set (benchmarks/results/heldout126_2026-12-01.md) showed: a node
that wraps the sampler it is given (told by its declared types: one SAMPLER in, one SAMPLER out, no 'sampler_name' of
its own; Detail Daemon's DetailDaemonSamplerNode around a KSamplerSelect) had been taken as the sampler itself: the note
said "no sampler named", the KSamplerSelect naming the sampler was listed as not converted, and the wrapper's own
settings were said nowhere. The sampler it wraps is read now, and its change said not applied with its settings."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, notes, said
from tests.convert.test_comfy_wiring import UI


def _wan_t2v(wrapper: tuple[str, dict] | None) -> dict:
    """ComfyUI's Wan 2.1 text to video by SamplerCustomAdvanced, its sampler KSamplerSelect 'euler', through
    ``wrapper`` (a class type and its own inputs) where one is given."""
    nodes = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a fox in the snow", "clip": ["2", 0]}),
        "5": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "6": ("KSamplerSelect", {"sampler_name": "euler"}),
        "7": ("BasicScheduler", {"scheduler": "simple", "steps": 12, "denoise": 1.0, "model": ["1", 0]}),
        "8": ("RandomNoise", {"noise_seed": 5}),
        "9": ("BasicGuider", {"model": ["1", 0], "conditioning": ["4", 0]}),
        "10": ("SamplerCustomAdvanced", {"noise": ["8", 0], "guider": ["9", 0], "sampler": ["11" if wrapper else "6", 0],
                                         "sigmas": ["7", 0], "latent_image": ["5", 0]}),
        "12": ("VAEDecode", {"samples": ["10", 0], "vae": ["3", 0]}),
        "13": ("CreateVideo", {"fps": 16, "images": ["12", 0]}),
        "14": ("SaveVideo", {"filename_prefix": "fox", "format": "auto", "codec": "auto", "video": ["13", 0]}),
    }
    if wrapper:
        nodes["11"] = (wrapper[0], {**wrapper[1], "sampler": ["6", 0]})
    return api(nodes)


DAEMON = ("DetailDaemonSamplerNode", {"detail_amount": 0.3, "start": 0.35, "end": 0.8, "bias": 0.5, "exponent": 1,
                                      "start_offset": 0, "end_offset": 0, "fade": 0, "smooth": True,
                                      "cfg_scale_override": 0})


def test_a_sampler_wrapped_by_detail_daemon_is_read_and_the_wrapper_said():
    conv = convert(_wan_t2v(DAEMON), "daemon")
    text = said(conv)
    assert "sampler 'euler'" in text and "no sampler named" not in text
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["sampler"] == "euler"
    assert ("'DetailDaemonSamplerNode' (DetailDaemonSamplerNode, #11) changes the sampler 'euler' it is given by "
            "'KSamplerSelect' (KSamplerSelect, #6): its change is not applied") in text
    assert "detail_amount 0.3" in text
    assert "KSamplerSelect" not in next((n for n in notes(conv).split("\n\n") if "not converted" in n), "")


def test_the_same_workflow_without_the_wrapper_says_no_change():
    text = said(convert(_wan_t2v(None), "plain"))
    assert "sampler 'euler'" in text and "changes the sampler" not in text


def test_an_uncatalogued_wrapper_is_told_by_the_types_its_ui_file_saves():
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a fox in the snow"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    lat = w.add("EmptyHunyuanLatentVideo", [832, 480, 33, 1], ["LATENT"])
    sel = w.add("KSamplerSelect", ["uni_pc"], ["SAMPLER"])
    jitter = w.add("AcmeSamplerJitter", [0.25], ["SAMPLER"], {"sampler": (sel, 0, "SAMPLER")})
    sch = w.add("BasicScheduler", ["simple", 12, 1.0], ["SIGMAS"], {"model": (unet, 0, "MODEL")})
    noise = w.add("RandomNoise", [5, "fixed"], ["NOISE"])
    guide = w.add("BasicGuider", [], ["GUIDER"], {"model": (unet, 0, "MODEL"), "conditioning": (pos, 0, "CONDITIONING")})
    run = w.add("SamplerCustomAdvanced", [], ["LATENT", "LATENT"],
                {"noise": (noise, 0, "NOISE"), "guider": (guide, 0, "GUIDER"), "sampler": (jitter, 0, "SAMPLER"),
                 "sigmas": (sch, 0, "SIGMAS"), "latent_image": (lat, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (run, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    w.add("SaveAnimatedWEBP", ["fox", 16, False, 90, "default"], [], {"images": (dec, 0, "IMAGE")})
    conv = convert(w.doc(), "jitter")
    text = said(conv)
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["sampler"] == "unipc"
    assert f"'AcmeSamplerJitter' (AcmeSamplerJitter, #{jitter}) changes the sampler 'uni_pc' it is given by " in text
