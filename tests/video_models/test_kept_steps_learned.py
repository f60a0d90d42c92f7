"""A plain take of a family that declares no denoiser layout resumes too (issue 98): the step callback holds its
whole state (skip_steps.py learns the prediction's shape from the first skipped call), so a run stopped in its
third step resumes from step 3 with the frames an uninterrupted run makes, through a generic generator and a
family's one-call node alike."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.errors import Cancelled
from studio.engine.context import CancelToken
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, said

pytest.importorskip("diffusers")

STILL = source("test.kept_learned_still", "image", "Image",
               lambda p: (np.random.RandomState(2).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32))
RUN = {"width": 32, "height": 32, "steps": 4, "prompt": "a red fox", "previews": False, "preview_size": "off",
       "seed": 3}
CASES = {"cosmos2": ("video_models.image_to_video", dict(RUN, frames=5, guidance=3.0), {"image": (STILL, "image")}),
         "sana-video": ("video_models.sana_video", dict(RUN, frames=5, guidance=3.0, binning=False), {}),
         "helios": ("video_models.text_to_video", dict(RUN, frames=33, guidance=1.0), {})}


def _entry(tr):
    """A module the denoiser runs once a call, inside its forward (a skipped call runs none of it)."""
    return next(getattr(tr, n) for n in ("patch_embedding", "patch_embed", "proj_in", "x_embedder", "proj_out")
                if hasattr(tr, n))


@pytest.mark.parametrize("key", list(CASES))
def test_a_stopped_take_resumes_from_its_last_finished_step(key, tiny, tmp_path, monkeypatch):
    from nodes.video_models.runs import kept_steps
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    node, params, feeds = CASES[key]
    g = model_graph(tiny(key), node, params, **feeds)
    ex = Executor()
    tr = _entry(ex.run(g, targets=["load"], device="cpu").value("load").module.transformer)
    calls, tok = [], CancelToken()
    h = tr.register_forward_pre_hook(lambda *_: calls.append(1))
    try:
        whole = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
        per_step = len(calls) // 4
        assert per_step >= 1 and len(calls) == 4 * per_step
        calls.clear()
        h.remove()

        def count(*_):
            calls.append(1)
            if len(calls) == 2 * per_step + 1:  # steps 1 and 2 made, Stop pressed in step 3
                tok.cancel()
        h = tr.register_forward_pre_hook(count)
        ev = []
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
        assert len(os.listdir(kept_steps.folder())) == 1
        assert any(t.startswith("stopped: the take's first 2 steps are kept") for t in said(ev, "gen"))
        calls.clear()
        ev = []
        again = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    finally:
        h.remove()
    assert any(t.startswith("resumed from step 3 of 4") for t in said(ev, "gen"))
    assert len(calls) <= 2 * per_step + 1  # steps 3 and 4, and the one call that learns the prediction's shape
    assert np.array_equal(again, whole)  # the take an uninterrupted run makes
    assert os.listdir(kept_steps.folder()) == []


def test_a_take_whose_steps_cannot_be_kept_says_so_when_stopped(tiny, tmp_path, monkeypatch):
    """Framepack's call makes its take in sections, each its own denoising loop: a kept step would not say which
    section it was of, so none is kept, and the Stop says so instead of losing the steps silently."""
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    g = model_graph(tiny("framepack"), "video_models.framepack", dict(RUN, frames=6, window=2, guidance=6.0),
                    image=(STILL, "image"))
    ex = Executor()
    tr = _entry(ex.run(g, targets=["load"], device="cpu").value("load").module.transformer)
    tok, ev = CancelToken(), []
    h = tr.register_forward_pre_hook(lambda *_: tok.cancel())
    try:
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
    finally:
        h.remove()
    assert any(t.startswith("stopped: the steps made are not kept (its call makes 2 denoising loops")
               and t.endswith("a re-run samples the take from its first step") for t in said(ev, "gen")), said(ev)
