"""Upscale Video against spandrel called directly: tiny random weights in four of spandrel's
architectures' layouts (ESRGAN's RRDBNet, RealESRGAN Compact, SPAN, SwinIR), built here from
spandrel's own classes and saved as safetensors (and one as a .pth, read without unpickling). The node's
frames equal the descriptor's call on the same frames; tiled with overlap they equal the whole
frame for the convolutional ones. Hostile: an unknown architecture named by what was seen, a scale
beyond the memory estimate refused before a frame is pulled.

spandrel is imported as Studio imports it (without torchvision: nodes/finishing/spandrel_import.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from nodes.finishing.upscale import UpscaleError, UpscaleVideo
from nodes.finishing.upscaler_files import UpscalerFileError, import_spandrel, load_descriptor
from studio.engine.clip import ArrayClip, Clip
from tests.node_run import Recorder, run_node

spandrel = import_spandrel()  # installed by scripts/setup.sh (without torchvision): never skipped


def _models():
    from spandrel.architectures.Compact import Compact
    from spandrel.architectures.ESRGAN import ESRGAN
    from spandrel.architectures.SPAN import SPAN
    from spandrel.architectures.SwinIR import SwinIR
    torch.manual_seed(0)
    return {"ESRGAN": ESRGAN(in_nc=3, out_nc=3, num_filters=8, num_blocks=1, scale=2),
            "RealESRGAN Compact": Compact(num_in_ch=3, num_out_ch=3, num_feat=8, num_conv=2, upscale=2),
            "SPAN": SPAN(num_in_ch=3, num_out_ch=3, feature_channels=8, upscale=2),
            "SwinIR": SwinIR(img_size=16, embed_dim=12, depths=[2], num_heads=[2], window_size=4, mlp_ratio=2.0,
                             upscale=2, upsampler="pixelshuffle", img_range=1.0)}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("upscale_models")
    out = {}
    for name, m in _models().items():
        p = d / (name.replace(" ", "_") + ".safetensors")
        save_file({k: v.contiguous() for k, v in m.state_dict().items()}, str(p))
        out[name] = str(p)
    return out


def _clip(n=3, h=37, w=45):
    return ArrayClip(np.random.default_rng(1).random((n, h, w, 3), dtype=np.float32), 24.0)


def _direct(path, frames):
    desc = spandrel.ModelLoader().load_from_file(path).eval()
    with torch.inference_mode():
        x = torch.from_numpy(np.array(frames)).permute(0, 3, 1, 2)
        return np.stack([desc(x[k:k + 1])[0].permute(1, 2, 0).numpy() for k in range(len(frames))])


@pytest.mark.parametrize("arch", ["ESRGAN", "RealESRGAN Compact", "SPAN", "SwinIR"])
def test_frames_equal_spandrel_called_directly(files, arch):
    clip = _clip()
    want = _direct(files[arch], clip.chunk(0, 3))
    rec = Recorder()
    out = run_node(UpscaleVideo, {"model": files[arch], "tile": 0}, rec, video=clip)
    assert (out.width, out.height, len(out)) == (90, 74, 3)
    assert load_descriptor(files[arch]).architecture.name == arch
    np.testing.assert_allclose(out.chunk(0, 3), want, atol=1e-6)
    np.testing.assert_allclose(out.frame(1), want[1], atol=1e-6)
    assert any(arch in m and "fp32" in m for m in rec.messages("info"))


@pytest.mark.parametrize("arch", ["ESRGAN", "RealESRGAN Compact", "SPAN"])
def test_tiles_with_overlap_equal_the_whole_frame(files, arch):
    clip = _clip(1, 34, 46)  # 3 x 3 tiles, edges not multiples of the tile
    want = _direct(files[arch], clip.chunk(0, 1))
    out = run_node(UpscaleVideo, {"model": files[arch], "tile": 16, "overlap": 24, "batch": 1}, video=clip)
    np.testing.assert_allclose(out.chunk(0, 1), want, atol=2e-5)


def test_swinir_tiling_is_said(files):
    rec = Recorder()
    run_node(UpscaleVideo, {"model": files["SwinIR"], "tile": 16}, rec, video=_clip())
    assert any("tiling is discouraged" in m for m in rec.messages("warning"))


def test_pth_read_without_unpickling_and_said(files, tmp_path):
    from safetensors.torch import load_file
    p = tmp_path / "span.pth"
    torch.save(load_file(files["SPAN"]), str(p))
    rec = Recorder()
    clip = _clip(1)
    out = run_node(UpscaleVideo, {"model": str(p), "tile": 0}, rec, video=clip)
    np.testing.assert_allclose(out.frame(0), _direct(files["SPAN"], clip.chunk(0, 1))[0], atol=1e-6)
    assert any("without unpickling" in m for m in rec.messages("info"))


def test_scale_param_resizes_the_models_output(files):
    out = run_node(UpscaleVideo, {"model": files["RealESRGAN Compact"], "scale": 1.5}, video=_clip(1, 20, 30))
    assert out.frame(0).shape == (30, 45, 3)


def test_unknown_architecture_names_what_it_saw(tmp_path):
    p = tmp_path / "odd.safetensors"
    save_file({"encoder.proj.weight": torch.rand(5, 7), "encoder.proj.bias": torch.rand(5)}, str(p))
    with pytest.raises(UpscalerFileError, match=r"not an architecture spandrel .* knows \(2 tensors; first: "
                                                r"encoder.proj.bias \(5,\), encoder.proj.weight \(5, 7\)"):
        run_node(UpscaleVideo, {"model": str(p)}, video=_clip(1))


class Huge(Clip):
    """A clip that claims 30000 x 20000 frames and fails if a frame is ever pulled."""

    def __init__(self):
        super().__init__(10, 24.0, 30000, 20000)

    def _frame(self, i):
        raise AssertionError("a frame was pulled")


def test_scale_beyond_the_estimate_refused_before_allocation(files):
    with pytest.raises(UpscaleError, match=r"x2 of 30000x20000 makes 60000x40000 frames: the estimate .* GB"):
        run_node(UpscaleVideo, {"model": files["ESRGAN"], "tile": 0}, video=Huge())


def test_half_precision_on_cpu_refused(files):
    with pytest.raises(UpscaleError, match="fp16 runs on a GPU only"):
        run_node(UpscaleVideo, {"model": files["SPAN"], "precision": "fp16"}, video=_clip(1))


def test_stop_during_the_tiles(files):
    from studio.core.errors import Cancelled
    rec = Recorder()
    out = run_node(UpscaleVideo, {"model": files["SPAN"], "tile": 16}, rec, video=_clip(2, 50, 70))
    rec.cancel.cancel()
    with pytest.raises(Cancelled):
        out.frame(0)


def test_a_graph_renders_through_it_to_a_file(files, tmp_path):
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    from studio.engine.media import VideoFileClip
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 6, "width": 48, "height": 32, "sound": False, "count": 2})
    up = g.add_node("finishing.upscale", {"model": files["RealESRGAN Compact"], "tile": 16, "overlap": 8})
    out = str(tmp_path / "up.mp4")
    save = g.add_node("io.save_video", {"path": out})
    g.connect(src.id, "video", up.id, "video")
    g.connect(up.id, "video", save.id, "video")
    assert g.validate() == []
    Executor(frame_caching=False).run(g)
    v = VideoFileClip(out)
    assert (len(v), v.width, v.height) == (6, 96, 64)


def test_spandrel_is_read_without_leaving_a_torchvision_behind():
    """Issue 75 (1): spandrel is imported with a stand-in for torchvision's three names where torchvision
    is absent, and the stand-in is gone afterwards, so transformers' image processors see no torchvision
    (a broken CUDA torchvision beside a CPU torch is what broke them)."""
    import importlib.util
    import sys

    from nodes.finishing import spandrel_import
    if importlib.util.find_spec("torchvision") is not None:
        pytest.skip("a torchvision is installed here: spandrel imports it as it is")
    assert spandrel.__version__ == "0.4.2" and "torchvision" not in sys.modules
    x = torch.arange(12.0).view(1, 3, 2, 2)
    want = (x - torch.tensor([0.5, 1.0, 2.0]).view(3, 1, 1)) / torch.tensor([2.0, 4.0, 0.5]).view(3, 1, 1)
    assert torch.equal(spandrel_import.normalize(x, [0.5, 1.0, 2.0], [2.0, 4.0, 0.5]), want)
    with pytest.raises(RuntimeError, match="rotate"):
        spandrel_import.rotate(x, 90)


def test_the_models_own_scale_is_read_only_where_torch_is_loaded(tiny, tmp_path, monkeypatch):
    """Upscale Video's foresight (its clip's size before a run) reads its model's scale from the file, but not in a
    process that has not imported torch: the window's edit checks run on its GUI thread before the engine has
    loaded (2-3 s of imports there); it counts the least the model makes, and asks again once the engine is in."""
    import os
    import subprocess
    import sys

    import shutil

    from nodes.finishing.upscale import model_scale
    path = str(tmp_path / "RealESRGAN_x2plus.pth")  # as test_bounds gives it (a file a user keeps so)
    shutil.copy(tiny("esrgan-x2plus"), path)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = ("import sys; from nodes.finishing.upscale import model_scale; "
            "print(model_scale(sys.argv[1], None), 'torch' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code, path], cwd=root, capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["1", "False"], r.stdout + r.stderr
    assert model_scale(path, None) == 2  # here torch is loaded: the file's own x2
