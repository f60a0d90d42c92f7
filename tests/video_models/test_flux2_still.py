"""FLUX.2 [klein]'s still picture (families/flux2/): ComfyUI's three files (the diffusion model in Black Forest Labs'
names, the Qwen3 text encoder, FLUX.2's VAE: tiny_flux2_files.py) read with no folder, their configs from the shapes,
diffusers' Flux2KleinPipeline made of them; Text to Video with one frame makes the pipeline's picture exactly (fp32,
CPU), the same twice for one seed, at the size asked. A wrong file is refused in words before any weight is read."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.base.errors import ModelError
from studio.engine.executor import Executor

from . import tiny_flux2_files as files
from .graphs import model_graph, spy_call
from .still_takes import PARAMS as STILL

PARAMS = {**STILL, "width": 32}  # (its sizes are multiples of 4 here: the tiny VAE's 2 and the 2 x 2 packing)

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    return files.write(str(tmp_path_factory.mktemp("flux2-comfy")))


def _graph(comfy, params=PARAMS, **load):
    g = model_graph(comfy["dit"], "video_models.text_to_video", params)
    g.nodes["load"].params.update({"text_encoder": comfy["text_encoder"], "vae": comfy["vae"], **load})
    return g


def test_the_dit_writer_is_the_inverse_of_diffusers_converter(comfy):
    import torch
    from diffusers.loaders.single_file_utils import convert_flux2_transformer_checkpoint_to_diffusers
    model = comfy["parts"]["transformer"]
    back = convert_flux2_transformer_checkpoint_to_diffusers(files.dit_comfy(model.state_dict()))
    want = model.state_dict()
    assert set(back) == set(want) and all(torch.equal(back[k], want[k]) for k in want)


def test_the_files_are_told_by_their_tensors(comfy):
    from safetensors import safe_open

    from nodes.video_models.base.recognise import recognise

    def told(path):
        with safe_open(path, "pt") as f:
            return recognise({n: tuple(f.get_slice(n).get_shape()) for n in f.keys()})
    dit, vae = told(comfy["dit"]), told(comfy["vae"])
    assert (dit.kind, dit.family, dit.variant) == ("denoiser", "flux2", "FLUX.2 [klein]")
    assert (vae.kind, vae.family, vae.variant) == ("vae", "flux2", "FLUX.2 VAE")
    assert told(comfy["text_encoder"]).kind == "text_encoder"


def _pipeline_picture(comfy, orig, kw: dict, seed: int, negative: str = ""):
    """diffusers' own Flux2KleinPipeline on the same parts (a negative prompt encoded by its encode_prompt)."""
    import diffusers
    import torch

    from nodes.video_models.families.flux2.configs import DYNAMIC_SCHEDULER
    p = comfy["parts"]
    pipe = diffusers.Flux2KleinPipeline(transformer=p["transformer"], text_encoder=p["text_encoder"],
                                        tokenizer=comfy["tokenizer"], vae=p["vae"],
                                        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**DYNAMIC_SCHEDULER))
    if negative:
        with torch.no_grad():
            kw = dict(kw, negative_prompt_embeds=pipe.encode_prompt(negative, device="cpu")[0])
    want = orig(pipe, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).images
    return np.clip(np.asarray(want, np.float32), 0, 1)


