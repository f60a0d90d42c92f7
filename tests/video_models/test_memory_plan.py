"""The memory plan holds (issue 73): the peak predicted for each mode and cap bounds the one
measured on an H200 (Wan 2.1 14B's real transformer config, random weights, 832x480x33, caps set
with set_per_process_memory_fraction), and a mode that ran out of memory there is refused and
replaced before anything loads. The model is built on the meta device: its parameters are counted
(in bf16 and under diffusers' fp8 layerwise casting), never made."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import pytest

from nodes.video_models.memory import plan as P
from nodes.video_models.memory.sizes import GB, usable
from nodes.video_models.families.wan.memory_counts import ACTIVATION as WAN

pytest.importorskip("diffusers")

# (layout, cap GB, blocks kept, measured peak GB or None: ran out of memory), from ISSUE 73's table
MEASURED = [
    (P.FP8_MODEL_OFFLOAD, 22, 0, 15.4),  # 'fp8' as it was: every part model-offloaded
    (P.LAYOUTS["fp8+block_offload"], 22, 40, 17.8),
    (P.FP8_MODEL_OFFLOAD, 12, 0, None),
    (P.LAYOUTS["fp8+block_offload"], 12, 23, None),
    (P.LAYOUTS["block_offload"], 12, 7, 9.0),
    (P.LAYOUTS["gpu"], None, 0, 32.0),  # uncapped, all on the GPU
    # the GPU check on an H200, 2026-11-26 (benchmarks/results/gpu_h200_2026-11-26): fp8 as it is now (the denoiser
    # kept, the others streamed), and the plan's fp8 + block offload
    (P.LAYOUTS["fp8"], 22, 0, 18.2),
    (P.LAYOUTS["fp8+block_offload"], 16, 26, 13.1),
    (P.LAYOUTS["fp8+block_offload"], 12, 15, 9.4),
    (P.LAYOUTS["fp8+block_offload"], 8, 5, None),  # peak 6.0 GB with 38 allocator retries once, out of memory once
    # the second H200 lease (benchmarks/results/gpu_h200_2026-11-26b), the plan with its 1.5 GB slack: 8 GB keeps 3
    (P.LAYOUTS["fp8+block_offload"], 8, 3, 5.4),  # ran twice, 5.3 and 5.4 GB, 2 allocator retries each
]


def wan14b(experts: int = 1) -> P.Parts:
    """Wan 2.1 14B's transformer (Wan 2.2 A14B: two of them) from its real config, on the meta
    device; the benchmark's 2-layer UMT5 of the real width (0.72 GB) and the Wan VAE in bf16."""
    import torch
    from diffusers import WanTransformer3DModel
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    try:
        with meta_device():
            tr = WanTransformer3DModel(patch_size=(1, 2, 2), text_dim=4096, freq_dim=256, cross_attn_norm=True,
                                       qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024,
                                       num_attention_heads=40, attention_head_dim=128, ffn_dim=13824, num_layers=40,
                                       in_channels=16, out_channels=16)
    finally:
        torch.set_default_dtype(old)
    return P.Parts(P.denoiser_facts(tr, experts=experts, activation=WAN), text=int(0.72 * GB), vae=int(0.236 * GB))


@pytest.fixture(scope="module")
def parts():
    return wan14b()


def test_the_count_is_the_real_model(parts):
    d = parts.denoiser
    assert d.blocks == 40 and d.hidden == 5120 and d.ffn == 13824
    assert 26.5 * GB < d.weights(False) < 26.7 * GB  # 14.3 B weights in bf16
    assert 13.4 * GB < d.weights(True) < 13.7 * GB  # fp8: the norms and the condition embedder stay bf16
    assert 0.32 * GB < d.block_fp8 < 0.33 * GB and d.layer == 2 * 5120 * 13824 + 2 * 13824  # the FFN's up-cast
    assert P.tokens(d, P.Clip(832, 480, 33)) == 9 * 30 * 52


@pytest.mark.parametrize("layout,cap,kept,measured", MEASURED)
def test_predicted_bounds_measured_and_refuses_what_ran_out(parts, layout, cap, kept, measured):
    pk = P.peak(parts, layout, P.Clip(), kept)
    if measured is not None:
        assert pk >= measured * GB, (pk / GB, measured)
        assert pk <= 1.25 * measured * GB  # a bound, not a wild one
    if cap is not None:
        assert (pk <= usable(cap * GB)) == (measured is not None), pk / GB  # accepted exactly what ran


