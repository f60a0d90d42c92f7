"""The part-by-part memory plan for families with no measured factor (issue 73, after the H100
check): HunyuanVideo, CogVideoX 5B and LTX-Video, their transformers built from their real configs on
the meta device (counted, never made), T5-XXL's real config standing for the text encoder. The run's
tensors are estimated from the config (memory/plan.py ESTIMATED_ACTIVATION) and said to be; the
predicted peak holds together (every part it counts is in it, the modes in their order, a planned
mode fits its card); a mode asked for on a card too small for it is replaced before anything loads,
naming the mode that fits, and a card too small for any is refused; the check before loading (from
the weight files' sizes and the folder's configs) picks the same mode as the loader."""
from __future__ import annotations

import types

import pytest

from nodes.video_models.memory import plan as P
from nodes.video_models.memory.sizes import GB, usable

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def pipes():
    """{family key: (a pipeline-like object on meta, the denoiser's config, (frames, pixels) per latent)}."""
    import torch
    from diffusers import CogVideoXTransformer3DModel, HunyuanVideoTransformer3DModel, LTXVideoTransformer3DModel
    from transformers import T5Config, T5EncoderModel

    from studio.engine.meta_device import meta_device
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    try:
        with meta_device():
            te = T5EncoderModel(T5Config(vocab_size=32128, d_model=4096, d_kv=64, d_ff=10240, num_layers=24,
                                         num_heads=64, feed_forward_proj="gated-gelu"))
            dens = {"hunyuan": (HunyuanVideoTransformer3DModel(), (4, 8)),  # the release's config is the default
                    "cogvideox": (CogVideoXTransformer3DModel(num_attention_heads=48, num_layers=42,
                                                              use_rotary_positional_embeddings=True), (4, 8)),
                    "ltx": (LTXVideoTransformer3DModel(), (8, 32))}
    finally:
        torch.set_default_dtype(old)
    return {k: (types.SimpleNamespace(components={"transformer": m, "text_encoder": te},
                                      vae_scale_factor_temporal=sc[0], vae_scale_factor_spatial=sc[1]),
                dict(m.config), sc) for k, (m, sc) in dens.items()}


def test_each_family_is_counted_with_an_estimate_said_as_such(pipes):
    from nodes.video_models.base.capabilities import MemoryCounts
    from nodes.video_models.base.registry import FAMILIES
    widths = {"hunyuan": (60, 3072, 12288, 256), "cogvideox": (42, 3072, 12288, 226), "ltx": (28, 2048, 8192, 0)}
    for key, (pipe, _cfg, _sc) in pipes.items():
        assert FAMILIES[key].capability(MemoryCounts) is None  # not measured: estimated
        parts = P.pipeline_parts(pipe, "transformer")
        d = parts.denoiser
        assert (d.blocks, d.hidden, d.ffn, d.text_tokens) == widths[key], key
        assert not d.measured and d.activation == P.ESTIMATED_ACTIVATION
        gpu = P.plan_mode(parts, "gpu", 200 * GB)
        assert gpu.estimated and "estimated from the model's config, not measured" in gpu.words()
        # the peak holds every part it counts: all the weights, the run's tensors, the decode
        whole = d.weights(False) + parts.text + P.activations(d, P.PLAN_CLIP)
        assert gpu.peak >= whole and P.activations(d, P.PLAN_CLIP) > 0
        fp8 = P.plan_mode(parts, "fp8", 200 * GB)
        streamed = P.plan_mode(parts, "fp8+block_offload", 200 * GB, kept=0)
        assert gpu.peak > fp8.peak > streamed.peak, key
        for cap in (24, 16, 12, 8):  # a planned mode fits the card it was planned for
            best = P.best_plan(parts, cap * GB)
            assert best is None or best.peak <= usable(cap * GB)


