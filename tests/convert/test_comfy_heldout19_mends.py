"""Mechanisms a nineteenth held-out set (benchmarks/results/heldout19_2026-11-29.md: what artists share beside Wan and
LTX - all-in-ones, templates, finishing graphs, image-then-video chains) showed, each on a small hand-written
workflow, with invented pack node names where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _animatediff_restyle(control: bool) -> dict:
    """AnimateDiff SD 1.5 LCM video to video (the clip VAE-encoded, denoise 0.7); with ``control``, the clip's soft
    edges also steer a ControlNet on the prompts (sametkzl22's video_to_video, heldout19 08)."""
    wf = {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned.safetensors"}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a watercolour street", "clip": ["1", 1]}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
        "5": {"class_type": "ADE_AnimateDiffLoaderWithContext",
              "inputs": {"model_name": "mm_sd_v15_v2.safetensors", "beta_schedule": "sqrt_linear (AnimateDiff)",
                         "motion_scale": 1.0, "apply_v2_models_properly": True, "model": ["1", 0]}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 6, "cfg": 1.8, "sampler_name": "lcm",
                                                   "scheduler": "sgm_uniform", "denoise": 0.7, "model": ["5", 0],
                                                   "positive": ["2", 0], "negative": ["3", 0],
                                                   "latent_image": ["14", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}},
        "9": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["8", 0], "frame_rate": 8, "loop_count": 0,
                                                           "filename_prefix": "v2v", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
        "10": {"class_type": "VHS_LoadVideo", "inputs": {"video": "street.mp4", "force_rate": 0,
                                                         "frame_load_cap": 0, "skip_first_frames": 0,
                                                         "select_every_nth": 1}},
        "14": {"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["1", 2]}},
    }
    if control:
        wf["11"] = {"class_type": "PiDiNetPreprocessor", "inputs": {"safe": "enable", "resolution": 384,
                                                                    "image": ["10", 0]}}
        wf["12"] = {"class_type": "ControlNetLoader", "inputs": {"control_net_name": "control_sd15_softedge.pth"}}
        wf["13"] = {"class_type": "ControlNetApplyAdvanced",
                    "inputs": {"strength": 0.85, "start_percent": 0.0, "end_percent": 1.0, "positive": ["2", 0],
                               "negative": ["3", 0], "control_net": ["12", 0], "image": ["11", 0]}}
        wf["7"]["inputs"].update(positive=["13", 0], negative=["13", 1])
    return wf


def test_a_controlnet_on_the_clip_a_restyle_encodes_keeps_the_restyle_and_says_the_controlnet():
    """The clip the restyle encodes also steers a ControlNet (heldout19 08): the task is still video to video (it was
    held as "a video from video given to the sampler by ControlNetApplyAdvanced ... made from the prompt alone",
    false), its prompt read through the ControlNet apply, which is said not applied, never folded unsaid."""
    plain = convert(_animatediff_restyle(False), "v2v.json")
    conv = convert(_animatediff_restyle(True), "v2v.json")
    assert [t["task"] for t in conv.tasks] == [t["task"] for t in plain.tasks] == ["video to video"]
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.video_to_video")
    assert gen.params.get("prompt") == "a watercolour street" and abs(float(gen.params["strength"]) - 0.7) < 1e-6
    said = _said(conv)
    assert "given to the sampler by ControlNetApplyAdvanced" not in said
    apply = [x for x in said.splitlines() if "(ControlNetApplyAdvanced, #13)" in x and "not applied" in x]
    assert apply and "13" in conv.passed
