"""Context windows (issue 47): a clip longer than the window is one pipeline call; the denoiser runs
once per window per step on slices of the whole latent, and the predictions are blended."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from studio.engine.executor import Executor

from nodes.video_models.base.registry import FAMILIES
from nodes.video_models.takes.context_windows import WindowPlan, plan_for

from .graphs import model_graph, said

pytest.importorskip("diffusers")


def _graph(model_dir, node="video_models.text_to_video", **p):
    return model_graph(model_dir, node, {
        "frames": 13, "window": 5, "overlap": 4, "width": 16, "height": 16, "steps": 2, "guidance": 1.0,
        "previews": False, "preview_size": "off", "long_take": "context windows", **p})


def _said(ev):
    return said(ev, "gen")


class Spy:
    """Counts the pipeline's calls (its class's ``__call__``) and the transformer's own forwards (its
    patch embedding runs once per forward), with the latent frames each forward saw."""

    def __init__(self, ex, g, monkeypatch):
        ref = ex.run(g, targets=["load"], device="cpu").value("load")
        pipe = ref.pipeline("t2v")
        self.pipe_calls, self.frames = 0, []
        cls = type(pipe)
        orig = cls.__call__

        @functools.wraps(orig)  # the pipeline's own signature: Studio reads which arguments it takes
        def call(this, *a, **k):
            self.pipe_calls += 1
            return orig(this, *a, **k)
        monkeypatch.setattr(cls, "__call__", call)
        emb = getattr(pipe.transformer, "patch_embedding", None) or pipe.transformer.proj_in
        self.h = emb.register_forward_pre_hook(lambda m, a: self.frames.append(a[0].shape))

    def close(self):
        self.h.remove()


def test_plan_windows_uniform_and_looped_cover_every_frame_with_tapered_weights():
    p = WindowPlan(window=4, overlap=2)
    wins = p.windows(9)
    assert [list(w) for w in wins] == [[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7], [5, 6, 7, 8]]
    ws = p.weights(9)
    total = np.zeros(9)
    for i, w in zip(wins, ws):
        total[i] += w
    assert total.min() > 0 and ws[0][0] == 1.0 and ws[-1][-1] == 1.0  # the clip's own ends are not tapered
    assert np.allclose(ws[1][:2], [1 / 3, 2 / 3])  # tapered in the overlap
    loop = WindowPlan(window=4, overlap=2, schedule="looped")
    lw = loop.windows(9)
    assert [list(w) for w in lw][-1] == [8, 0, 1, 2]  # the last window wraps to the start
    assert loop.weights(9)[0][0] < 1.0  # a loop tapers its first frame too
    assert plan_for(81, 16, 4, "uniform") == WindowPlan(21, 4, "uniform")
    with pytest.raises(Exception, match="smaller than the window"):
        WindowPlan(window=3, overlap=3)


def test_one_pipeline_call_and_one_denoiser_call_per_window_per_step(wan_dir, monkeypatch):
    ex = Executor()
    g = _graph(wan_dir)
    spy = Spy(ex, g, monkeypatch)
    ev = []
    try:
        out = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    finally:
        spy.close()
    # 13 frames: 4 latent frames; windows of 5 frames (2 latent), overlap 4 (1 latent): 3 windows
    assert out.n_frames == 13
    assert spy.pipe_calls == 1
    assert len(spy.frames) == 3 * 2  # 3 windows x 2 steps (guidance 1: no unconditional call)
    assert all(s[2] == 2 for s in spy.frames)  # each forward saw a window of 2 latent frames
    assert any("context windows: 13 frames sampled as one take" in t and "3 windows" in t for t in _said(ev))
    tr = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v").transformer
    from diffusers.hooks import HookRegistry
    assert HookRegistry.check_if_exists_or_initialize(tr).get_hook("studio_context_windows") is None  # as it was


def test_with_one_window_the_frames_are_those_of_separate_shots(wan_dir):
    ex = Executor()
    one = ex.run(_graph(wan_dir, frames=5), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    shots = ex.run(_graph(wan_dir, frames=5, long_take="separate shots"), targets=["gen"], device="cpu",
                   use_cache=False).value("gen").frames
    assert np.array_equal(one, shots)


def test_context_windows_differ_from_separate_shots_and_are_deterministic(wan_dir):
    ex = Executor()
    a = ex.run(_graph(wan_dir), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    b = ex.run(_graph(wan_dir), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    c = ex.run(_graph(wan_dir, long_take="separate shots"), targets=["gen"], device="cpu",
               use_cache=False).value("gen").frames
    assert np.array_equal(a, b) and a.shape == c.shape and not np.array_equal(a, c)


def test_a_stopped_take_resumes_from_its_last_finished_step(wan_dir, tmp_path, monkeypatch):
    import os

    from studio.core.errors import Cancelled
    from studio.engine.context import CancelToken

    from nodes.video_models.resume import kept_steps
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    ex = Executor()
    g = _graph(wan_dir, steps=4)
    whole = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    tr = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v").transformer
    calls, tok = [], CancelToken()

    def count(_m, _a):
        calls.append(1)
        if len(calls) == 7:  # steps 1 and 2 made (3 windows each), Stop pressed in step 3
            tok.cancel()
    h = tr.patch_embedding.register_forward_pre_hook(count)
    ev = []
    try:
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
        kept = os.listdir(kept_steps.folder())
        assert len(kept) == 1 and kept[0].endswith(".safetensors")
        assert any(t.startswith("stopped: the take's first 2 steps are kept") for t in _said(ev))
        calls.clear()
        ev = []
        again = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    finally:
        h.remove()
    assert len(calls) == 2 * 3  # steps 3 and 4 only, 3 windows each
    assert np.array_equal(again, whole)  # the take an uninterrupted run makes
    assert any(t.startswith("resumed from step 3 of 4") for t in _said(ev))
    assert os.listdir(kept_steps.folder()) == []


def test_ltx_packed_tokens_are_cut_frame_by_frame(ltx_dir, monkeypatch):
    """LTX-Video's transformer takes tokens [B, F*H*W, C] with num_frames: the hook cuts them by frame."""
    ex = Executor()
    # the tiny VAE packs 4 frames a latent frame and 4x4 pixels a token: 7 latent frames of 8x8 tokens,
    # windows of 3 latent frames sharing 2: 5 windows
    g = _graph(ltx_dir, frames=25, window=9, overlap=8, width=32, height=32)
    spy = Spy(ex, g, monkeypatch)
    try:
        out = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    finally:
        spy.close()
    assert out.n_frames == 25 and np.isfinite(out.frames).all()
    assert spy.pipe_calls == 1 and len(spy.frames) == 5 * 2
    assert {s[1] for s in spy.frames} == {3 * 8 * 8}  # each forward saw 3 latent frames' tokens


