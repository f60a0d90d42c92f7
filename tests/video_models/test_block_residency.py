"""Block offload keeps as many blocks on the GPU as fit and streams the rest between them
(nodes/video_models/memory/residency.py): which blocks, how many, diffusers' hooks on exactly the
streamed ones, the model's block lists as they were, the same output, and the choice said.

On the CPU this checks the bookkeeping (hooks, placement, output); the CUDA streams' prefetch
over the streamed blocks only is checked by the ``gpu`` test at the end (``pytest -m gpu``)."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.memory.modes import predicted_peak, resident_bytes
from nodes.video_models.memory.sizes import GB, Sizes, usable
from nodes.video_models.memory.residency import block_lists, flat_blocks, kept_count, plan, streamed_indices

pytest.importorskip("diffusers")


@pytest.mark.parametrize("n,kept", [(40, 0), (40, 14), (40, 20), (40, 30), (40, 39), (40, 40), (6, 3), (2, 1)])
def test_streamed_blocks_are_spread_between_the_kept_ones(n, kept):
    s = streamed_indices(n, kept)
    assert len(s) == n - kept and len(set(s)) == len(s) and all(0 <= i < n for i in s)
    if 0 < kept and n - kept <= kept:  # at least as many resident: never two streamed in a row
        assert all(b - a >= 2 for a, b in zip(s, s[1:])), s
    if n - kept > 1:  # evenly: gaps differ by at most one
        gaps = [b - a for a, b in zip(s, s[1:])]
        assert max(gaps) - min(gaps) <= 1, gaps


def test_kept_count_is_what_fits():
    assert kept_count(40, 700, 14_000) == 20
    assert kept_count(40, 700, 699) == 0 and kept_count(40, 700, -5) == 0
    assert kept_count(40, 700, 10 ** 9) == 40
    assert kept_count(40, 0, 10 ** 9) == 0


def test_the_planner_counts_the_resident_blocks():
    """Wan 2.1 14B's sizes: on a big card block offload keeps every block (the all-on-GPU peak
    less the text encoder), on small cards it fills what is left and never predicts past it."""
    w = Sizes(denoiser=int(28.6 * GB), others=(int(11.4 * GB),), activations=int(3.4 * GB), block=int(0.715 * GB))
    assert resident_bytes("block_offload", w, 80 * GB) == 40 * int(0.715 * GB)
    for cap in (22, 16, 12, 8):
        for mode in ("block_offload", "fp8+block_offload"):
            peak = predicted_peak(mode, w, cap * GB)
            assert predicted_peak(mode, w) <= peak <= usable(cap * GB), (mode, cap)
            every = resident_bytes(mode, w, 80 * GB)  # all 40 blocks
            assert usable(cap * GB) - peak < w.block or resident_bytes(mode, w, cap * GB) == every  # the card used fully
    assert resident_bytes("block_offload", w, 2 * GB) == 0  # nothing left: all streamed, as before


def _wan(layers=6):
    import torch
    from diffusers import WanTransformer3DModel
    torch.manual_seed(0)
    return WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16,
                                 out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32, num_layers=layers,
                                 cross_attn_norm=True, qk_norm="rms_norm_across_heads", rope_max_seq_len=32).eval()


def _forward(m, device="cpu"):
    import torch
    g = torch.Generator().manual_seed(1)
    dtype = next(m.parameters()).dtype  # bf16 on the GPU test
    x = torch.randn(1, 16, 2, 8, 8, generator=g).to(device, dtype)
    text = torch.randn(1, 7, 32, generator=g).to(device, dtype)
    with torch.inference_mode():
        return m(hidden_states=x, timestep=torch.tensor([500], device=device), encoder_hidden_states=text,
                 return_dict=False)[0].float().cpu().numpy()


def _offloaded(m):
    return [("group_offloading" in getattr(b, "_diffusers_hook", None).hooks) if hasattr(b, "_diffusers_hook")
            else False for b in flat_blocks(m)]


@pytest.mark.parametrize("kept_blocks", [0, 2, 3, 6])
def test_only_the_streamed_blocks_get_diffusers_hooks_and_the_output_is_the_same(kept_blocks):
    from nodes.video_models.memory.modes import enable_block_offload
    from nodes.video_models.memory.sizes import module_bytes
    want = _forward(_wan())
    m = _wan()
    lists = [(n, lst, list(lst)) for n, lst in block_lists(m)]
    block = max(module_bytes(b) for b in flat_blocks(m))
    streams, said = enable_block_offload(m, "cpu", [m], budget=kept_blocks * block)
    assert not streams
    assert [(n, lst, list(lst)) for n, lst in block_lists(m)] == lists  # the model's lists as they were
    streamed = set(streamed_indices(6, kept_blocks))
    assert _offloaded(m) == [i in streamed for i in range(6)]
    assert said.startswith({0: "all 6 blocks streamed", 6: "all 6 blocks stay on the GPU"}.get(kept_blocks, ""))
    if 0 < kept_blocks < 6:
        assert f"{kept_blocks} of 6 blocks stay on the GPU" in said and f"{6 - kept_blocks} streamed" in said
    assert np.array_equal(_forward(m), want)
    assert np.array_equal(_forward(m), want)  # a second forward: the hooks' state does not drift


def test_two_experts_share_the_room_by_size():
    a, b = _wan(4), _wan(4)
    from nodes.video_models.memory.sizes import module_bytes
    block = max(module_bytes(x) for x in flat_blocks(a))
    kept = plan([a, b], 4 * block)
    assert sorted(len(idx) for _, idx in kept.values()) == [2, 2]


def test_block_offload_says_what_stays_resident_when_the_card_has_room(wan_dir, monkeypatch):
    """Load Video Model on a card with room for one of the tiny Wan's two blocks (the card's
    free memory emulated: the CPU has no figure, so nothing is kept there otherwise)."""
    import torch

    from nodes.video_models.memory import modes as memory
    from nodes.video_models.loading.load import load_video_model
    from tests.video_models.test_memory_modes import _load, _t2v
    base = _t2v(_load(wan_dir, "gpu")[0])
    ref, _, said = _load(wan_dir, "block_offload")
    assert "all 2 blocks streamed" in said[0]
    monkeypatch.setattr(memory, "free_memory", lambda dev: 1)
    monkeypatch.setattr("nodes.video_models.memory.residency.residency_budget", lambda free, dens: max(
        memory.module_bytes(b) for b in flat_blocks(dens[0])))
    notes, said = [], []
    ref = load_video_model(wan_dir, base=None, device=torch.device("cpu"), dtype_name="bf16", memory="block_offload",
                           warn=notes.append, info=said.append)
    assert "1 of 2 blocks stay on the GPU" in said[0] and "1 streamed" in said[0], said
    assert "1 of 2 blocks stay on the GPU" in ref.memory_why
    assert ref.model_device == "cpu" and ref.held_on is None  # on the CPU nothing is held elsewhere
    assert _offloaded(ref.module.transformer) == [False, True]  # the first runs while the second is copied
    assert np.abs(_t2v(ref) - base).max() <= 1 / 255


def test_a_process_memory_cap_is_the_card_the_plan_sees(monkeypatch):
    """``torch.cuda.set_per_process_memory_fraction`` (how the benchmark stands an 80 GB card in for
    a 22 GB one) is not in the device's own free figure: device_free takes the smaller. The CUDA
    calls are stubbed here to check the arithmetic only; the gpu test checks it on a card."""
    import torch

    from studio.engine import device
    from studio.engine.model_cache import device_free
    monkeypatch.setattr(device, "available_devices", lambda: ["cuda", "cpu"])  # a card, as far as the cap sees
    for name, value in (("mem_get_info", lambda i: (70 * GB, 80 * GB)), ("memory_reserved", lambda i: 3 * GB),
                        ("memory_allocated", lambda i: 2 * GB), ("current_device", lambda: 0),
                        ("get_per_process_memory_fraction", lambda i: 1.0)):
        monkeypatch.setattr(torch.cuda, name, value)
    assert device_free("cuda") == 71 * GB  # free, plus what the allocator holds unused
    monkeypatch.setattr(torch.cuda, "get_per_process_memory_fraction", lambda i: 22 / 80)
    assert device_free("cuda") == 20 * GB  # the 22 GB cap less the 2 GB in use


@pytest.mark.gpu
def test_streams_prefetch_only_the_streamed_blocks_on_cuda():
    """On CUDA: diffusers' lazy prefetch traces the first forward over the streamed blocks only
    (the kept ones have no hooks and stay on the card); the output matches all-on-GPU."""
    import torch
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    from nodes.video_models.memory.modes import enable_block_offload
    from nodes.video_models.memory.sizes import module_bytes
    m = _wan().to(torch.bfloat16)
    want = _forward(_wan().to(torch.bfloat16).to("cuda"), "cuda")
    block = max(module_bytes(b) for b in flat_blocks(m))
    streams, said = enable_block_offload(m, "cuda", [m], budget=3 * block)
    assert streams and "3 of 6 blocks stay on the GPU" in said
    kept = [i for i in range(6) if i not in streamed_indices(6, 3)]
    for _ in range(3):  # the first forward traces, the next ones prefetch
        got = _forward(m, "cuda")
        assert np.abs(got - want).max() <= 1 / 255
    blocks = flat_blocks(m)
    assert all(next(blocks[i].parameters()).is_cuda for i in kept)
    from studio.engine.model_cache import device_free
    total = torch.cuda.get_device_properties(0).total_memory
    try:
        torch.cuda.set_per_process_memory_fraction(8 * GB / total)
        assert device_free("cuda") <= 8 * GB
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0)
