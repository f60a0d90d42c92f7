"""heldout53's mends (benchmarks/results/heldout53_2026-11-30.md), each on a minimal workflow of our own.

1. A node no catalogue holds, on a prompt's way by the name of its conditioning input but taking more than that
   conditioning (a VAE, a latent: MiniMax H3's keyframes node in 03), adds to the conditioning: the prompt is read
   through it as before, but the walk no longer marks it read, so the rules that tell such nodes say it, with its
   settings and what is not read (it was silent: named nowhere). A node taking the conditioning alone is said as
   passing it on as it is.
2. A task held with no generator (a WanVideoWrapper sampler given embeds Studio cannot read: SteadyDancer in 01, 02)
   lists, in its settings to set by hand, the values a pack's reading carries onto its sampler from another node
   (the wrapper's context options: window 81, overlap 16): they were read into nothing and named nowhere.
"""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_ctxapi6 import _wan


def _adder(cls: str, inputs: dict) -> dict:
    """An uncatalogued node between the positive prompt's encoder (#6) and the sampler's 'positive'."""
    wf = _wan({"20": (cls, inputs)}, positive=("20", 0))
    return wf


def test_an_uncatalogued_node_adding_to_the_conditioning_is_said():
    wf = _adder("SomePackKeyframes", {"conditioning": ["6", 0], "vae": ["5", 0], "latent": ["8", 0],
                                      "positions": "1,40,81", "crop": "center"})
    conv = convert(wf, "adder.json")
    text = said(conv)
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["prompt"] == "a heron lands on a pier"  # read through it, as before
    assert "'SomePackKeyframes' (SomePackKeyframes, #20)" in text  # said (it was named nowhere), with what it takes
    assert "its 'vae', 'latent' (wired) are not read either (its settings: positions 1,40,81, crop center)" in text


def test_an_uncatalogued_node_taking_the_conditioning_alone_keeps_its_sentence():
    conv = convert(_adder("SomePackUnload", {"conditioning": ["6", 0]}), "alone.json")
    text = said(conv)
    assert "#20), a type Studio's catalogue does not hold" in text
    assert "what it adds to the conditioning" not in text


def _held_with_windows() -> dict:
    return api({
        "22": ("WanVideoModelLoader", {"model": "Wan2.1-SteadyDancer_fp8_scaled_KJ.safetensors",
                                       "base_precision": "fp16_fast", "quantization": "disabled",
                                       "load_device": "offload_device", "attention_mode": "sdpa"}),
        "38": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "92": ("WanVideoTextEncodeCached", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16",
                                            "positive_prompt": "a dancer", "negative_prompt": "blurry",
                                            "quantization": "disabled", "use_disk_cache": False, "device": "gpu"}),
        "63": ("WanVideoEmptyEmbeds", {"width": 480, "height": 832, "num_frames": 81}),
        "71": ("WanVideoAddSteadyDancerEmbeds", {"embeds": ["63", 0], "pose_strength_spatial": 1,
                                                 "pose_strength_temporal": 1, "start_percent": 0, "end_percent": 1}),
        "87": ("WanVideoContextOptions", {"context_schedule": "uniform_standard", "context_frames": 81,
                                          "context_stride": 4, "context_overlap": 16, "freenoise": True,
                                          "verbose": False, "fuse_method": "linear"}),
        "27": ("WanVideoSampler", {"model": ["22", 0], "image_embeds": ["71", 0], "text_embeds": ["92", 0],
                                   "context_options": ["87", 0], "steps": 4, "cfg": 1.0, "shift": 5.0, "seed": 42,
                                   "force_offload": True, "scheduler": "dpm++_sde", "riflex_freq_index": 0,
                                   "denoise_strength": 1.0}),
        "28": ("WanVideoDecode", {"vae": ["38", 0], "samples": ["27", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "83": ("VHS_VideoCombine", {"images": ["28", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "sd",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_held_tasks_settings_hold_the_context_windows_carried_onto_its_sampler():
    conv = convert(_held_with_windows(), "held.json")
    text = said(conv)
    assert not nodes_of(conv, "video_models.text_to_video") and not nodes_of(conv, "video_models.image_to_video")
    assert "with no generator" in text
    assert ("window 81, overlap 16, context_schedule uniform (given by 'WanVideoContextOptions', #87)") in text
