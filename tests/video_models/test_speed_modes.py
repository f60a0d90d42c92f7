"""The generator nodes' speed setting on a tiny Wan (CPU): each step cache and regional compile
applied through diffusers' hooks for the run only (compile stays), frames close to the plain
run's, and the attention backend falls back to native where the one asked cannot run, saying so."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

from nodes.video_models.memory import speed
from nodes.video_models.memory.modes import hooks_of

pytest.importorskip("diffusers")

CACHE_PSNR_FLOOR = 20.0  # dB against the uncached clip, tiny random Wan, 6 steps
HOOK = {"first_block": "fbc_leader", "taylorseer": "taylorseer", "faster": "faster_cache"}


def _graph(wan_dir, **p):
    g = Graph()
    load = g.add_node("video_models.load", {"model": wan_dir})
    params = {"frames": 5, "width": 16, "height": 16, "steps": 6, "previews": False, "preview_size": "off",
              "guidance": 1.0}
    params.update(p)
    gen = g.add_node("video_models.text_to_video", params, node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g, load, gen


def _psnr(a, b):
    return 10 * np.log10(1.0 / max(float(np.mean((a - b) ** 2)), 1e-12))


@pytest.fixture(scope="module")
def plain(wan_dir):
    g, _, gen = _graph(wan_dir)
    ex = Executor()
    return ex, ex.run(g, targets=[gen.id], device="cpu").value(gen.id).frames


@pytest.mark.parametrize("cache", ["first_block", "taylorseer", "faster"])
def test_step_cache_applied_for_the_run_only(wan_dir, plain, cache):
    ex, base = plain
    g, load, gen = _graph(wan_dir, step_cache=cache)
    seen = []
    ref = ex.run(g, targets=[load.id], device="cpu").value(load.id)
    tr = ref.module.transformer
    h = tr.register_forward_pre_hook(lambda m, a: seen.append(hooks_of(m)))
    try:
        frames = ex.run(g, targets=[gen.id], device="cpu").value(gen.id).frames
    finally:
        h.remove()
    assert seen and all(any(HOOK[cache] in n for n in names) for names in seen), seen[:1]
    assert not any(HOOK[cache] in n for n in hooks_of(tr))  # off again after the run
    assert _psnr(frames, base) > CACHE_PSNR_FLOOR


def test_regional_compile_stays_and_frames_match(wan_dir, plain, monkeypatch):
    ex, base = plain
    monkeypatch.setattr(speed, "COMPILE_KWARGS", {"backend": "eager", "fullgraph": False})
    g, load, gen = _graph(wan_dir, compile="on")
    ev = []
    frames = ex.run(g, targets=[gen.id], device="cpu", on_event=ev.append).value(gen.id).frames
    ref = ex.run(g, targets=[load.id], device="cpu").value(load.id)
    assert speed.compiled_blocks(ref.module.transformer) == len(ref.module.transformer.blocks)
    assert any("regional compile: this first run took" in e.text for e in ev if isinstance(e, NodeMessage))
    assert np.abs(frames - base).max() <= 2 / 255
    g2, _, gen2 = _graph(wan_dir, compile="off")  # off again: the compiled blocks are undone
    ex.run(g2, targets=[gen2.id], device="cpu")
    assert speed.compiled_blocks(ref.module.transformer) == 0


def test_attention_backend_falls_back_and_says_so():
    assert speed.pick_backend("native", "cuda") == ("native", None)
    assert speed.pick_backend("auto", "cpu") == ("native", None)
    name, note = speed.pick_backend("sage", "cpu")
    assert name == "native" and "needs CUDA" in note
    assert speed.compile_wanted("auto", "cuda") and not speed.compile_wanted("auto", "cpu")
    assert speed.compile_wanted("on", "cpu") and not speed.compile_wanted("off", "cuda")


def test_a_runs_attention_backend_does_not_outlive_the_run(wan_dir, plain, monkeypatch):
    """diffusers' set_attention_backend also makes its backend the process-wide default, which
    reset_attention_backend leaves: a later run whose node asked for native took the kernel of
    whichever run came before (in the app, a Sage run made every later run int8). '_native_math'
    stands in for a CUDA kernel; it is counted where diffusers dispatches to it."""
    from diffusers.models import attention_dispatch as ad
    ex, _ = plain
    name = ad.AttentionBackendName._NATIVE_MATH
    calls = []
    math = ad._AttentionBackendRegistry._backends[name]
    monkeypatch.setitem(ad._AttentionBackendRegistry._backends, name,
                        lambda *a, **k: calls.append(1) or math(*a, **k))
    monkeypatch.setattr(speed, "pick_backend", lambda choice, device, training=False: (
        ("_native_math", None) if choice != "native" else ("native", None)))
    g, _, gen = _graph(wan_dir, attention="flash")
    ex.run(g, targets=[gen.id], device="cpu")
    assert calls, "the run asked for another kernel and did not use it"
    calls.clear()
    assert ad._AttentionBackendRegistry.get_active_backend()[0] == ad.AttentionBackendName.NATIVE
    g, _, gen = _graph(wan_dir, attention="native", seed=1)
    ex.run(g, targets=[gen.id], device="cpu")
    assert not calls, f"a native run took the kernel of the run before it ({len(calls)} calls)"


@pytest.mark.fresh_models
@pytest.mark.parametrize("estimate", [True, False], ids=["cpu-guard", "gpu-guard"])
def test_compiled_model_is_not_compiled_again_for_a_new_seed(wan_dir, monkeypatch, estimate):
    """Regional compile, then runs with another seed and other frame counts: one graph for the
    blocks (no break), a new seed compiles nothing, a new frame count compiles once more (torch's
    automatic dynamic shapes), after which any count reuses it. Before, Stop's hooks sat on layers
    inside the compiled blocks (the ModuleLists in a block, e.g. attention's to_out) and the CPU's
    Stop wrappers around the attention processors were made per run: graph breaks, and every run
    compiled again. Both guards are checked: the CPU's (estimate, split operations) and a GPU's."""
    import torch._dynamo
    from torch._dynamo.utils import counters

    from nodes.video_models.base import guard
    from nodes.video_models.sampling import sampler as sampling
    monkeypatch.setattr(speed, "COMPILE_KWARGS", {"backend": "eager", "fullgraph": False})
    monkeypatch.setattr(sampling, "RunGuard", lambda ctx, pipe, den, steps, _est: guard.RunGuard(
        ctx, pipe, den, steps, estimate))
    torch._dynamo.reset()
    counters.clear()  # dynamo's reset leaves its counters
    ex = Executor()
    graphs = []
    for frames, seed in ((5, 1), (5, 2), (9, 1), (13, 3)):
        g, _, gen = _graph(wan_dir, compile="on", frames=frames, seed=seed, steps=2)
        ex.run(g, targets=[gen.id], device="cpu")
        graphs.append(counters["stats"]["unique_graphs"])
    try:
        assert graphs[0] == 1, graphs  # the repeated blocks: one graph, no break
        assert graphs[1] == graphs[0], graphs  # another seed: nothing compiled
        assert graphs[2] > graphs[1], graphs  # the first new frame count: compiled once more, dynamic
        assert graphs[3] == graphs[2], graphs  # then any frame count: nothing
    finally:
        g, _, gen = _graph(wan_dir, compile="off", steps=2)
        ex.run(g, targets=[gen.id], device="cpu")
        torch._dynamo.reset()


def test_a_compile_that_fails_runs_uncompiled_with_a_warning(wan_dir, plain, monkeypatch):
    """Issue 43 (6): 'compile: on' on the CPU could fail the run with inductor's LoweringException
    (flex_attention) at the first compiled call. A backend that fails to compile stands in for it:
    the run goes on eagerly (the plain run's frames, bit for bit), said once; a later run does not
    try again."""
    def failing_backend(gm, example_inputs):
        raise RuntimeError("LoweringException: flex_attention has no CPU lowering here")
    _, base = plain
    monkeypatch.setattr(speed, "COMPILE_KWARGS", {"backend": failing_backend, "fullgraph": False})
    ex = Executor()  # its own model: the compile state lives on the cached model
    g, load, gen = _graph(wan_dir, compile="on")
    for run in range(2):
        ev = []
        frames = ex.run(g, targets=[gen.id], device="cpu", use_cache=False, on_event=ev.append).value(gen.id).frames
        warned = [e.text for e in ev if isinstance(e, NodeMessage) and e.level == "warning" and e.node_id == gen.id]
        assert np.array_equal(frames, base)
        assert len(warned) == 1 and "torch.compile failed on this model" in warned[0], warned
        assert ("before" in warned[0]) == (run == 1) and "BackendCompilerFailed" in warned[0]
        assert not any("regional compile: this first run took" in e.text for e in ev if isinstance(e, NodeMessage))
    ref = ex.run(g, targets=[load.id], device="cpu").value(load.id)
    assert speed.compiled_blocks(ref.module.transformer) == 0
