"""A clip's Video to Video read from ComfyUI's KSampler at a denoise below 1: ComfyUI runs its 'steps' over the last
part of a longer schedule; Studio's Video to Video runs 'strength' x 'steps', so its steps are made the schedule of which
the strength runs the workflow's count, said (mapping/denoise_steps.py). KSamplerAdvanced's start_at_step counts its
whole schedule already: left as read."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.mapping.denoise_steps import schedule
from tests.convert.said import nodes_of, said


def _v2v(sampler: tuple) -> dict:
    return {"1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
            "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
            "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
            "4": ("CLIPTextEncode", {"text": "a fox", "clip": ["2", 0]}),
            "5": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
            "6": ("VHS_LoadVideo", {"video": "in.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                    "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
            "7": ("VAEEncode", {"pixels": ["6", 0], "vae": ["3", 0]}),
            "8": sampler,
            "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["3", 0]}),
            "11": ("CreateVideo", {"images": ["9", 0], "fps": 16}),
            "10": ("SaveVideo", {"video": ["11", 0], "filename_prefix": "x", "format": "mp4", "codec": "h264"})}


def _api(nodes: dict) -> dict:
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


WIRED = {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["7", 0]}


def test_the_schedule_runs_the_workflows_count():
    for run, strength in ((20, 0.6), (7, 0.7), (3, 0.9094), (10, 0.5), (1, 0.3)):
        n = schedule(run, strength)
        assert int(n * strength + 1e-9) == run and int((n - 1) * strength + 1e-9) < run, (run, strength, n)


def test_a_ksamplers_denoise_runs_its_own_steps():
    conv = convert(_api(_v2v(("KSampler", {**WIRED, "seed": 1, "steps": 20, "cfg": 6, "sampler_name": "euler",
                                            "scheduler": "simple", "denoise": 0.6}))), "v2v")
    gen = nodes_of(conv, "video_models.video_to_video")[0].params
    assert gen["strength"] == 0.6 and gen["steps"] == 34 and int(34 * 0.6) == 20
    assert ("'KSampler' (KSampler, #8) runs its 20 steps over the last 60 % of its schedule (denoise 0.6): Studio's "
            "Video to Video runs 'strength' x 'steps' of its own schedule, so its steps are 34 (20 run at strength "
            "0.6)") in said(conv)


def test_a_start_step_counts_the_whole_schedule_already():
    conv = convert(_api(_v2v(("KSamplerAdvanced", {**WIRED, "add_noise": "enable", "noise_seed": 1, "steps": 20,
                                                    "cfg": 6, "sampler_name": "euler", "scheduler": "simple",
                                                    "start_at_step": 8, "end_at_step": 10000,
                                                    "return_with_leftover_noise": "disable"}))), "adv")
    gen = nodes_of(conv, "video_models.video_to_video")[0].params
    assert gen["strength"] == 0.6 and gen["steps"] == 20 and "Studio's Video to Video runs 'strength'" not in said(conv)
