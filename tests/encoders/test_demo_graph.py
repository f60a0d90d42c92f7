"""The demo graph wires text, image and audio encoders into a fusion node and a preview."""
import os

import torch

from studio.core.fileformat import load_graph
from studio.engine.executor import Executor
from nodes.encoders.text import default_model_available

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_demo_graph_runs_and_shows_fused_features():
    g = load_graph(os.path.join(ROOT, "assets", "graphs", "encoders_fusion.json"))
    types = {n.type_id for n in g.nodes.values()}
    assert {"encode.text", "encode.image", "encode.audio", "fusion.cross_attention", "io.preview"} <= types
    if not default_model_available():
        g.set_param("text", "model", "scratch")
    res = Executor().run(g)  # the preview is the output node
    f = res.value("preview", "value")
    assert f.per_frame and f.data.shape == (48, 64) and torch.isfinite(f.data).all()
    assert f.extras["present"] == [True, True, True, False]
    assert f.extras["dominance"].shape == (48, 4)
    labels = f.extras["token_labels"]
    assert "b:red" in labels and labels[-2:] == ["c", "d"]
