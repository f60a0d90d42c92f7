"""A converted generator is never given a sampler its family's pipeline cannot run (issue 112, samplers10): the
workflow's sampler maps to the nearest of the generators' samplers, and where the pipeline of the family being made
refuses it (diffusers' declarations: a pipeline handing its scheduler sigmas, DPMSolverMultistep taking none) the
generator keeps its default 'auto', said in the sampling note. Minimal workflows built here."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, notes

pytest.importorskip("diffusers")  # (the pipelines' declarations are read from its files)

FILES = {  # family -> (its model file, its text encoder loader, its VAE file, its empty latent)
    "hunyuan": ("hunyuan_video_t2v_720p_bf16.safetensors",
                ("DualCLIPLoader", {"clip_name1": "clip_l.safetensors", "clip_name2": "llava_llama3_fp8_scaled.safetensors",
                                    "type": "hunyuan_video"}),
                "hunyuan_video_vae_bf16.safetensors", "EmptyHunyuanLatentVideo"),
    "wan": ("wan2.1_t2v_1.3B_fp16.safetensors",
            ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
            "wan_2.1_vae.safetensors", "EmptyHunyuanLatentVideo"),
    "ltx": ("ltx-video-2b-v0.9.5.safetensors",
            ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
            "", "EmptyLTXVLatentVideo"),
}


def _workflow(family: str, sampler: str, scheduler: str = "simple") -> dict:
    model, (clip_cls, clip), vae, empty = FILES[family]
    ltx = family == "ltx"
    nodes = {
        "1": ("UNETLoader" if not ltx else "CheckpointLoaderSimple",
              {"unet_name": model, "weight_dtype": "default"} if not ltx else {"ckpt_name": model}),
        "2": (clip_cls, clip),
        "3": ("CLIPTextEncode", {"text": "a fox in the snow", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": (empty, {"width": 512, "height": 320, "length": 25, "batch_size": 1}),
        "6": ("KSampler", {"model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0], "latent_image": ["5", 0],
                           "seed": 7, "control_after_generate": "fixed", "steps": 20, "cfg": 6.0,
                           "sampler_name": sampler, "scheduler": scheduler, "denoise": 1.0}),
        "8": ("VAEDecode", {"samples": ["6", 0], "vae": ["7", 0] if not ltx else ["1", 2]}),
        "9": ("SaveAnimatedWEBP", {"images": ["8", 0], "filename_prefix": "fox", "fps": 24.0, "lossless": False,
                                   "quality": 90, "method": "default"}),
    }
    if not ltx:
        nodes["7"] = ("VAELoader", {"vae_name": vae})
    return api(nodes)


def _made(family: str, sampler: str, scheduler: str = "simple"):
    conv = convert(_workflow(family, sampler, scheduler), f"{family}_{sampler}.json")
    gens = nodes_of(conv, "video_models.text_to_video")
    assert len(gens) == 1, conv.log
    return conv, gens[0]


def _line(conv) -> str:
    return next(line for line in notes(conv).splitlines() if "nearest diffusers scheduler" in line)


def test_hunyuan_given_dpmpp_keeps_auto_and_says_why():
    conv, gen = _made("hunyuan", "dpmpp_2m")
    assert gen.params.get("sampler") == "auto"
    line = _line(conv)
    assert "sampler 'dpmpp_2m' (#6)" not in line  # (its sampler names no node of its own)
    assert ("the generator's sampler is 'auto', its default (the model's own scheduler): the nearest of its samplers, "
            "'dpm++', cannot run on HunyuanVideo (HunyuanVideoPipeline gives its scheduler a schedule of sigmas, and "
            "DPMSolverMultistepScheduler's set_timesteps takes none)") in line
    assert "the generator's sampler is 'dpm++'" not in notes(conv)


def test_a_sampler_the_pipeline_takes_is_kept():
    conv, gen = _made("hunyuan", "uni_pc")
    assert gen.params.get("sampler") == "unipc" and "the generator's sampler is 'unipc'" in _line(conv)
    conv, gen = _made("wan", "dpmpp_2m")  # WanPipeline sets its scheduler's steps alone: DPM++ runs there
    assert gen.params.get("sampler") == "dpm++" and "the generator's sampler is 'dpm++'" in _line(conv)


def test_another_family_whose_pipeline_hands_sigmas_is_read_the_same_way():
    """LTX-Video's pipeline makes its own sigmas as HunyuanVideo's does: read from its declaration, no name listed."""
    conv, gen = _made("ltx", "dpmpp_3m_sde", "karras")
    assert gen.params.get("sampler") == "auto"
    line = _line(conv)
    assert "'dpm++', cannot run on LTX-Video (LTXPipeline gives its scheduler a schedule of sigmas" in line
    assert "the 'karras' sigma spacing is not taken" in line


def test_the_families_hook_answers_from_the_task_pipeline():
    from studio.convert.families import registry as families
    hooks = families.lookup("sampler_refused")
    t2v, v2v = "video_models.text_to_video", "video_models.video_to_video"
    assert hooks and any(h("hunyuan", t2v, "dpm++") for h in hooks) and any(h("hunyuan", v2v, "dpm++") for h in hooks)
    assert not any(h("hunyuan", t2v, "euler") for h in hooks)
    assert not any(h("wan", t2v, "dpm++") for h in hooks)
    assert not any(h("no_such_family", t2v, "dpm++") for h in hooks)
    # the pipeline a generator runs, from the declared makers: LTX-Video's Video to Video is its condition pipeline
    from nodes.video_models.base.comfy_samplers import pipeline_for
    from nodes.video_models.base.registry import FAMILIES
    assert pipeline_for(FAMILIES["ltx"], v2v) == "LTXConditionPipeline"
    assert pipeline_for(FAMILIES["ltx"], t2v) == "LTXPipeline"
    assert pipeline_for(FAMILIES["hunyuan"], "video_models.image_to_video") == "HunyuanVideoImageToVideoPipeline"
