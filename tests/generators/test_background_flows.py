"""Issue 44: a large training set's optical flow measured in the background while training starts:
batches from a prefix that grows with the step (never with how far the background work got), the
same flows and the same losses as measured first."""
from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from studio.core.errors import Cancelled

from nodes.generators import background_flows as bf
from nodes.generators.checkpoint import build_model
from nodes.generators.scenes import scenes_dataset
from nodes.generators.train import TrainSettings, _Data, model_config, train

TINY = {"motion": "dense-flow", "base": 8, "flow_base": 8, "refine_base": 8, "tokens": 24}


@pytest.fixture
def small_prefix(monkeypatch):
    monkeypatch.setattr(bf, "FIRST", 3)
    monkeypatch.setattr(bf, "PER_STEP", 2)


def test_the_prefix_grows_with_the_step():
    assert bf.available(0, 2048) == 256 and bf.available(10, 2048) == 336 and bf.available(10**6, 2048) == 2048
    assert bf.full_at(2048) == 224 and bf.available(bf.full_at(2048), 2048) == 2048
    assert bf.full_at(100) == 0


def test_batches_come_from_the_prefix_and_the_flows_equal_those_measured_first(small_prefix):
    ds = scenes_dataset(count=12, n_frames=4, width=16, height=16, test_scenes=0, seed=3)
    model = build_model(model_config("diffusion", ds, "text", **TINY))
    s = TrainSettings(steps=1, batch=4)
    first = _Data(ds, model, torch.device("cpu"), lambda: None, s)
    late = _Data(ds, model, torch.device("cpu"), lambda: None, s, background=True)
    try:
        assert late.flows_in_background is not None and first.flows_in_background is None
        g, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
        b = late.batch(6, g, step=0)
        i = torch.randint(0, 3, (6,), generator=g2)  # step 0 draws from the first 3 clips
        assert torch.equal(b["video"], first.video[i]) and torch.equal(b["flows"], first.extra["flows"][i])
        assert late._synced == 3
        late.batch(6, g, step=100)
        assert late._synced == late.n and torch.equal(late.extra["flows"], first.extra["flows"])
    finally:
        late.close()


def test_training_with_background_flows_is_the_same_on_every_run(small_prefix):
    ds = scenes_dataset(count=12, n_frames=4, width=16, height=16, test_scenes=0, seed=3)
    cfg = model_config("diffusion", ds, "text", **TINY)
    said = []

    def run():
        r = train(cfg, ds, TrainSettings(steps=3, batch=4, preview_every=0, background_flows="on"),
                  info=said.append)
        return [h[1] for h in r.history]
    assert run() == run()
    assert any("while the optical flow of the others is measured in the background" in m for m in said)


def test_a_cancel_while_waiting_for_flows_stops_and_an_error_reaches_the_training_thread():
    gate = threading.Event()

    def slow(k):
        gate.wait(5)
        return np.zeros((1, 1, 2), np.float32)
    bg = bf.BackgroundFlows(slow, (1, 1, 2), 40, threads=1)
    calls = []

    def check():
        calls.append(1)
        raise Cancelled("stop")
    with pytest.raises(Cancelled):
        bg.wait_for(40, check)
    assert calls
    gate.set()
    bg.close()

    def broken(k):
        if k == 2:
            raise ValueError("clip 2 cannot be read")
        return np.zeros((1, 1, 2), np.float32)
    bad = bf.BackgroundFlows(broken, (1, 1, 2), 5, threads=1)
    with pytest.raises(ValueError, match="clip 2"):
        bad.wait_for(5, lambda: None)
    bad.close()
