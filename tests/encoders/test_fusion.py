"""Fusion networks and nodes: shapes, broadcasting, missing inputs, gradients to every input,
dominance in extras, seeds, checkpoints and clear errors."""
import pytest
import torch

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.registry import Registry, default_registry
from studio.core.spec import SOURCE, Node, Out
from studio.core.values import Features
from studio.engine.executor import Executor
from nodes.encoders.common import seeded
from nodes.fusion import modules as M
from nodes.fusion.nodes import save_fusion

KINDS = ["concat", "gated", "cross_attention", "tensor", "film"]
T = 5


def make(kind, dims, dim=8, seed=0):
    kw = {"heads": 2} if kind == "cross_attention" else {}
    return seeded(lambda: M.MODULES[kind](dims, dim, ["a", "b", "c", "d"][:len(dims)], **kw), seed)


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_reach_every_input_and_shapes(kind):
    m = make(kind, [6, 4, 3, 5])
    frame = torch.randn(2, T, 6, requires_grad=True)   # per-frame video features
    clip = torch.randn(2, 4, requires_grad=True)       # clip-level (pooled text)
    seq = torch.randn(2, 7, 3, requires_grad=True)     # token sequence (text tokens)
    frame2 = torch.randn(2, T, 5, requires_grad=True)  # per-frame audio features
    out, info = m([frame, clip, seq, frame2], ["frame", "clip", "seq", "frame"])
    assert out.shape == (2, T, m.out_dim) and out.dtype == torch.float32
    (out ** 2).mean().backward()
    for name, x in zip("abcd", (frame, clip, seq, frame2)):
        assert x.grad is not None and x.grad.abs().sum() > 0, f"no gradient reaches input {name}"
    d = info["dominance"]
    assert d.shape == (2, T, 4) and torch.all(d >= 0)
    assert torch.allclose(d.sum(-1), torch.ones(2, T), atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_missing_modality_uses_a_learned_null_embedding(kind):
    torch.manual_seed(0)
    m = make(kind, [6, 4, None, 5])
    x = torch.randn(1, T, 6, requires_grad=True)
    out, _ = m([x, torch.randn(1, 4), None, None])
    # a weighted sum: the plain sum of a layer-normed output is a constant (no gradient at all), and
    # this test passed or failed with the random state earlier tests left behind
    (out * torch.randn_like(out)).sum().backward()
    assert m.null.grad is not None
    assert m.null.grad[2].abs().sum() > 0 and m.null.grad[3].abs().sum() > 0
    assert x.grad.abs().sum() > 0


def test_clip_level_inputs_broadcast_over_frames():
    m = make("gated", [4, 3])
    out, _ = m([torch.randn(1, T, 4), torch.randn(1, 3)])
    assert out.shape == (1, T, 8)
    out1, _ = m([torch.randn(1, 4), torch.randn(1, 3)])
    assert out1.shape == (1, 1, 8)


def test_mismatched_frame_counts_and_bad_inputs():
    m = make("concat", [4, 3])
    with pytest.raises(ValueError, match="mismatched frame counts: input 'b' has 6 frames"):
        m([torch.randn(1, 5, 4), torch.randn(1, 6, 3)])
    with pytest.raises(ValueError, match="built for 3"):
        m([torch.randn(1, 5, 4), torch.randn(1, 5, 9)])
    with pytest.raises(ValueError, match="expected 2 inputs"):
        m([torch.randn(1, 5, 4)])


def test_gates_and_attention_say_which_input_dominates():
    g = make("gated", [4, 4])
    with torch.no_grad():
        g.gate.weight.zero_()
        g.gate.bias.copy_(torch.tensor([4.0, -4.0]))
    _, info = g([torch.randn(1, T, 4), torch.randn(1, T, 4)])
    assert torch.all(info["gates"][..., 0] > 0.98) and torch.all(info["dominance"][..., 0] > 0.95)
    a = make("cross_attention", [4, 4, 4])
    _, info = a([torch.randn(1, T, 4), torch.randn(1, 3, 4), torch.randn(1, T, 4)], ["frame", "seq", "frame"])
    assert info["attention_heads"].shape == (1, T, 2, 4) and info["token_owner"] == [1, 1, 1, 2]
    assert info["attention"].shape == (1, T, 4)
    assert torch.allclose(info["attention_heads"].sum(-1), torch.ones(1, T, 2), atol=1e-5)
    assert torch.all(info["dominance"][..., 0] == 0)  # the query attends to others


# -- nodes ------------------------------------------------------------------------------------
def _registry_with(values: dict):
    reg = Registry()
    for s in default_registry().specs():
        reg.register(s)
    classes = {}
    for name, v in values.items():
        classes[name] = type(f"Hold_{name}", (Node,), {
            "id": f"test.hold_{name}", "timing": SOURCE, "outputs": (Out("f", "Features"),),
            "run": (lambda val: (lambda self, ctx: val))(v)})
        reg.register(classes[name])
    return reg


def run_fusion(kind, values: dict, params=None):
    reg = _registry_with({k: v for k, v in values.items() if v is not None})
    g = Graph(reg)
    n = g.add_node(f"fusion.{kind}", {"dim": 8, **(params or {})})
    for port, v in values.items():
        if v is not None:
            h = g.add_node(f"test.hold_{port}")
            g.connect(h.id, "f", n.id, port)
    return Executor().run(g, targets=[n.id]).outputs[n.id]


def _inputs():
    gen = torch.Generator().manual_seed(0)
    return {"a": Features(torch.randn(T, 6, generator=gen), per_frame=True, fps=12.0),
            "b": Features(torch.randn(7, 4, generator=gen), extras={"tokens": list("abcdefg")}),
            "c": Features(torch.randn(3, generator=gen)),
            "d": None}


@pytest.mark.parametrize("kind", KINDS)
def test_fusion_nodes_output_per_frame_features_with_dominance(kind):
    out = run_fusion(kind, _inputs(), {"heads": 2} if kind == "cross_attention" else None)
    f = out["features"]
    assert f.per_frame and f.fps == 12.0 and f.data.shape == (T, 32 if kind == "concat" else 8)
    assert f.data.dtype == torch.float32 and torch.isfinite(f.data).all()
    assert f.extras["modalities"] == ["a", "b", "c", "d"] and f.extras["present"] == [True, True, True, False]
    assert f.extras["dominance"].shape == (T, 4)
    assert out["model"].module is not None
    if kind == "cross_attention":
        assert f.extras["token_labels"][:2] == ["b:a", "b:b"] and f.extras["attention"].shape == (T, 9)
    if kind == "gated":
        assert f.extras["gates"].shape == (T, 4)


def test_fusion_node_seed_checkpoint_and_clip_level_output(tmp_path):
    ins = _inputs()
    a = run_fusion("gated", ins, {"seed": 1})["features"].data
    b = run_fusion("gated", ins, {"seed": 1})
    c = run_fusion("gated", ins, {"seed": 2})["features"].data
    assert torch.equal(a, b["features"].data) and not torch.allclose(a, c)
    path = str(tmp_path / "gated.safetensors")
    save_fusion(b["model"].module, path)
    d = run_fusion("gated", ins, {"seed": 7, "checkpoint": path})["features"].data
    assert torch.allclose(a, d, atol=1e-6)
    with pytest.raises(NodeExecutionError, match="holds a 'fusion.gated' network"):
        run_fusion("film", ins, {"checkpoint": path})
    clip_only = run_fusion("concat", {"a": None, "b": ins["b"], "c": ins["c"], "d": None})["features"]
    assert not clip_only.per_frame and clip_only.data.shape == (32,)


def test_fusion_node_errors():
    with pytest.raises(NodeExecutionError, match="mismatched frame counts"):
        run_fusion("concat", {"a": Features(torch.randn(5, 3), per_frame=True),
                              "b": Features(torch.randn(6, 3), per_frame=True)})
    with pytest.raises(NodeExecutionError, match="no inputs"):
        run_fusion("concat", {})
    with pytest.raises(NodeExecutionError, match="NaN"):
        run_fusion("film", {"a": Features(torch.full((3,), float("nan")))})
    with pytest.raises(NodeExecutionError, match="not divisible"):
        run_fusion("cross_attention", _inputs(), {"dim": 10, "heads": 4})
