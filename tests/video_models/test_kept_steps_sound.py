"""A take whose sound is sampled beside the picture (LTX-2) keeps its sound's predictions with its kept step
(resume/replay.py): a kept file that proves itself but holds fewer of them than the kept steps made is a miss,
said and removed, and the take is sampled from its first step with the frames and sound of an uninterrupted
run (a resume that went on without them would step the sound from zeros: another sound)."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.errors import Cancelled
from studio.engine.context import CancelToken, Context
from studio.engine.executor import Executor

from .graphs import model_graph, said

pytest.importorskip("diffusers")

RUN = {"prompt": "a red fox sings", "steps": 3, "seed": 3, "previews": False, "preview_size": "off", "width": 32,
       "height": 32, "frames": 9, "guidance": 1.0}


def test_kept_steps_short_of_their_sound_predictions_are_a_miss(ltx2_dir, tmp_path, monkeypatch):
    from nodes.video_models.resume import kept_file, kept_steps
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    g = model_graph(ltx2_dir, "video_models.ltx2", RUN)
    ex = Executor()
    whole = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    tok, plain = CancelToken(), Context.progress

    def progress(self, step, total=None, **kw):
        plain(self, step, total, **kw)
        if self.node_id == "gen" and step == 2 and kw.get("unit", "frame") == "frame":
            tok.cancel()
    with monkeypatch.context() as m:
        m.setattr(Context, "progress", progress)
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok)
    (name,) = os.listdir(kept_steps.folder())
    path, key = os.path.join(kept_steps.folder(), name), name.rsplit(".safetensors", 1)[0]
    tensors, info = kept_file.read(path, key)
    assert info["replay"] and len(info["replay"]) >= 2 and any(k.startswith("r.") for k in tensors)  # both steps'
    kept_file.write(path, key, {k: v for k, v in tensors.items() if not k.startswith("r.")}, dict(info, replay=[]))
    ev = []
    again = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    assert any("kept steps of an earlier run were not used (it holds fewer denoiser calls" in t
               for t in said(ev, "gen", "warning")), said(ev, "gen")
    assert not any(t.startswith("resumed from step") for t in said(ev, "gen"))
    assert np.array_equal(again.frames, whole.frames)
    assert np.array_equal(again.audio.samples, whole.audio.samples)
    assert os.listdir(kept_steps.folder()) == []