@pytest.mark.fresh_models  # (its load's message is checked: never served from the module's models)
@pytest.mark.parametrize("guidance,negative", [(5.0, ""), (1.0, ""), (5.0, "blurry sea")])
def test_the_three_files_make_the_pipelines_picture_as_a_one_frame_take(comfy, monkeypatch, guidance, negative):
    """At guidance 5 (klein base's classifier-free guidance, with the empty negative prompt diffusers encodes, or one
    given: encoded as the prompt is) and 1 (the distilled klein's: none), the take is the pipeline's own picture."""
    import diffusers
    calls, orig = spy_call(monkeypatch, diffusers.Flux2KleinPipeline, dict)
    said = []
    params = dict(PARAMS, guidance=guidance, negative_prompt=negative)
    clips = [Executor().run(_graph(comfy, params), targets=["gen"], device="cpu", use_cache=False,
                            on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", ""))))
             .value("gen") for _ in range(2)]
    clip = clips[0]
    assert (clip.n_frames, clip.width, clip.height) == (1, 32, 16) and len(calls) == 2
    assert np.array_equal(clips[0].frames, clips[1].frames)  # one seed, one picture
    assert any("FLUX.2's" in s and "Qwen3" in s and "2 single blocks" in s for s in said), said
    assert not [s for s in said if "ignored" in s], [s for s in said if "ignored" in s]
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert kw["prompt"] == "the cat" and kw["num_inference_steps"] == 2 and kw["guidance_scale"] == guidance
    assert "num_frames" not in kw and "negative_prompt" not in kw
    assert ("negative_prompt_embeds" in kw) == bool(negative)
    assert len(kw.pop("sigmas")) == 2  # the family's schedule, worked out for its fixed-shift scheduler
    seed = kw.pop("generator").initial_seed()
    kw.pop("negative_prompt_embeds", None)
    want = _pipeline_picture(comfy, orig, kw, seed, negative)
    assert want.shape == (1, 16, 32, 3) and want.std() > 0 and np.allclose(clip.frames, want, atol=1e-6)
    if negative:  # the negative prompt changes the picture: it is not the empty one's
        assert not np.allclose(want, _pipeline_picture(comfy, orig, kw, seed, ""), atol=1e-4)


def test_a_shift_samples_comfys_fixed_schedule(comfy, monkeypatch):
    """The generator's shift e^2.02 (ComfyUI's KSampler on klein: its model config's shift 2.02 on Flux's exponential
    scale) samples ComfyUI's sigmas, exp(2.02) / (exp(2.02) + 1 / t - 1) at t = 1, 1/2 (its 'simple' spacing of 2
    steps), not the family's own size-dependent schedule."""
    import math

    import diffusers
    import torch

    from nodes.video_models.families.flux2.configs import COMFY_SHIFT, SCHEDULER
    calls, orig = spy_call(monkeypatch, diffusers.Flux2KleinPipeline, dict)
    params = dict(PARAMS, guidance=1.0, shift=math.exp(COMFY_SHIFT), sampler="euler")
    clip = Executor().run(_graph(comfy, params), targets=["gen"], device="cpu", use_cache=False).value("gen")
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert "sigmas" not in kw  # (the scheduler shifts the pipeline's own spacing itself)
    seed = kw.pop("generator").initial_seed()
    p = comfy["parts"]
    pipe = diffusers.Flux2KleinPipeline(transformer=p["transformer"], text_encoder=p["text_encoder"],
                                        tokenizer=comfy["tokenizer"], vae=p["vae"],
                                        scheduler=diffusers.FlowMatchEulerDiscreteScheduler.from_config(SCHEDULER))
    e = math.exp(COMFY_SHIFT)
    comfys = [e / (e + 1 / t - 1) for t in (1.0, 0.5)]
    want = orig(pipe, **dict(kw, output_type="np", sigmas=comfys), generator=torch.Generator().manual_seed(seed)).images
    assert np.allclose(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1), atol=1e-5)
    own = _pipeline_picture(comfy, orig, kw, seed)
    assert not np.allclose(clip.frames, own, atol=1e-4)  # (the family's own schedule makes another picture)