def test_the_plan_replaces_a_mode_that_will_not_fit(parts):
    got, said = P.settle(parts, "fp8", 12 * GB)
    assert got.mode == "fp8+block_offload" and got.fits and got.kept < 23
    assert "'fp8' needs about" in said and "'fp8+block_offload'" in said and "blocks kept" in said
    ran = P.plan_mode(parts, "block_offload", 12 * GB, kept=7)  # the measured run: 7 kept, 9.0 GB
    assert ran.fits and ran.peak >= 9.0 * GB
    assert P.plan_mode(parts, "block_offload", 12 * GB).kept >= 7
    assert not P.plan_mode(parts, "fp8+block_offload", 12 * GB, kept=23).fits  # what ran out of memory
    with pytest.raises(ValueError, match="no memory mode fits"):
        P.settle(parts, "gpu", 3 * GB)


@pytest.mark.parametrize("cap,want", [(22, "fp8"), (16, "fp8+block_offload"), (12, "fp8+block_offload"),
                                      (8, "fp8+block_offload")])
def test_every_cap_gets_a_mode_that_fits(parts, cap, want):
    best = P.best_plan(parts, cap * GB)
    assert best.mode == want and best.peak <= usable(cap * GB), best.words()
    if cap == 8:  # the 14B on an 8 GB card: most blocks streamed
        assert best.kept < best.blocks // 4
    fewer = P.plan_mode(parts, best.mode, cap * GB, kept=best.kept + 1) if "block" in best.mode else None
    assert fewer is None or best.kept == best.blocks or not fewer.fits  # the card used fully


def test_the_real_text_encoder_streamed_leaf_by_leaf_lets_8_gb_run(parts):
    """UMT5-XXL (10.6 GB in bf16) onloaded whole for the prompt would not fit 12 GB beside anything;
    streamed leaf by leaf (modes.group_offload) its shared embedding (2 GB) is the largest piece."""
    from dataclasses import replace
    whole = replace(parts, text=int(10.6 * GB))
    assert P.best_plan(whole, 12 * GB) is None and P.best_plan(whole, 8 * GB) is None
    streamed = replace(whole, text_streamed=2 * 256384 * 4096 * 2)
    best = P.best_plan(streamed, 8 * GB)
    assert best.mode == "fp8+block_offload" and best.peak <= usable(8 * GB)
    assert not P.plan_mode(streamed, "model_offload", 40 * GB).peak < whole.text  # model offload moves it whole


def test_a_longer_clip_than_planned_is_warned_with_the_frames_that_fit(parts):
    """The loader plans for 832x480x33; a run of 81 frames on the 12 GB plan is said before it starts,
    with the frames that fit, and the 33 it was planned for is not."""
    plan = P.plan_mode(parts, "fp8+block_offload", 12 * GB)
    assert P.clip_check(parts, plan, 12 * GB, P.Clip(832, 480, 33)) is None
    said = P.clip_check(parts, plan, 12 * GB, P.Clip(832, 480, 81))
    assert said.startswith("832x480x81 is predicted to need about") and "planned for 832x480x33 on 12 GB" in said
    fit = int(said.split(" frames fit")[0].rsplit(" ", 1)[1])
    assert 33 <= fit < 81 and (fit - 1) % 4 == 0
    assert P.clip_check(parts, plan, 12 * GB, P.Clip(832, 480, fit)) is None


def test_wan22_a14b_two_experts(parts):
    pair = P.with_experts(parts, 2)
    assert not P.plan_mode(pair, "fp8", 24 * GB).fits  # two 13.5 GB experts do not both stay
    for cap in (24, 16):
        best = P.best_plan(pair, cap * GB)
        assert best.mode == "fp8+block_offload" and best.blocks == 80 and 0 < best.kept < 80, best.words()
    assert P.best_plan(pair, 24 * GB).kept > P.best_plan(pair, 16 * GB).kept
    ran = P.peak(pair, P.LAYOUTS["fp8+block_offload"], P.Clip(), 47)  # the second H200 lease: 47 of 80 kept, 19.8 GB
    assert 19.8 * GB <= ran <= 1.25 * 19.8 * GB and ran <= usable(24 * GB)


def test_fp8_keeps_the_denoiser_and_streams_the_others(wan_dir):
    """fp8 as planned (issue 73 item 2): the denoiser stored in fp8 stays put, the text encoder and
    VAE are group-offloaded (no model offload, whose end-of-call ``pipe.to('cpu')`` moved the fp8
    denoiser off and on the card every run); the frames are those of fp8 without offload. On the
    CPU the 'card' is the CPU: the hooks and the frames are what is checked."""
    import numpy as np
    import torch

    from nodes.video_models.memory.modes import enable_fp8, hooks_of, keep_denoisers
    from tests.video_models.test_memory_modes import _load, _t2v
    ref = _load(wan_dir, "fp8")[0]
    plain = _t2v(ref)  # on the CPU: fp8 storage, every part in memory
    pipe = ref.module
    enable_fp8(pipe.transformer, torch.bfloat16)  # already: said and left as is
    assert keep_denoisers(pipe, "cpu", "transformer") is False  # no CUDA streams on the CPU
    assert "layerwise_casting" in hooks_of(pipe.transformer)
    assert not {"group_offloading", "accelerate"} & hooks_of(pipe.transformer)  # stays where it is
    assert "group_offloading" in hooks_of(pipe.text_encoder) and "group_offloading" in hooks_of(pipe.vae)
    # the text encoder leaf by leaf: each leaf with parameters its own group (block level would onload it whole)
    leaves = [m for m in pipe.text_encoder.modules() if list(m.parameters(recurse=False))]
    assert len(leaves) > 3 and all("group_offloading" in hooks_of(m) for m in leaves)
    assert not getattr(pipe, "_all_hooks", None)  # no model offload: nothing moves the denoiser after a call
    planned = _t2v(ref)
    assert np.abs(planned - plain).max() <= 1 / 255


