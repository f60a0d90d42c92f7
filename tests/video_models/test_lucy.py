"""Lucy Edit (issue 56): a diffusers LucyEditPipeline folder is its own family, run by Video to Video
(the clip the edit's source, the prompt its instruction; no strength, said); frames equal the
pipeline called directly with the same clip and seed; another family's generators refuse it in words.
Tiny random Lucy Edit built from the tiny Wan's parts (tests/video_models/tiny_lucy.py)."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def lucy_dir(tmp_path_factory):
    from .tiny_lucy import build_lucy
    return build_lucy(str(tmp_path_factory.mktemp("lucy") / "tiny-lucy"))


def _graph(model, node="video_models.video_to_video", **p):
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("source.shapes", {"frames": 9, "width": 32, "height": 32}, node_id="src")
    params = {"width": 32, "height": 32, "steps": 2, "guidance": 3.0, "prompt": "make the circle a fox", "seed": 3,
              "previews": False, "preview_size": "off"}
    g.add_node(node, dict(params, **p), node_id="gen")
    g.connect("load", "model", "gen", "model")
    if node == "video_models.video_to_video":
        g.connect("src", "video", "gen", "video")
    return g


def test_video_to_video_runs_lucy_edit_as_the_pipeline_called_directly(lucy_dir):
    import torch
    from diffusers import LucyEditPipeline
    seen, orig = {}, LucyEditPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        seen.update(kw, seed=kw["generator"].initial_seed())
        return orig(self, *a, **kw)
    LucyEditPipeline.__call__ = spy
    msgs = []
    try:
        r = Executor().run(_graph(lucy_dir), targets=["gen", "load"], device="cpu",
                           on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
    finally:
        LucyEditPipeline.__call__ = orig
    assert (r.value("load").fam.key, r.value("load").variant) == ("lucy", "Lucy Edit")
    clip = r.value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (9, 32, 32)
    assert "LucyEditPipeline has no 'strength': ignored" in msgs
    pipe = LucyEditPipeline.from_pretrained(lucy_dir)
    want = pipe(video=seen["video"], prompt="make the circle a fox", negative_prompt=seen.get("negative_prompt"),
                height=32, width=32, num_frames=seen.get("num_frames", 81), num_inference_steps=2, guidance_scale=3.0,
                generator=torch.Generator().manual_seed(seen["seed"]), output_type="np").frames[0]
    assert len(seen["video"]) == 9
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def test_text_to_video_refuses_lucy_edit_in_words(lucy_dir):
    with pytest.raises(Exception, match=r"this model \(Lucy Edit\) makes video to video, not text to video: use Video to Video"):
        Executor().run(_graph(lucy_dir, node="video_models.text_to_video"), targets=["gen"], device="cpu")


@pytest.mark.fresh_models
def test_a_cached_prompt_loads_no_text_encoder(lucy_dir, tmp_path, monkeypatch):
    """The prompt-embedding cache (issue 60) reads Lucy Edit's prompts as Wan's: the second render with
    only the seed changed loads no T5 and makes the frames of a render with the cache off."""
    from transformers import T5EncoderModel

    from .prompt_cache_check import NOT_LOADED, counted_loads, off_then_cached
    loaded = counted_loads(monkeypatch, T5EncoderModel)

    def render(seed):
        msgs = []
        clip = Executor().run(_graph(lucy_dir, seed=seed), targets=["gen"], device="cpu",
                              on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None).value("gen")
        return clip.frames, msgs
    plain, _first, (second, msgs) = off_then_cached(monkeypatch, tmp_path, render, (loaded,))
    assert loaded == [] and NOT_LOADED in msgs
    assert np.array_equal(second, plain)