def test_a_prompt_schedule_changes_the_prompt_inside_one_take(wan_dir, monkeypatch):
    """Each context window's conditional call gets the schedule's mix over its own frames; the
    unconditional call keeps the negative prompt; still one pipeline call."""
    import torch
    ex = Executor()
    g = _graph(wan_dir, guidance=2.0, negative_prompt="blurry", long_take="auto")
    g.add_node("video_models.prompt_schedule", {"prompts": "0: a red fox\n9: a blue cat", "frames": 13},
               node_id="sched")
    g.connect("sched", "schedule", "gen", "schedule")
    spy = Spy(ex, g, monkeypatch)
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v")
    seen = []
    h = pipe.transformer.condition_embedder.register_forward_pre_hook(lambda m, a: seen.append(a[1].clone()))
    ev = []
    try:
        out = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    finally:
        h.remove()
        spy.close()
    assert out.n_frames == 13 and spy.pipe_calls == 1
    assert any("context windows (auto)" in t for t in _said(ev))
    with torch.inference_mode():
        fox = pipe.encode_prompt("a red fox", do_classifier_free_guidance=False)[0]
        cat = pipe.encode_prompt("a blue cat", do_classifier_free_guidance=False)[0]
        # the pipeline encodes the negative prompt itself, to its call's max_sequence_length (512)
        neg = pipe.encode_prompt("blurry", do_classifier_free_guidance=False, max_sequence_length=512)[0]
    # a step: 3 conditional window calls (latent frames 0-1, 1-2, 2-3), then 3 unconditional ones
    assert len(seen) == 2 * 2 * 3
    cond, uncond = seen[:3], seen[3:6]
    assert torch.equal(cond[0], fox) and torch.equal(cond[1], fox)  # frames 0-8: the fox
    assert torch.allclose(cond[2], (fox + cat) / 2, atol=1e-6)  # frames 5-12: half before frame 9, half after
    assert all(torch.equal(u, neg) for u in uncond)