def test_the_loader_plans_on_an_emulated_card(wan_dir, monkeypatch):
    """settle_memory on a CUDA card (its free memory emulated; nothing is moved while planning):
    a mode that fits is kept and its plan said; no mode fitting is an error before any weight
    goes on the card, in words."""
    import torch

    from nodes.video_models.loading import load
    from nodes.video_models.memory import modes
    from studio.core.errors import ModelError
    from tests.video_models.test_memory_modes import _load
    ref = _load(wan_dir, "gpu")[0]
    cuda = torch.device("cuda")
    monkeypatch.setattr(modes, "free_memory", lambda dev: 8 * GB)
    mode, why, budget, counted = load.settle_memory(ref.module, ref.fam, "Wan", "block_offload", cuda,
                                                    torch.bfloat16, print)
    assert mode == "block_offload" and "2 of 2 blocks kept" in why and budget > 0
    assert counted[1].mode == mode and counted[2] == 8 * GB  # kept with the model for the runs' clip check
    from nodes.video_models.memory.modes import apply_memory, hooks_of
    done: list[str] = []
    apply_memory(ref.module, mode, "cpu", torch.bfloat16, "transformer", resident_budget=budget, done=done)
    assert done == ["all 2 blocks stay on the GPU (" + done[0].split("(")[1]]  # the blocks the plan counted
    assert "group_offloading" in hooks_of(ref.module.vae) and "group_offloading" not in hooks_of(
        ref.module.transformer.blocks[0])
    monkeypatch.setattr(modes, "free_memory", lambda dev: 4 * GB)  # the decode alone needs more
    with pytest.raises(ModelError, match="no memory mode fits 4.0 GB"):
        load.settle_memory(ref.module, ref.fam, "Wan", "gpu", cuda, torch.bfloat16, print)


@pytest.mark.gpu
def test_fp8_on_cuda_keeps_the_denoiser_there_and_the_plan_bounds_the_peak(wan_dir):
    """On CUDA: fp8 leaves the denoiser on the card between runs (the other parts back on the host),
    a second run moves nothing of it, and the peak measured stays under the plan's prediction."""
    import torch
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    from diffusers import WanPipeline

    from nodes.video_models.memory.modes import apply_memory
    pipe = WanPipeline.from_pretrained(wan_dir, torch_dtype=torch.bfloat16)
    pipe.set_progress_bar_config(disable=True)
    parts = P.pipeline_parts(pipe, "transformer", WAN)
    apply_memory(pipe, "fp8", "cuda", torch.bfloat16, "transformer")
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    for _ in range(2):
        with torch.inference_mode():
            pipe(prompt="a red fox", num_frames=5, height=16, width=16, num_inference_steps=2, output_type="np",
                 guidance_scale=1.0)
        assert all(p.is_cuda for p in pipe.transformer.parameters())
        assert not any(p.is_cuda for p in pipe.text_encoder.parameters())
    pk = torch.cuda.max_memory_allocated() - base + P.denoiser_facts(pipe.transformer, activation=WAN).weights(True)
    assert pk <= P.peak(parts, P.LAYOUTS["fp8"], P.Clip(16, 16, 5))


def test_the_run_says_the_clip_check_before_it_starts(parts, tmp_path, monkeypatch):
    from types import SimpleNamespace

    from nodes.video_models.estimates.times import RunClock
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    warned = []
    ctx = SimpleNamespace(params={"steps": 6}, warn=warned.append, info=lambda s: None, note=lambda *a, **k: None)
    plan = P.plan_mode(parts, "fp8+block_offload", 12 * GB)
    ref = SimpleNamespace(path=str(tmp_path / "wan"), variant="Wan 2.1 14B", memory=plan.mode, dtype="bf16",
                          fam=SimpleNamespace(title="Wan"), shared=SimpleNamespace(sampled=True,
                                                                                   memory_plan=(parts, plan, 12 * GB)))
    RunClock(ctx, ref, "cpu", (832, 480), 33, 1, 6).say_prediction()
    assert not warned
    RunClock(ctx, ref, "cpu", (832, 480), 81, 1, 6).say_prediction()
    assert len(warned) == 1 and "it may run out of memory" in warned[0]
