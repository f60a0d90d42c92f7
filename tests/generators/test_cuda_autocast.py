"""Every generator model the templates and the Train node offer trains under CUDA's autocast policy,
emulated on the CPU (tests/generators/cuda_autocast.py). On 6f985dd the text_to_video models failed
here as they failed on an H100: binary_cross_entropy refused, then linalg.solve given a float32 and a
bf16 matrix (issue 32)."""
from __future__ import annotations

import math

import pytest
import torch

from tests.generators.cuda_autocast import cuda_autocast_on_cpu, trainer_uses_cuda_autocast
from tests.generators.train_reference import datasets

ARCHS = {  # name -> (dataset, family, arch): the templates' models and each family of the Train node
    "text_to_video (slots, object motion)": ("text_to_video", "diffusion",
                                             dict(motion="dense-flow", keyframe="slots", slot_motion=True)),
    "one object (diffusion key frame)": ("text_to_video", "diffusion", dict(motion="dense-flow", keyframe="diffusion")),
    "keyframe-flow": ("text_to_video", "diffusion", dict(motion="keyframe-flow")),
    "joint": ("text_to_video", "diffusion", dict(motion="joint")),
    "vae": ("text_to_video", "vae", {}),
    "gan": ("text_to_video", "gan", {}),
    "audio_image_to_video": ("audio_image_to_video", None, {}),
}


@pytest.fixture(scope="module")
def data():
    return datasets()


def arch_config(name, ds) -> tuple[dict, object]:
    """(the model config, its dataset) of ARCHS[name] (test_gpu_training.py uses it too)."""
    from nodes.generators.av_conditioning import av_model_config
    from nodes.generators.train import model_config
    key, family, arch = ARCHS[name]
    d = ds[key]
    return (av_model_config(d, None, "gated", base=8) if family is None
            else model_config(family, d, "caption-parser", base=8, **arch)), d


def _losses(name, ds) -> list[float]:
    from nodes.generators.train import TrainSettings, train
    cfg, d = arch_config(name, ds)
    losses: list[float] = []
    train(cfg, d, TrainSettings(steps=2, batch=2, lr=1e-3, preview_every=0, checkpoint_every=0, seed=0),
          progress=lambda s, n, preview=None, **v: losses.append(float(v["loss"])))
    return losses


def test_the_emulation_refuses_what_cuda_refuses():
    a, b = torch.rand(4), torch.rand(4)
    with cuda_autocast_on_cpu():
        with pytest.raises(RuntimeError, match="unsafe to autocast"):
            torch.nn.functional.binary_cross_entropy(a, b)
        m = torch.randn(3, 3)
        assert (m @ m).dtype == torch.bfloat16 and torch.exp(m.bfloat16()).dtype == torch.float32
        with pytest.raises(RuntimeError, match="same dtype"):  # as on CUDA; the CPU's autocast would cast
            torch.linalg.solve(m + 3 * torch.eye(3), torch.einsum("ij,jk->ik", m, m))


@pytest.mark.parametrize("name", list(ARCHS))
def test_model_trains_under_cuda_autocast(name, data, monkeypatch):
    import nodes.generators.flowvideo  # noqa: F401  (modules that import autocast, patched below)
    import nodes.generators.gan  # noqa: F401
    import nodes.generators.train  # noqa: F401
    with trainer_uses_cuda_autocast(monkeypatch):
        losses = _losses(name, data)
    assert len(losses) == 2 and all(math.isfinite(x) for x in losses), losses
