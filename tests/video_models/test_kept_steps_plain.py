"""A plain take (no context windows) stopped in its steps resumes from its last finished step, with the
frames an uninterrupted run makes (resume/skip_steps.py, resume/kept_steps.py)."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.errors import Cancelled
from studio.engine.context import CancelToken
from studio.engine.executor import Executor

from .graphs import model_graph, said

pytest.importorskip("diffusers")


def _graph(model_dir, **p):
    return model_graph(model_dir, "video_models.text_to_video", {
        "frames": 9, "width": 16, "height": 16, "steps": 4, "guidance": 2.0, "previews": False,
        "preview_size": "off", **p})


def _said(ev):
    return said(ev, "gen")


def _entry(tr):
    return getattr(tr, "patch_embedding", None) or tr.proj_in


@pytest.mark.parametrize("model, per_step", [("wan_dir", 2), ("ltx_dir", 1)])  # LTX batches both guidance halves
def test_a_stopped_plain_take_resumes_from_its_last_finished_step(model, per_step, request, tmp_path, monkeypatch):
    from nodes.video_models.resume import kept_steps
    model_dir = request.getfixturevalue(model)
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    ex = Executor()
    g = _graph(model_dir)
    whole = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    tr = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v").transformer
    calls, tok = [], CancelToken()

    def count(_m, _a):
        calls.append(1)
        if len(calls) == 2 * per_step + 1:  # steps 1 and 2 made, Stop pressed in step 3
            tok.cancel()
    h = _entry(tr).register_forward_pre_hook(count)
    ev = []
    try:
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
        assert len(os.listdir(kept_steps.folder())) == 1
        assert any(t.startswith("stopped: the take's first 2 steps are kept") for t in _said(ev))
        calls.clear()
        ev = []
        from nodes.video_models.base import guard  # the run within its figure whatever the machine's speed: a
        monkeypatch.setattr(guard.RunGuard, "left", lambda self: 60.0)  # run past it says no time left (CI, loaded)
        again = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    finally:
        h.remove()
    assert len(calls) == 2 * per_step  # steps 3 and 4 only: the denoiser is not run for the kept steps
    assert np.array_equal(again, whole)  # the take an uninterrupted run makes
    assert any(t.startswith("resumed from step 3 of 4") for t in _said(ev))
    from studio.engine.events import NodeNote
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"]
    # its kept steps counted made (issue 116: "1 of 8 steps made" beside "resumed from step 7 of 8")
    assert any(n.endswith(" left · 2 of 4 steps made (2 kept), 2 to go") for n in notes), notes
    assert not any("1 of 4 steps made" in n for n in notes), notes
    assert os.listdir(kept_steps.folder()) == []
    from diffusers.hooks import HookRegistry
    assert HookRegistry.check_if_exists_or_initialize(tr).get_hook("studio_kept_steps") is None  # left as it was


def test_a_changed_seed_does_not_resume_from_another_takes_steps(wan_dir, tmp_path, monkeypatch):
    from nodes.video_models.resume import kept_steps
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    ex = Executor()
    g = _graph(wan_dir)
    tok, calls = CancelToken(), []
    tr = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v").transformer

    def count(_m, _a):
        calls.append(1)
        if len(calls) == 5:
            tok.cancel()
    h = _entry(tr).register_forward_pre_hook(count)
    try:
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok)
    finally:
        h.remove()
    g.nodes["gen"].params["seed"] = 12345
    ev = []
    other = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    assert not any("resumed" in t for t in _said(ev))
    fresh = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert np.array_equal(other, fresh)
    assert len(os.listdir(kept_steps.folder())) == 1  # the stopped take's steps stay for its own re-run