@pytest.mark.parametrize("schedule", ["uniform", "looped"])
def test_the_prediction_is_the_tapered_mean_of_the_transformer_on_each_window(schedule):
    """Against the transformer called by hand on each window's frames (each window's own positions,
    from 0) and a mean weighted by a linear taper over the overlap, computed here apart."""
    from types import SimpleNamespace

    import torch
    from diffusers import WanTransformer3DModel

    from nodes.video_models.takes.context_windows import context_windows_applied
    torch.manual_seed(0)
    tr = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=4,
                               out_channels=4, text_dim=32, freq_dim=256, ffn_dim=32, num_layers=1,
                               cross_attn_norm=True, qk_norm="rms_norm_across_heads", rope_max_seq_len=32).eval()
    x = torch.randn(1, 4, 7, 4, 4)
    text = torch.randn(1, 5, 32)
    t = torch.tensor([700.0])
    plan = WindowPlan(window=3, overlap=1, schedule=schedule)
    with torch.no_grad():
        with context_windows_applied(SimpleNamespace(transformer=tr), FAMILIES["wan"], plan) as cw:
            got = tr(hidden_states=x, timestep=t, encoder_hidden_states=text, return_dict=False)[0]
        starts = [0, 2, 4] if schedule == "uniform" else [0, 2, 4, 6]
        acc, norm = torch.zeros_like(x), torch.zeros(7)
        for s in starts:
            idx = [(s + j) % 7 for j in range(3)]
            w = torch.ones(3)
            if schedule == "looped" or s > 0:
                w[0] = 0.5
            if schedule == "looped" or s + 3 < 7:
                w[2] = 0.5
            out = tr(hidden_states=x[:, :, idx], timestep=t, encoder_hidden_states=text, return_dict=False)[0]
            acc[:, :, idx] += out * w[None, None, :, None, None]
            norm[idx] += w
        want = acc / norm[None, None, :, None, None]
    assert cw.calls == len(starts)
    assert torch.allclose(got, want, atol=1e-5)


def test_a_one_take_run_is_recorded_under_its_own_key_and_predicts_the_next(wan_dir, tmp_path, monkeypatch):
    # issue 48: one take (the default for Wan) was never recorded, so no later run was predicted
    import os

    from studio.engine.events import NodeNote
    from nodes.video_models.estimates import times as run_times
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    ex = Executor()
    ev: list = []
    ex.run(_graph(wan_dir), targets=["gen"], device="cpu", use_cache=False, on_event=ev.append)
    assert any(t.startswith("no time prediction yet") for t in _said(ev))
    (key, recs), = run_times.runs_of(run_times.read(os.path.join(tmp_path, run_times.FILE_NAME))).items()
    assert key.endswith("|take=context 2/1 uniform") and recs[0]["pixels"] == 16 * 16 * 13
    ev.clear()
    ex.run(_graph(wan_dir), targets=["gen"], device="cpu", use_cache=False, on_event=ev.append)
    assert any(isinstance(e, NodeNote) and e.text.startswith("predicted: about") for e in ev)
    shots: list = []
    ex.run(_graph(wan_dir, long_take="separate shots"), targets=["gen"], device="cpu", use_cache=False,
           on_event=shots.append)
    assert any(t.startswith("no time prediction yet") for t in _said(shots))  # windows: another key
