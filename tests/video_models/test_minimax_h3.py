"""MiniMax H3 (issue 56): a diffusers modular MiniMaxH3ModularPipeline folder (modular_model_index.json)
is its own family, run by Text to Video in one call of diffusers' modular pipeline: the frames equal
the pipeline called directly with the same prompt, seed and arguments; a folder missing a component
is refused naming it before anything loads. Tiny random MiniMax H3 built from configs
(tests/video_models/tiny_minimax_h3.py)."""
from __future__ import annotations

import functools
import os
import shutil

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def minimax_dir(tmp_path_factory):
    from .tiny_minimax_h3 import build_minimax_h3
    return build_minimax_h3(str(tmp_path_factory.mktemp("minimax") / "tiny-minimax-h3"))


def _graph(model, node="video_models.text_to_video", **p):
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    params = {"width": 32, "height": 32, "frames": 124, "steps": 2, "prompt": "a robot dancing", "seed": 3,
              "previews": False, "preview_size": "off"}
    g.add_node(node, dict(params, **p), node_id="gen")
    g.connect("load", "model", "gen", "model")
    return g


def test_text_to_video_runs_minimax_h3_as_the_modular_pipeline_called_directly(minimax_dir):
    import torch
    from diffusers import ModularPipeline
    from diffusers.modular_pipelines import MiniMaxH3ModularPipeline
    seen, orig = {}, MiniMaxH3ModularPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        seen.update(kw, seed=kw["generator"].initial_seed())
        return orig(self, *a, **kw)
    MiniMaxH3ModularPipeline.__call__ = spy
    msgs = []
    try:
        r = Executor().run(_graph(minimax_dir), targets=["gen", "load"], device="cpu",
                           on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
    finally:
        MiniMaxH3ModularPipeline.__call__ = orig
    assert (r.value("load").fam.key, r.value("load").variant) == ("minimax_h3", "MiniMax H3")
    clip = r.value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32)
    assert any("also made a soundtrack" in m for m in msgs)
    from .tiny_minimax_h3 import tiny_parts
    pipe = ModularPipeline.from_pretrained(minimax_dir)
    pipe.update_components(**tiny_parts(minimax_dir + ".direct"))
    shutil.rmtree(minimax_dir + ".direct", ignore_errors=True)
    want = pipe(prompt="a robot dancing", generator=torch.Generator().manual_seed(seen["seed"]),
                num_inference_steps=2, height=32, width=32, num_frames=124, output_type="np").get("videos")[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))
