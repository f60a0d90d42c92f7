"""benchmarks/node_overhead.py (issue 33's overhead ablation) on a tiny LTX-Video: every variant is
timed against the direct call, each part taken out is put back, and the kernel table compares the
same operators."""
from __future__ import annotations

import os

import pytest

pytest.importorskip("diffusers")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def test_the_ablation_times_every_variant_and_leaves_the_node_as_it_was(tmp_path):
    import diffusers

    from benchmarks.bench_video_models import _capture_call
    from benchmarks.node_overhead import VARIANTS, ablation, report
    from nodes.video_models.base import guard
    from nodes.video_models.sampling import sampler as sampling
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    from tests.video_models.tiny import build_ltx

    model = build_ltx(str(tmp_path / "tiny-ltx"))
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("video_models.text_to_video", dict(frames=9, width=32, height=32, steps=2, seed=1, previews=True,
                                                  prompt="a fox", negative_prompt="blurry"), node_id="gen")
    g.connect("load", "model", "gen", "model")
    ex = Executor(frame_caching=False)
    box: list = []
    restore = _capture_call(diffusers.LTXPipeline, box)
    try:
        ex.run(g, targets=["gen"], device="cpu", use_cache=False)
    finally:
        restore()
    pipe, kwargs, seed = box[0]
    kwargs = {k: v for k, v in kwargs.items() if not k.startswith("callback_on_step_end")}
    guard_cls, rescue_cls = guard.RunGuard, sampling.DecodeRescue

    ab = ablation(ex, g, pipe, kwargs, seed, "cpu", reps=1)

    assert list(ab["variants"]) == list(VARIANTS)
    for r in ab["variants"].values():
        assert r["node_s"] > 0 and r["direct_s"] > 0 and 0 < r["in_call_s"] < r["node_s"]
    assert guard.RunGuard is guard_cls and sampling.DecodeRescue is rescue_cls  # put back
    assert g.nodes["gen"].params["previews"] is True
    k = ab["kernels"]
    assert k["node_total_s"] > 0 and k["direct_total_s"] > 0 and k["top_differences"]
    assert any(d["node_calls"] and d["direct_calls"] for d in k["top_differences"])  # the same operators, both
    text = report(ab)
    assert all(name in text for name in VARIANTS) and "differing most" in text
    assert "tottime" in ab["profile_tottime"]
