"""On a CUDA GPU (``pytest -m gpu``): every generator model the templates and the Train node offer
takes training steps under the trainer's real bf16 autocast, compiled as the trainer compiles on
CUDA, with finite losses; the CPU emulation of the same rules is test_cuda_autocast.py."""
from __future__ import annotations

import math

import pytest
import torch

from tests.generators.test_cuda_autocast import ARCHS, arch_config

pytestmark = pytest.mark.gpu


@pytest.fixture(scope="module")
def data():
    from tests.generators.train_reference import datasets
    return datasets()


@pytest.mark.parametrize("name", list(ARCHS))
def test_model_trains_on_cuda_under_autocast(name, data):
    from nodes.generators.train import TrainSettings, train
    cfg, d = arch_config(name, data)
    losses: list[float] = []
    warned: list[str] = []
    res = train(cfg, d, TrainSettings(steps=4, batch=4, preview_every=2, preview_steps=2, checkpoint_every=0, seed=0),
                device="cuda", progress=lambda s, n, preview=None, **v: losses.append(float(v["loss"])),
                warn=warned.append)
    assert len(losses) == 4 and all(math.isfinite(x) for x in losses), losses
    assert not [w for w in warned if "uncompiled" in w], warned  # compiling worked on CUDA
    assert next(res.model.parameters()).is_cuda and torch.cuda.is_available()
