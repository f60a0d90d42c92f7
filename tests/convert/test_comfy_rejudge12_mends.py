"""Issue 112 (rejudge12): what steady10's merge brought to heldout64 07 (MCG-NJU's SteadyDancer example, kijai's
WanVideoWrapper), mended. The wrapper's SteadyDancer is now made as Studio's SteadyDancer node, which has no rate,
sampler or shift setting: the video its save writes at 24 fps was written at the pose clip's 16 with no word; the
workflow's shift 5 was said "not applied (... the model folder's scheduler's)" and its sampler "the model folder's
own scheduler", though the model read from ComfyUI's files has no folder and Studio gives it flow UniPC at the
release's shift 5 (families/wan_steady/schedule.py). The workflows are built here from node types, values and links
(API layout)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said

DANCER = "video_models.steady_dancer"


def _dance(save_rate: float, force_rate: float = 16) -> dict:
    return api({
        "1": ("WanVideoModelLoader", {"model": "WanVideo/SteadyDancer/Wan21_SteadyDancer_fp16.safetensors",
                                      "base_precision": "bf16", "quantization": "disabled",
                                      "load_device": "offload_device"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": "a dancer", "negative_prompt": "blurry", "t5": ["2", 0]}),
        "4": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "5": ("LoadImage", {"image": "dancer.png"}),
        "6": ("VHS_LoadVideo", {"video": "pose.mp4", "force_rate": force_rate, "custom_width": 0,
                                "custom_height": 0, "frame_load_cap": 0, "skip_first_frames": 0,
                                "select_every_nth": 1}),
        "7": ("WanVideoImageToVideoEncode", {"width": 480, "height": 832, "num_frames": 81, "noise_aug_strength": 0.0,
                                             "start_latent_strength": 1.0, "end_latent_strength": 1.0,
                                             "force_offload": True, "vae": ["4", 0], "start_image": ["5", 0]}),
        "8": ("WanVideoEncode", {"vae": ["4", 0], "image": ["6", 0], "enable_vae_tiling": False}),
        "11": ("WanVideoAddSteadyDancerEmbeds", {"embeds": ["7", 0], "pose_latents_positive": ["8", 0],
                                                 "pose_strength_spatial": 1.0, "pose_strength_temporal": 1.0,
                                                 "start_percent": 0.0, "end_percent": 1.0}),
        "14": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["11", 0], "steps": 4,
                                   "cfg": 1.0, "shift": 5.0, "seed": 7, "force_offload": True,
                                   "scheduler": "dpm++_sde", "riflex_freq_index": 0}),
        "15": ("WanVideoDecode", {"vae": ["4", 0], "samples": ["14", 0], "enable_vae_tiling": False}),
        "17": ("VHS_VideoCombine", {"images": ["15", 0], "frame_rate": save_rate, "filename_prefix": "dance",
                                    "format": "video/h264-mp4"}),
    })


def test_a_rate_the_steadydancer_take_is_not_written_at_is_said():
    conv = convert(_dance(24), "dance24")
    assert [t["generator"] for t in conv.tasks] == [DANCER]
    assert "fps" not in nodes_of(conv, DANCER)[0].params  # (the node has no rate: its take has the pose clip's)
    assert ("Studio's Steady Dancer has no rate setting, its take has the rate of its 'pose' clip, 16 fps "
            "('VHS_LoadVideo' (VHS_LoadVideo, #6) reads its file at that rate): Frame Rate (keep frames) after it "
            "plays its frames at 24 fps, the rate 'VHS_VideoCombine' (VHS_VideoCombine, #17) writes them at") \
        in said(conv)  # (the general rule: takes/unset_rate.py, tests/convert/test_comfy_rates10.py)
    same = said(convert(_dance(16), "dance16"))
    assert "has no rate setting" not in same  # the pose clip's own rate: nothing to say
    own = said(convert(_dance(24, force_rate=0), "dance_own"))  # the file's own rate: not known when converting
    assert "its take has the rate of its 'pose' clip, the rate of the file 'VHS_LoadVideo' (VHS_LoadVideo, #6) " \
        "loads, not known when converting" in own


def test_the_steadydancer_scheduler_is_the_one_studio_gives_its_comfyui_files():
    text = said(convert(_dance(16), "dance_sched"))
    assert "shift 5 (WanVideoSampler's own, #14): the same as the shift 5 of the scheduler Studio gives this " \
        "model's ComfyUI files" in text
    assert "the generator has no sampler setting: the scheduler Studio gives this model's ComfyUI files" in text
    assert "model folder's scheduler's" not in text and "the model folder's own scheduler" not in text
