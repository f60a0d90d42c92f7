"""SVD-XT's image-decoder checkpoint (heldout121 02: ComfyUI's svd_xt_image_decoder.safetensors, its first stage a
2D decoder with no temporal layers) loads and decodes each frame alone, as ComfyUI decodes it: a tiny SVD checkpoint
(tiny_svd) without its decoder's temporal tensors renders the very frames of the same checkpoint whose temporal
layers hold values that pass each frame through (their second convs zero, the last Conv3d the identity on its middle
frame); a temporal decoder missing only some of them is still refused, naming the first."""
from __future__ import annotations


import numpy as np
import pytest
import torch

from tests.video_models import tiny_svd
from tests.video_models.test_svd_comfy_checkpoint import _graph, _render

pytest.importorskip("diffusers")
safetensors = pytest.importorskip("safetensors.torch")

TEMPORAL = ("time_stack", "time_mix", "mix_factor")


def _temporal(k: str) -> bool:
    return k.startswith("first_stage_model.decoder") and any(t in k for t in TEMPORAL)


def _pass_through(k: str, t: torch.Tensor) -> torch.Tensor:
    """sgm's temporal layers as values passing each frame through (their norms' weights one, the rest zero)."""
    out = torch.zeros_like(t)
    if k.endswith(("in_layers.0.weight", "out_layers.0.weight")):
        out = torch.ones_like(t)
    elif k.endswith("time_mix_conv.weight"):
        out[:, :, t.shape[2] // 2, 0, 0] = torch.eye(t.shape[0], t.shape[1], dtype=t.dtype)
    return out


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp("svd-image-decoder")
    ck = tiny_svd.write_checkpoint(tiny_svd.build(str(root / "svd-tiny")), str(root / "svd_xt_tiny.safetensors"))
    sd = safetensors.load_file(ck)
    assert any(_temporal(k) for k in sd)
    framewise = {k: (_pass_through(k, v) if _temporal(k) else v) for k, v in sd.items()}
    image = {k: v for k, v in sd.items() if not _temporal(k)}
    paths = {}
    for name, tensors in (("framewise", framewise), ("image", image)):
        paths[name] = str(root / f"svd_xt_{name}_tiny.safetensors")
        safetensors.save_file(tensors, paths[name])
    return paths, sd


def test_an_image_decoder_checkpoint_decodes_each_frame_as_its_pass_through_temporal_twin(checkpoints):
    paths, _ = checkpoints
    said: list = []
    image = _render(_graph(paths["image"]), said)
    twin = _render(_graph(paths["framewise"]))
    assert image.shape == twin.shape and np.array_equal(image, twin)
    assert "an image decoder (no temporal layers)" in " ".join(str(e) for e in said)


def test_a_temporal_decoder_missing_some_of_its_layers_is_still_refused(checkpoints, tmp_path):
    from studio.engine.executor import NodeExecutionError
    _, sd = checkpoints
    gone = next(k for k in sorted(sd) if _temporal(k) and "time_stack" in k)
    path = str(tmp_path / "svd_xt_broken_tiny.safetensors")
    safetensors.save_file({k: v for k, v in sd.items() if k != gone}, path)
    with pytest.raises(NodeExecutionError, match="holds no tensor for"):
        _render(_graph(path))
