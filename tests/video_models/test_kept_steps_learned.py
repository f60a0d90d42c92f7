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
    from nodes.video_models.resume import kept_steps
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


@pytest.mark.parametrize("stop_after", [3, 4])  # the first section's end; a step into the second
def test_a_take_made_in_sections_resumes_from_a_step_of_any_section(stop_after, tiny, tmp_path, monkeypatch):
    """Framepack's call makes its take in sections, each its own denoising loop reading the sections made before
    it: the kept step says which section it is of (counted over the call), the finished sections' last latents
    are kept with it and handed back at their ends, so a re-run resumes inside any section with the frames an
    uninterrupted run makes (it said the steps were not kept before)."""
    from studio.engine.context import Context
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    g = model_graph(tiny("framepack"), "video_models.framepack", dict(RUN, steps=3, frames=6, window=2, guidance=6.0),
                    image=(STILL, "image"))
    ex = Executor()
    whole = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    tok, ev, plain = CancelToken(), [], Context.progress

    def progress(self, step, total=None, **kw):
        plain(self, step, total, **kw)
        if self.node_id == "gen" and step == stop_after and kw.get("unit", "frame") == "frame":
            tok.cancel()
    with monkeypatch.context() as m:
        m.setattr(Context, "progress", progress)
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=ev.append)
    assert any(t.startswith(f"stopped: the take's first {stop_after} steps are kept") for t in said(ev, "gen"))
    ev = []
    again = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    assert any(t.startswith(f"resumed from step {stop_after + 1} of 6") for t in said(ev, "gen")), said(ev, "gen")
    assert np.array_equal(again, whole)
