"""Load Video Model's memory setting on a tiny Wan (CPU): each mode applied through diffusers'
hooks, frames under block offload as without, fp8 storage close to bf16, auto's choice a pure
function of sizes, the choice said, and Stop inside a block under block offload."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import Cancelled
from studio.core.graph import Graph
from studio.engine.context import CancelToken
from studio.engine.events import ModelStatus, NodeMessage, NodeNote
from studio.engine.executor import Executor

from nodes.video_models.memory.modes import choose_memory, fitting_mode, hooks_of, plan_note, predicted_peak
from nodes.video_models.memory.sizes import GB, Sizes

pytest.importorskip("diffusers")

FP8_PSNR_FLOOR = 40.0  # dB, fp8 e4m3 weights against bf16 on the tiny random Wan (measured 61 dB)

WAN14B = Sizes(denoiser=int(28.6 * GB), others=(int(11.4 * GB), int(0.25 * GB)), activations=int(3.4 * GB),
               block=int(0.7 * GB))
WAN13B = Sizes(denoiser=int(2.8 * GB), others=(int(11.4 * GB), int(0.25 * GB)), activations=int(2 * GB),
               block=int(0.09 * GB))


@pytest.mark.parametrize("sizes,free,fp8_ok,want", [
    (WAN14B, None, True, "gpu"),  # no GPU: nothing to offload to
    (WAN14B, 80 * GB, True, "gpu"),  # H100: 43 GB needed
    (WAN14B, 40 * GB, True, "model_offload"),  # the text encoder leaves, the 28.6 GB denoiser fits
    (WAN14B, 24 * GB, True, "fp8"),  # 14.3 GB of fp8 weights + 3.4 GB
    (WAN14B, 16 * GB, True, "fp8+block_offload"),
    (WAN14B, 8 * GB, True, "fp8+block_offload"),
    (WAN14B, 16 * GB, False, "block_offload"),  # fp32 model: bf16 blocks streamed instead
    (WAN13B, 24 * GB, True, "gpu"),
    (WAN13B, 16 * GB, True, "model_offload"),
    (WAN13B, 12 * GB, True, "fp8+block_offload"),  # the 11.4 GB text encoder alone does not fit
])
def test_auto_picks_from_sizes(sizes, free, fp8_ok, want):
    mode, why = choose_memory(sizes, free, fp8_ok)
    assert mode == want, why
    assert "of weights" in why
    if free is not None:
        assert "free on the GPU" in why and (mode in why.replace("+", " + ").replace("_", " ") or mode == "gpu"
                                             or "offload" in why or "fp8" in why)


def test_peaks_order_and_fitting_mode():
    s = WAN14B
    peaks = [predicted_peak(m, s) for m in ("gpu", "model_offload", "fp8", "fp8+block_offload")]
    assert peaks == sorted(peaks, reverse=True)
    assert predicted_peak("block_offload", s) < predicted_peak("fp8", s)
    assert fitting_mode(s, 80 * GB) == "gpu"
    assert fitting_mode(s, 2 * GB) is None  # nothing fits: the planner says so
    note = plan_note("gpu", s, 24 * GB)
    assert "'gpu' needs about" in note and "'fp8' fits" in note
    assert plan_note("fp8", s, 24 * GB) is None and plan_note("gpu", s, None) is None
    assert "no mode fits" in plan_note("gpu", s, 2 * GB)


def test_vae_tiling_when_decoding_would_not_fit():
    from nodes.video_models.memory.modes import decode_needs_tiling
    assert not decode_needs_tiling(81, 832, 480, None)  # no GPU: never
    assert decode_needs_tiling(81, 832, 480, 8 * GB)  # ~12 GB to decode at once
    assert not decode_needs_tiling(81, 832, 480, 40 * GB)
    assert not decode_needs_tiling(33, 832, 480, 8 * GB)


def _load(wan_dir, memory, dtype="bf16"):
    from nodes.video_models.loading.load import load_video_model
    import torch
    notes, said = [], []
    ref = load_video_model(wan_dir, base=None, device=torch.device("cpu"), dtype_name=dtype, memory=memory,
                           warn=notes.append, info=said.append)
    return ref, notes, said


def _t2v(ref, seed=0):
    import torch
    pipe = ref.pipeline("t2v")
    g = torch.Generator().manual_seed(seed)
    with torch.inference_mode():
        out = pipe(prompt="a red fox", num_frames=5, height=16, width=16, num_inference_steps=2, generator=g,
                   output_type="np", guidance_scale=1.0)
    return np.asarray(out.frames[0], np.float32)


def test_modes_put_their_hooks(wan_dir):
    import torch
    got = {}
    for mode in ("gpu", "block_offload", "fp8", "fp8+block_offload"):
        ref, notes, said = _load(wan_dir, mode)
        tr = ref.module.transformer
        got[mode] = hooks_of(tr)
        assert said and said[0].startswith(f"memory: {mode}")
        if "fp8" in mode:
            assert any(p.dtype == torch.float8_e4m3fn for p in tr.parameters())
        if "block" in mode:
            assert any("without CUDA streams" in n for n in notes)
            assert ref.model_device == "cpu"
    assert "group_offloading" not in got["gpu"] and "layerwise_casting" not in got["gpu"]
    assert "group_offloading" in got["block_offload"] and "layerwise_casting" not in got["block_offload"]
    assert "layerwise_casting" in got["fp8"] and "group_offloading" not in got["fp8"]
    assert {"layerwise_casting", "group_offloading"} <= got["fp8+block_offload"]


def test_model_offload_on_the_cpu_is_said_and_off(wan_dir):
    ref, notes, _ = _load(wan_dir, "model_offload")
    assert any("CPU offload only helps with a GPU" in n for n in notes)
    assert ref.memory == "gpu" and not ref.offload


def test_fp8_needs_a_half_precision_model(wan_dir):
    ref, notes, _ = _load(wan_dir, "fp8+block_offload", dtype="fp32")
    assert ref.memory == "block_offload"
    assert any("fp8 weights need a bf16 or fp16 model" in n for n in notes)


def test_block_offload_frames_match_and_fp8_psnr(wan_dir):
    base = _t2v(_load(wan_dir, "gpu")[0])
    block = _t2v(_load(wan_dir, "block_offload")[0])
    assert np.abs(block - base).max() <= 1 / 255
    fp8 = _t2v(_load(wan_dir, "fp8")[0])
    fp8_block = _t2v(_load(wan_dir, "fp8+block_offload")[0])
    mse = float(np.mean((fp8 - base) ** 2))
    psnr = 10 * np.log10(1.0 / max(mse, 1e-12))
    assert psnr > FP8_PSNR_FLOOR, psnr
    assert np.abs(fp8_block - fp8).max() <= 1 / 255
    assert not np.array_equal(fp8, base)  # fp8 storage did change the weights


def test_release_drops_offload_hooks(wan_dir):
    ref, _, _ = _load(wan_dir, "fp8+block_offload")
    tr = ref.module.transformer
    ref.release()
    assert not hooks_of(tr)
    assert all(p.device.type == "meta" for p in tr.parameters())


def _graph(wan_dir, memory, steps=2):
    g = Graph()
    load = g.add_node("video_models.load", {"model": wan_dir, "memory": memory, "dtype": "bf16"})
    gen = g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": steps,
                                                    "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g, load, gen


def test_auto_choice_is_said_on_the_node_and_in_the_log(wan_dir):
    from studio.engine.run_state import RunState
    g, load, _ = _graph(wan_dir, "auto")
    ev = []
    state, lines = RunState(graph=lambda: g), []
    state.logged.connect(lambda text, level, flash: lines.append(text))
    state.begin(None)
    Executor().run(g, targets=[load.id], on_event=lambda e: (ev.append(e), state.apply(e)), device="cpu")
    # (the passing lines of the load's progress, 'loading Wan (1 of 3 files)', apart: loading/load_progress.py)
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == load.id and e.logged]
    plain = ("CPU: weights in RAM (memory auto: no GPU), bf16 (asked); generators' defaults here: no compile "
             "(auto: CPU), SDPA attention, step cache off")  # issue 48: in plain words, on the node
    assert notes == [plain], notes
    status = [e for e in ev if isinstance(e, ModelStatus) and e.node_id == load.id and e.state == "loaded"]
    assert status and status[0].detail == plain and status[0].text.endswith(" · " + plain)
    assert state.nodes[load.id].model.endswith(plain)  # stays under the node after the run
    said = [t for t in lines if "memory: gpu (auto:" in t]
    assert len(said) == 1 and "no GPU" in said[0], lines  # the details: in the Log once


def test_stop_inside_a_block_under_block_offload(wan_dir):
    """Stop pressed while the second transformer block runs: the run ends there (Cancelled), and
    the model still runs whole afterwards (group offloading's state left sound)."""
    g, load, gen = _graph(wan_dir, "block_offload", steps=3)
    ex = Executor()
    ref = ex.run(g, targets=[load.id], device="cpu").value(load.id)
    blocks = ref.module.transformer.blocks
    tok = CancelToken()
    seen = []

    def pre(_m, _a):
        seen.append(1)
        if len(seen) == 2:
            tok.cancel()
    h = blocks[0].register_forward_pre_hook(pre)
    after = []
    h2 = blocks[1].register_forward_pre_hook(lambda _m, _a: after.append(1))
    try:
        with pytest.raises(Cancelled):
            ex.run(g, targets=[gen.id], cancel=tok, device="cpu")
    finally:
        h.remove()
        h2.remove()
    # block 0 ran twice (steps 1 and 2), Stop pressed in its second run: block 1 never ran again
    assert len(seen) == 2 and len(after) == 1
    clip = ex.run(g, targets=[gen.id], device="cpu").value(gen.id)
    assert clip.n_frames == 5 and np.isfinite(clip.frames).all()


def test_frames_cross_to_the_host_as_numpy_output_gives_them():
    """The generators ask for output_type='pt' and lay frames out on the device: the values are
    exactly those of diffusers' own numpy output."""
    import torch
    from diffusers.video_processor import VideoProcessor

    from nodes.video_models.sampling.sampler import host_frames
    torch.manual_seed(0)
    x = torch.rand(1, 3, 5, 8, 12) * 2.2 - 1.1  # decoded video, a little outside [-1, 1]
    vp = VideoProcessor()
    want = vp.postprocess_video(x, output_type="np")[0]
    got = host_frames(vp.postprocess_video(x, output_type="pt")[0])
    assert got.shape == want.shape == (5, 8, 12, 3) and got.dtype == np.float32 and got.flags.c_contiguous
    assert np.array_equal(got, want)


def test_model_cache_footprint_follows_the_memory_mode(wan_dir):
    """What the model cache makes room for, and where: offloaded modes keep the weights on the
    host between runs; fp8 stores the denoiser in one byte a weight."""
    from nodes.video_models.loading.node import LoadVideoModel
    base = {"model": wan_dir, "dtype": "bf16"}
    where, gpu = LoadVideoModel.model_footprint(dict(base, memory="gpu"), "cuda")
    assert where == "cuda"
    where, off = LoadVideoModel.model_footprint(dict(base, memory="model_offload"), "cuda")
    assert where == "cpu" and off == gpu
    where, fp8 = LoadVideoModel.model_footprint(dict(base, memory="fp8+block_offload"), "cuda")
    assert where == "cpu" and fp8 < gpu
    assert LoadVideoModel.model_footprint(dict(base, cpu_offload=True), "cuda")[0] == "cpu"  # older graphs


class _Ctx:
    """What Load Video Model's plan reads from a run: params, the graph's options, info and warn."""

    def __init__(self, params):
        from studio.engine.context import Params
        self.params, self.options, self.said = Params(params), {}, []

    def info(self, text):
        self.said.append(("info", text))

    def warn(self, text):
        self.said.append(("warn", text))


def test_the_plan_is_said_before_the_weights_are_read(wan_dir, monkeypatch):
    """On a GPU, before loading: the asked mode's predicted peak from the files' headers, and a
    mode that will not fit warned about, naming the one that would; auto's choice said. The CPU
    plans nothing (no card to fit)."""
    import torch

    import nodes.video_models.memory.modes as memory
    from nodes.video_models.loading.node import LoadVideoModel
    base = {"model": wan_dir, "dtype": "bf16", "device": "auto", "cpu_offload": False}
    from nodes.video_models.memory import header_plan, plan as P
    from nodes.video_models.memory.sizes import ALLOCATOR_SLACK
    _, den, other, size = LoadVideoModel.weight_numbers(base, "cuda")
    # the loader's part-by-part plan from the folder's configs (issue 73): a card with room for the parts
    # one at a time, not for everything at once
    cfg, vae, experts = header_plan.folder_configs(base)
    parts = P.header_parts(den * size, other * size, cfg, experts, header_plan.vae_scale_of_config(vae))
    apart, whole = (P.plan_mode(parts, m, 10 ** 12).peak for m in ("model_offload", "gpu"))
    assert apart < whole
    monkeypatch.setattr(memory, "free_memory", lambda dev: int((apart + whole) / 2) + ALLOCATOR_SLACK)
    ctx = _Ctx(dict(base, memory="gpu"))
    assert LoadVideoModel()._plan_before_load(ctx, torch.device("cuda")) is True
    (kind, text), = ctx.said
    assert kind == "warn" and text.startswith("before loading: memory 'gpu' needs about") and "fits" in text, text
    ctx = _Ctx(dict(base, memory="auto"))
    LoadVideoModel()._plan_before_load(ctx, torch.device("cuda"))
    (kind, text), = ctx.said
    assert kind == "info" and text.startswith("planned before loading: memory ") and "gpu (" not in text, text
    ctx = _Ctx(dict(base, memory="gpu"))
    assert LoadVideoModel()._plan_before_load(ctx, torch.device("cpu")) is False and not ctx.said


def test_a_gpu_run_hooks_only_the_outermost_blocks(wan_dir):
    """Off the CPU, Stop's hooks sit on each component and its outermost blocks only (a hook
    costs host time on every call: LTX-Video's transformer has 28 such blocks against 224 layers
    in lists); Stop pressed during a block still ends the run at the next one."""
    import types

    import torch

    from nodes.video_models.base.guard import RunGuard, blocks_of, top_blocks
    ex = Executor()
    g, load, _ = _graph(wan_dir, "gpu")
    pipe = ex.run(g, targets=[load.id], device="cpu").value(load.id).pipeline("t2v")
    tr = pipe.transformer
    assert len(top_blocks(tr)) == len(tr.blocks) < len(blocks_of(tr))
    tok = CancelToken()
    ctx = types.SimpleNamespace(runtime=types.SimpleNamespace(cancel=tok))
    with RunGuard(ctx, pipe, "transformer", steps=1, estimate=False):
        hooked = {m for m in tr.modules() if m._forward_pre_hooks}
        assert hooked == {tr, *tr.blocks}, len(hooked)
        mine = tr.blocks[0].register_forward_pre_hook(lambda _m, _a: tok.cancel())
        x = torch.randn(1, tr.config.in_channels, 2, 4, 4, dtype=tr.dtype)
        with pytest.raises(Cancelled):
            tr(x, torch.tensor([1]), torch.randn(1, 3, tr.config.text_dim, dtype=tr.dtype))
        mine.remove()
    assert not any(m._forward_pre_hooks for m in tr.blocks[1:]) and not tr._forward_pre_hooks


def test_the_outermost_blocks_are_the_lists_children_not_what_they_hold():
    """top_blocks: the children of every ModuleList not inside another such child, in the model's order; a
    list inside a block (attention's to_out), a list of lists' inner lists and a block listed twice are not
    blocks again; the model itself may be the list."""
    from torch import nn

    from nodes.video_models.base.guard import top_blocks

    def block():
        return nn.Sequential(nn.Linear(2, 2), nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)]))
    shared = block()
    m = nn.Module()
    m.embed = nn.Linear(2, 2)
    m.down = nn.ModuleList([block(), shared])
    m.mid = nn.Sequential(nn.ModuleList([block()]))
    m.up = nn.ModuleList([nn.ModuleList([block(), block()]), shared])
    got = top_blocks(m)
    assert [id(b) for b in got] == [id(m.down[0]), id(shared), id(m.mid[0][0]), id(m.up[0])]
    lists = nn.ModuleList([block(), block()])
    assert [id(b) for b in top_blocks(lists)] == [id(lists[0]), id(lists[1])]


def test_compile_attention_and_cache_in_plain_words_per_device():
    from nodes.video_models.memory.speed import speed_words
    assert speed_words("auto", "native", "off", "cpu") == "no compile (auto: CPU), SDPA attention, step cache off"
    assert speed_words("auto", "sage", "first_block", "cuda:0") == \
        "regional compile (auto: GPU), sage attention, step cache first_block"
    assert speed_words("off", "native", "off", "cuda:0") == "no compile, SDPA attention, step cache off"