def test_a_card_too_small_is_refused_before_loading_with_the_mode_that_fits(pipes):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.loading.memory_plan import counted_plan
    pipe, _cfg, _sc = pipes["hunyuan"]  # 25.6 GB of weights in bf16
    fam = FAMILIES["hunyuan"]
    got, said, _ = counted_plan(pipe, fam, "gpu", "cuda", True, 0, free=16 * GB)
    assert got.mode == "fp8+block_offload" and 0 < got.kept < 60 and got.peak <= usable(16 * GB)
    assert said.startswith("memory 'gpu' needs about") and "would run out of memory" in said
    assert "fp8+block_offload', " in said and "estimated" in said, said
    got, said, _ = counted_plan(pipe, fam, "fp8+block_offload", "cuda", True, 0, free=16 * GB)
    assert said is None and got.mode == "fp8+block_offload"  # asked, fits
    with pytest.raises(ModelError, match="no memory mode fits"):
        counted_plan(pipe, fam, "auto", "cuda", True, 0, free=4 * GB)
    assert counted_plan(pipe, fam, "gpu", "cpu", True, 0) is None  # no card to plan for


def test_the_check_before_loading_plans_as_the_loader_does(pipes):
    """From the weights' bytes (the files' headers) and the folder's configs, the same mode at each
    card (its blocks taken as equal: their count kept may differ from the loader's)."""
    from nodes.video_models.memory.header_plan import header_peaks, header_plan
    for key, (pipe, cfg, sc) in pipes.items():
        parts = P.pipeline_parts(pipe, "transformer")
        den, other = parts.denoiser.weights(False), parts.text
        for cap in (80, 24, 16, 12):
            best = P.best_plan(parts, cap * GB)
            kind, words = header_plan(den, other, (cfg, {"spatial_compression_ratio": sc[1],
                                                         "temporal_compression_ratio": sc[0]}, 1),
                                      "auto", cap * GB, True)
            assert kind == "info" and words.startswith(f"planned before loading: memory {best.mode} ("), (key, cap)
            assert "estimated" in words
        peaks = header_peaks(den, other, cfg, 16 * GB, ("gpu", "fp8"), 1, {"spatial_compression_ratio": sc[1]})
        assert peaks["gpu"].fits is False and peaks["gpu"].peak > den
    assert header_plan(10 * GB, GB, ({}, {}, 1), "auto", 16 * GB, True) is None  # no config: the sizes plan


def test_the_model_picker_plans_a_folder_as_the_loader_does(pipes, tmp_path):
    """A diffusers folder in the picker (catalog/listing.plan) on a 16 GB card: each mode's peak
    and fit from the part-by-part plan of its configs, not the weights' sizes alone."""
    import json

    from nodes.video_models.catalog.listing import Machine, ModelEntry, plan
    from nodes.video_models.memory.header_plan import header_peaks
    _pipe, cfg, sc = pipes["hunyuan"]
    (tmp_path / "transformer").mkdir()
    (tmp_path / "vae").mkdir()
    (tmp_path / "model_index.json").write_text(json.dumps({"_class_name": "HunyuanVideoPipeline",
                                                           "transformer": ["diffusers", "X"]}))
    (tmp_path / "transformer" / "config.json").write_text(json.dumps(cfg))
    (tmp_path / "vae" / "config.json").write_text(json.dumps({"spatial_compression_ratio": sc[1],
                                                              "temporal_compression_ratio": sc[0]}))
    den, other = 12_800_000_000, 4_900_000_000  # HunyuanVideo 13B and its text encoders, in numbers
    e = ModelEntry(name="hy", path=str(tmp_path), kind="pipeline", family="hunyuan", dtype="bf16",
                   params=den + other, denoiser_params=den)
    plan(e, Machine("cuda", "emulated", 16 * GB))
    want = header_peaks(2 * den, 2 * other, cfg, 16 * GB, ("gpu", "fp8", "fp8+block_offload"), 1,
                        {"spatial_compression_ratio": sc[1], "temporal_compression_ratio": sc[0]})
    for mode, got in want.items():
        assert e.peaks[mode] == got.peak and e.fits[mode] == got.fits, mode
    assert e.fits["fp8+block_offload"] and not e.fits["gpu"]
