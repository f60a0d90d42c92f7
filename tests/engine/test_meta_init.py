"""A build on the meta device skips torch's weight initialisation (studio/engine/meta_device.py) and a config
check keeps the shapes a config builds (nodes/video_models/base/config_check.py): what is built is the same."""
from __future__ import annotations

import pytest


def test_a_meta_build_skips_init_and_draws_no_random_number():
    import torch

    from studio.engine.meta_device import meta_device
    torch.manual_seed(0)
    want = torch.nn.Linear(8, 8).weight.detach().clone()
    torch.manual_seed(0)
    with meta_device():
        skeleton = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.Conv3d(4, 4, 3))
    real = torch.nn.Linear(8, 8)  # after the meta build: the generator where it was
    assert all(p.is_meta for p in skeleton.parameters())
    assert torch.equal(real.weight, want)
    assert getattr(torch.nn.init.kaiming_uniform_, "studio_meta_aware", False)
    t = torch.empty(3, 3, device="meta")
    assert torch.nn.init.normal_(t) is t


def test_a_config_builds_its_shapes_once_a_process():
    from nodes.video_models.base import config_check as cc

    class Model:
        __qualname__ = "Model"
        built = 0

    def build(n):
        import torch
        Model.built += 1
        return torch.nn.Linear(n, 2, device="meta")

    a = cc.built_shapes(Model, {"n": 3, "tag": "test_meta_init"}, lambda: build(3))
    b = cc.built_shapes(Model, {"tag": "test_meta_init", "n": 3}, lambda: build(3))  # the same config
    c = cc.built_shapes(Model, {"n": 5, "tag": "test_meta_init"}, lambda: build(5))
    assert a == b == {"weight": (2, 3), "bias": (2,)} and c["weight"] == (2, 5)
    assert Model.built == 2

    class Other(Model):  # another class of the same name and config: its own shapes
        __qualname__ = "Model"
    assert cc.built_shapes(Other, {"n": 3, "tag": "test_meta_init"}, lambda: build(4))["weight"] == (2, 4)

    def fails():
        raise ValueError("nonsense config")
    for _ in range(2):  # a config that cannot be built is tried (and fails) each time
        with pytest.raises(ValueError):
            cc.built_shapes(Model, {"n": -1, "tag": "test_meta_init"}, fails)


def test_a_transformers_model_built_on_meta_skips_its_init_and_a_real_one_is_initialised_as_before():
    """transformers initialises through its own table of torch's functions (taken at its import): on meta
    those skip too, and a real build draws the same weights as without Studio's wrappers."""
    import torch
    import transformers
    from accelerate import init_empty_weights
    from transformers.initialization import TORCH_INIT_FUNCTIONS

    from studio.engine.meta_device import skip_init_on_meta
    cfg = transformers.T5Config(vocab_size=64, d_model=16, d_kv=4, d_ff=32, num_layers=1, num_heads=2)
    torch.manual_seed(0)
    before = transformers.T5EncoderModel(cfg).state_dict()
    skip_init_on_meta()
    assert all(getattr(f, "studio_meta_aware", False) for f in TORCH_INIT_FUNCTIONS.values())
    with init_empty_weights():
        skeleton = transformers.T5EncoderModel(cfg)
    assert all(p.is_meta for p in skeleton.parameters())
    torch.manual_seed(0)
    after = transformers.T5EncoderModel(cfg).state_dict()
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)