def test_euler_at_shift_0_keeps_the_familys_schedule_and_says_it(comfy, monkeypatch):
    """The converter's sampler 'euler' at shift 0 (Flux2Scheduler's sigmas, KSamplerSelect 'euler'): diffusers' Euler
    swapped in keeps the family's schedule (its hidden '_studio_schedule'), the same picture as 'auto', and the run
    says so rather than 'shift 1'."""
    import diffusers
    calls, orig = spy_call(monkeypatch, diffusers.Flux2KleinPipeline, dict)
    said = []
    clip = Executor().run(_graph(comfy, dict(PARAMS, guidance=1.0, sampler="euler")), targets=["gen"], device="cpu",
                          use_cache=False,
                          on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", ""))))
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert len(kw.pop("sigmas")) == 2
    seed = kw.pop("generator").initial_seed()
    assert np.allclose(clip.value("gen").frames, _pipeline_picture(comfy, orig, kw, seed), atol=1e-6)
    assert any("sampling with FlowMatchEulerDiscreteScheduler, FLUX.2's schedule worked out from the size and the "
               "steps" in s for s in said), said
    assert not any("shift 1" in s for s in said), said


def test_comfys_prefixed_file_reads_as_the_bare_one(comfy, tmp_path):
    """The diffusion model under 'model.diffusion_model.' (a file saved from ComfyUI) reads to the same weights."""
    import torch
    from safetensors.torch import save_file

    from nodes.video_models.families.flux2 import pipeline
    from nodes.video_models.files.weight_formats import read_weight_file
    state = files.dit_comfy(comfy["parts"]["transformer"].state_dict(), "model.diffusion_model.")
    path = tmp_path / "flux-2-klein-prefixed.safetensors"
    save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    import diffusers
    wf = read_weight_file(str(path))
    _, cfg, _ = pipeline.denoiser_config(diffusers, None, wf)
    assert cfg["num_single_layers"] == 2 and cfg["joint_attention_dim"] == 48 and cfg["mlp_ratio"] == 3.0
    model = pipeline._transformer(diffusers, cfg, *pipeline._dit_plan(diffusers, wf, cfg), torch.float32)
    want = comfy["parts"]["transformer"].state_dict()
    assert all(torch.equal(model.state_dict()[k], want[k]) for k in want)


def test_comfys_scaled_fp8_file_keeps_each_parts_scale(comfy, tmp_path):
    """The blocks' weights in ComfyUI's scaled fp8 (a per-tensor 'scale_weight' each): the joined q/k/v split by
    diffusers' converter, each part with its whole's scale, kept in 8 bits; the transformer's output is the one of
    the model given the dequantised weights."""
    import diffusers
    import torch

    from nodes.video_models.families.flux2 import pipeline
    from nodes.video_models.files.weight_formats import read_weight_file
    from tests.video_models.tiny_formats import write_fp8

    def blocks(k, t):
        return t.dim() == 2 and k.endswith(".weight") and k.startswith(("double_blocks.", "single_blocks."))
    fp8 = torch.float8_e4m3fn
    state = files.dit_comfy(comfy["parts"]["transformer"].state_dict())
    path = write_fp8(state, str(tmp_path / "flux-2-klein-fp8.safetensors"), fp8, scaled=True, pick=blocks)
    wf = read_weight_file(path)
    assert wf.scales and any("qkv" in k for k in wf.scales)
    _, cfg, _ = pipeline.denoiser_config(diffusers, None, wf)
    model = pipeline._transformer(diffusers, cfg, *pipeline._dit_plan(diffusers, wf, cfg), torch.float32)
    assert model.transformer_blocks[0].attn.to_q.weight.dtype == fp8
    top = torch.finfo(fp8).max
    plain = {}
    for k, v in state.items():
        s = (v.abs().max() / top).clamp(min=1e-12).float() if blocks(k, v) else None
        plain[k] = (v.float() / s).to(fp8).float() * s if s is not None else v.to(torch.bfloat16).float()
    from diffusers.loaders.single_file_utils import convert_flux2_transformer_checkpoint_to_diffusers
    want = diffusers.Flux2Transformer2DModel(**files.DIT_CFG)
    want.load_state_dict(convert_flux2_transformer_checkpoint_to_diffusers(plain))
    g = torch.Generator().manual_seed(0)
    x, txt = torch.randn(1, 8, 16, generator=g), torch.randn(1, 5, 48, generator=g)
    ids = torch.zeros(1, 8, 4)
    ids[0, :, 2], ids[0, :, 3] = torch.arange(8) // 4, torch.arange(8) % 4
    args = dict(hidden_states=x, encoder_hidden_states=txt, timestep=torch.tensor([0.5]), img_ids=ids,
                txt_ids=torch.zeros(1, 5, 4), return_dict=False)
    with torch.no_grad():
        got, ref = model(**args)[0], want.eval()(**args)[0]
    assert got.std() > 0 and torch.allclose(got, ref, atol=1e-4, rtol=1e-3), (got - ref).abs().max()


def test_a_wrong_file_is_refused_in_words_before_any_weight_is_read(comfy, monkeypatch):
    """The VAE given as the text encoder, a missing VAE, the text encoder as the VAE: each one message naming the
    file, raised before the first weight is read (the lean loader is never reached)."""
    from nodes.video_models.files import single_file
    from nodes.video_models.loading.load import load_video_model

    def no_reads(*a, **k):
        raise AssertionError("a weight was read before the files were checked")
    monkeypatch.setattr(single_file, "lean_load", no_reads)
    with pytest.raises(ModelError, match=r"was given as the text encoder but is a VAE"):
        load_video_model(comfy["dit"], base=None, device="cpu",
                         parts={"text_encoder": comfy["vae"], "vae": comfy["vae"]})
    with pytest.raises(ModelError, match=r"is a FLUX.2 \[klein\] diffusion model alone: set the VAE file"):
        load_video_model(comfy["dit"], base=None, device="cpu", parts={"text_encoder": comfy["text_encoder"]})
    with pytest.raises(ModelError, match=r"was given as the VAE but is a text encoder"):
        load_video_model(comfy["dit"], base=None, device="cpu",
                         parts={"text_encoder": comfy["text_encoder"], "vae": comfy["text_encoder"]})
    from nodes.video_models.base.registry import family
    with pytest.raises(ModelError, match="makes a still picture .* 5 frames asked; set frames to 1"):
        family("flux2").refuse_call("t2v", 5, 16, 16)


def test_a_flux1_vae_and_a_text_encoder_of_another_width_are_named(comfy, tmp_path):
    """FLUX.1's ae.safetensors (no batch norm of its latents) given as the VAE, and a Qwen3 of another width as the
    text encoder: each refused naming the file and what does not fit."""
    import os
    import shutil

    from safetensors.torch import save_file
    from transformers import Qwen3Model

    from nodes.video_models.loading.load import load_video_model
    from tests.video_models.tiny_zimage_files import write as zimage_files
    z = zimage_files(str(tmp_path / "z"))
    with pytest.raises(ModelError, match=r"has no batch norm of its latents \('bn.running_mean'\), which FLUX.2's VAE "
                                         r"has"):
        load_video_model(comfy["dit"], base=None, device="cpu",
                         parts={"text_encoder": comfy["text_encoder"], "vae": z["vae"]})
    wide = Qwen3Model(files.qwen3_config(comfy["tokenizer"], width=24))
    path = tmp_path / "qwen_3_wide.safetensors"
    save_file({"model." + k: v.contiguous() for k, v in wide.state_dict().items()}, str(path))
    shutil.copytree(os.path.join(os.path.dirname(comfy["text_encoder"]), "tokenizer"), tmp_path / "tokenizer")
    with pytest.raises(ModelError, match=r"gives text states 24 wide, 3 of which side by side are 72, but the "
                                         r"diffusion model 'flux-2-klein-tiny.safetensors' reads 48"):
        load_video_model(comfy["dit"], base=None, device="cpu", parts={"text_encoder": str(path), "vae": comfy["vae"]})


def test_flux2_dev_is_refused_in_words(comfy, tmp_path):
    """FLUX.2 [dev] (a guidance embedder): told, and refused saying its text encoder is not read yet."""
    import diffusers
    from safetensors.torch import save_file

    from nodes.video_models.loading.load import load_video_model
    dev = diffusers.Flux2Transformer2DModel(**dict(files.DIT_CFG, guidance_embeds=True))
    path = tmp_path / "flux2_dev_tiny.safetensors"
    save_file({k: v.contiguous() for k, v in files.dit_comfy(dev.state_dict()).items()}, str(path))
    with pytest.raises(ModelError, match=r"is FLUX.2 \[dev\] \(its guidance embedder 'guidance_in'\), which reads "
                                         r"Mistral Small 3.1's text states"):
        load_video_model(str(path), base=None, device="cpu",
                         parts={"text_encoder": comfy["text_encoder"], "vae": comfy["vae"]})


def test_the_released_shapes_give_the_released_configs():
    """klein 4B's transformer and FLUX.2's VAE at their released sizes (built on the meta device, written under
    ComfyUI's names as shapes): the configs read from the shapes are the released ones (diffusers' defaults for
    AutoencoderKLFlux2; black-forest-labs/FLUX.2-klein-4B's transformer: 5 joint and 20 single blocks, 24 heads of
    128, Qwen3 4B's 2560-wide states three times). Nothing allocated."""
    import diffusers
    import torch
    from accelerate import init_empty_weights

    from nodes.video_models.families.flux2 import configs
    released = dict(patch_size=1, in_channels=128, out_channels=None, num_layers=5, num_single_layers=20,
                    attention_head_dim=128, num_attention_heads=24, joint_attention_dim=7680,
                    timestep_guidance_channels=256, mlp_ratio=3.0, axes_dims_rope=(32, 32, 32, 32), rope_theta=2000,
                    eps=1e-6, guidance_embeds=False)
    with init_empty_weights():
        dit = diffusers.Flux2Transformer2DModel(**released)
        vae = diffusers.AutoencoderKLFlux2()
    metas = {k: torch.empty(v.shape, device="meta") for k, v in dit.state_dict().items()}
    got = configs.transformer({k: tuple(v.shape) for k, v in files.dit_comfy(metas).items()}, "flux-2-klein-4b")
    assert got == released
    vshapes = {k: tuple(v.shape) for k, v in files.vae_comfy(vae.state_dict()).items()}
    want = {k: v for k, v in vae.config.items() if not k.startswith("_")}
    assert {k: (tuple(v) if isinstance(v, list) else v) for k, v in configs.vae(vshapes, "flux2-vae").items()} == \
        {k: (tuple(v) if isinstance(v, list) else v) for k, v in want.items()}
