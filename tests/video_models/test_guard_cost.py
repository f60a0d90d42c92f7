"""What the CPU's Stop guard costs a small run (issue 58's node / plain-call aim), and that it still
splits what is large: the attention processors' splitting mode is kept only for argument shapes whose
attention calls could need it, and a run that earlier runs predict to be short is guarded as a GPU run
is (outermost blocks only)."""
from __future__ import annotations

import types

import pytest
import torch

from nodes.video_models.base import guard
from studio.core.errors import Cancelled
from studio.engine.context import CancelToken


class _Proc:
    """An attention processor: one SDPA over its input's tokens, and how many torch calls it made
    under a torch function mode (what the splitting mode would see)."""

    def __init__(self):
        self.seen_by_mode = 0

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, scale=1.0):
        from torch.overrides import _get_current_function_mode_stack
        self.seen_by_mode += bool(_get_current_function_mode_stack())
        q = hidden_states.unsqueeze(1) * scale
        kv = q if encoder_hidden_states is None else encoder_hidden_states.unsqueeze(1)
        return torch.nn.functional.scaled_dot_product_attention(q, kv, kv).squeeze(1)


def _wrapped(tok):
    inner = _Proc()
    return guard._StopProcessor(inner, guard._split_mode(tok)), inner


def test_small_attention_runs_plain_after_its_first_call(monkeypatch):
    monkeypatch.setattr(guard, "SPLIT_FLOPS", 4.0 * 64 * 8 * 64 + 1)  # a [64, 8] self-attention is not split
    monkeypatch.setattr(guard, "PIECE_FLOPS", 4.0 * 8 * 8 * 128)
    tok = CancelToken()
    proc, inner = _wrapped(tok)
    g = torch.Generator().manual_seed(0)
    small, large = torch.randn(1, 64, 8, generator=g), torch.randn(1, 128, 8, generator=g)
    want_small = inner(None, small)
    inner.seen_by_mode = 0
    for _ in range(3):  # the first call under the mode (it learns the sizes), then plain
        assert torch.equal(proc(None, small), want_small)
    assert inner.seen_by_mode == 1
    # other shapes: probed again; these are large enough to split, so the mode stays for them, and the
    # split result equals the whole call
    want_large = inner(None, large)
    inner.seen_by_mode = 0
    for _ in range(2):
        assert torch.allclose(proc(None, large), want_large, atol=1e-6)
    assert inner.seen_by_mode == 2
    # a plain value that changes the sizes is part of the key; an argument it cannot read keeps the mode
    inner.seen_by_mode = 0
    proc(None, small, scale=2.0)
    proc(None, small, scale=2.0)
    opaque = type("Opaque", (), {"unsqueeze": lambda self, d: small.unsqueeze(d)})()
    proc(None, small, encoder_hidden_states=opaque)
    proc(None, small, encoder_hidden_states=opaque)
    assert inner.seen_by_mode == 3
    # Stop still ends a large call between its pieces
    tok.cancel()
    with pytest.raises(Cancelled):
        proc(None, large)


class _Blocks(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = torch.nn.ModuleList(
            torch.nn.Sequential(torch.nn.Conv2d(2, 2, 1), torch.nn.ModuleList([torch.nn.Linear(2, 2)])) for _ in range(2))

    def forward(self, x):
        return x


def _hooks(model) -> int:
    return sum(len(m._forward_pre_hooks) for m in model.modules())


def _split_convs(model) -> int:
    return sum("_conv_forward" in m.__dict__ for m in model.modules())


@pytest.mark.parametrize("predicted, deep", [(None, True), (60.0, True), (1.0, False)])
def test_a_cpu_run_predicted_short_gets_the_outer_hooks_only(predicted, deep):
    model = _Blocks()
    pipe = types.SimpleNamespace(components={"transformer": model})
    ctx = types.SimpleNamespace(runtime=types.SimpleNamespace(cancel=CancelToken()))
    with guard.RunGuard(ctx, pipe, "transformer", 4, estimate=True, predicted=predicted) as g:
        assert g.deep is deep
        # every block at every depth (2 blocks + 2 inner lists' layers) or the 2 outermost; the component's
        # own Stop check and its first-step clock either way
        assert _hooks(model) == (2 + 4 if deep else 2 + 2)
        assert _split_convs(model) == (2 if deep else 0)
    assert _hooks(model) == 0 and _split_convs(model) == 0
    gpu = guard.RunGuard(ctx, pipe, "transformer", 4, estimate=False, predicted=None)
    assert not gpu.deep


def test_run_times_are_read_again_only_when_the_file_changed(tmp_path, monkeypatch):
    import json
    import os

    from nodes.video_models.estimates import times
    path = tmp_path / "times.json"
    monkeypatch.setattr(times, "_path", lambda: str(path))
    assert times.load() == {}
    times.keep("k", 100, 4, 2.0)
    first = times.load()
    assert [r["seconds"] for r in first["k"]] == [2.0]
    assert times.load() is first  # unchanged: not read again
    # another process's record replaces the file: read again
    other = {"k": [{"pixels": 100, "steps": 4, "seconds": 3.0}]}
    tmp = str(path) + ".tmp"
    with open(tmp, "w") as f:
        f.write(json.dumps({"key": "k", **other["k"][0]}) + "\n")
    os.replace(tmp, path)
    assert times.load() == other
    times.keep("k", 100, 4, 4.0)
    assert [r["seconds"] for r in times.read(str(path))["k"]] == [3.0, 4.0]
