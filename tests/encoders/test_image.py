"""Image encoder: per-frame features and maps, stills, determinism, chunking, checkpoints, grads."""
import numpy as np
import pytest
import torch

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.engine.executor import Executor
from nodes.encoders import image as I
from nodes.encoders.common import seeded


def run_image(params=None, frames=6, image_path=None):
    g = Graph()
    n = g.add_node("encode.image", {"size": 32, "dim": 16, "width": 8, **(params or {})})
    if image_path:
        s = g.add_node("io.load_image", {"path": image_path})
        g.connect(s.id, "image", n.id, "video")
    else:
        s = g.add_node("source.shapes", {"frames": frames, "width": 48, "height": 32, "sound": False})
        g.connect(s.id, "video", n.id, "video")
    return Executor().run(g, targets=[n.id]).outputs[n.id]


def test_clip_gives_per_frame_features_and_maps():
    out = run_image(frames=6)
    f, maps = out["features"], out["maps"]
    assert f.per_frame and f.data.shape == (6, 16) and f.data.dtype == torch.float32 and f.fps == 24.0
    assert maps.data.shape == (6, 32, 3, 4)  # 4 x width channels at 1/8 of 32x(32*32/48 -> 24)
    assert torch.isfinite(f.data).all()
    assert not torch.allclose(f.data[0], f.data[5])  # the shape moved


def test_image_gives_clip_level_features(tmp_path):
    import cv2
    path = str(tmp_path / "still.png")
    cv2.imwrite(path, np.full((30, 40, 3), 128, np.uint8))
    out = run_image(image_path=path)
    assert not out["features"].per_frame and out["features"].data.shape == (16,)
    assert out["maps"].data.ndim == 3


def test_same_seed_same_features_and_chunking_does_not_matter():
    a = run_image({"seed": 1, "chunk": 4})
    b = run_image({"seed": 1, "chunk": 1})
    c = run_image({"seed": 2})
    assert torch.allclose(a["features"].data, b["features"].data, atol=1e-5)
    assert not torch.allclose(a["features"].data, c["features"].data)


def test_checkpoint_roundtrip_and_wrong_kind(tmp_path):
    a = run_image({"seed": 3, "keep_maps": False})
    assert a["maps"] is None
    path = str(tmp_path / "img.safetensors")
    I.save_image_encoder(a["model"].module, path)
    b = run_image({"seed": 9, "checkpoint": path})
    assert torch.allclose(a["features"].data, b["features"].data, atol=1e-6)
    from nodes.encoders.audio import AudioCNN, save_audio_cnn
    other = str(tmp_path / "audio.safetensors")
    save_audio_cnn(AudioCNN(8, 4), other)
    with pytest.raises(NodeExecutionError, match="holds a 'audio.cnn' network"):
        run_image({"checkpoint": other})
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(NodeExecutionError, match="expected a .safetensors file"):
        run_image({"checkpoint": str(bad)})


def test_gradients_reach_the_pixels_and_weights():
    m = seeded(lambda: I.ResNetEncoder(8, 16), 0)
    x = torch.rand(2, 3, 32, 32, requires_grad=True)
    maps, pooled = m(x)
    assert maps.shape == (2, 32, 4, 4) and pooled.shape == (2, 16)
    (pooled.sum() + maps.mean()).backward()
    assert x.grad.abs().sum() > 0
    assert all(p.grad is not None for p in m.parameters())


def test_nan_frame_is_a_clear_error():
    with pytest.raises(ValueError, match="NaN"):
        I.prepare(np.full((1, 8, 8, 3), np.nan, np.float32), 8, 8)
