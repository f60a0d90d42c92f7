"""Interpolate Frames with FILM: film_net (Style) at its real size (34.4 M parameters, 82 tensors)
with random weights, written as a .safetensors in ComfyUI's key layout (``film_net_fp16.safetensors``,
fp16 tensors). The node picks FILM from the file's keys; its frames equal the module called directly
on the same padded pair (x2: t = 0.5; x4: t = 0.5 and then the halves' middles, the reference's
recursion; a target fps: the relative time); frame counts; a frame does not depend on which others
were pulled; files of unknown or misshapen tensors are refused naming what was seen."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from nodes.motion.film_net import FILMNet
from nodes.motion.rife import FilmClip, InterpolateFramesRife, read_model
from nodes.motion.rife_net import RifeFileError
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

H, W = 40, 56  # padded to 64x64 and cropped back


@pytest.fixture(scope="module")
def film_file(tmp_path_factory):
    torch.manual_seed(0)
    net = FILMNet()
    for m in net.modules():  # weights small enough that the random network's frames are not all clamped
        if isinstance(m, torch.nn.Conv2d):
            m.weight.data.mul_(0.5)
    d = tmp_path_factory.mktemp("models") / "frame_interpolation"
    d.mkdir()
    p = d / "film_net_fp16.safetensors"
    save_file({k: v.half().contiguous() for k, v in net.state_dict().items()}, str(p))
    return str(p)


@pytest.fixture(scope="module")
def film_net(film_file):
    net, name, _ = read_model(film_file)
    assert name == "FILM" and isinstance(net, FILMNet)
    return net


def _clip(n=3, seed=1, fps=24.0):
    rng = np.random.default_rng(seed)
    base = rng.random((H + 8, W + 16, 3), dtype=np.float32)
    base = (base + np.roll(base, 1, 0) + np.roll(base, 1, 1)) / 3
    return ArrayClip(np.ascontiguousarray(np.stack([base[4:4 + H, 8 - k:8 - k + W] for k in range(n)])), fps)


def _pad(f):
    x = torch.from_numpy(np.array(f, np.float32)).permute(2, 0, 1)[None]
    return F.pad(x, (0, 64 - W, 0, 64 - H), mode="replicate")


def _np(y):
    return y[0, :, :H, :W].permute(1, 2, 0).numpy()


def test_real_size_file_read_in_both_layouts(film_file, film_net, tmp_path):
    from safetensors.torch import load_file
    sd = load_file(film_file)
    assert len(sd) == 82 and sum(v.numel() for v in sd.values()) == 34436667
    assert "extract.extract_sublevels.convs.0.0.conv.weight" in sd and "fuse.output_conv.weight" in sd
    port = tmp_path / "film_port.safetensors"  # the PyTorch port's names: '.0.' where ComfyUI has '.conv.'
    save_file({k.replace(".conv.", ".0."): v for k, v in sd.items()}, str(port))
    net, name, _ = read_model(str(port))
    assert name == "FILM"
    for k, v in net.state_dict().items():
        torch.testing.assert_close(v, film_net.state_dict()[k])


def test_node_frames_equal_the_module_called_directly(film_file, film_net):
    clip = _clip(2)
    rec = Recorder()
    out = run_node(InterpolateFramesRife, {"model": film_file, "multiplier": 4}, rec, video=clip)
    assert isinstance(out, FilmClip) and (len(out), out.width, out.height, out.fps) == (5, W, H, 96.0)
    frames = out.chunk(0, 5)
    x0, x1 = _pad(clip.frame(0)), _pad(clip.frame(1))
    with torch.inference_mode():
        mid = film_net(x0, x1, 0.5).clamp(0, 1)  # the reference's recursion: the middle first
        q1, q3 = film_net(x0, mid, 0.5).clamp(0, 1), film_net(mid, x1, 0.5).clamp(0, 1)
    for j, want in ((1, q1), (2, mid), (3, q3)):
        np.testing.assert_allclose(frames[j], _np(want), atol=2e-5)
    np.testing.assert_array_equal(frames[0], clip.frame(0))  # originals kept exactly
    np.testing.assert_array_equal(frames[4], clip.frame(1))
    assert not np.allclose(frames[1], frames[3], atol=1e-3) and not np.allclose(frames[2], clip.frame(0), atol=1e-3)
    assert any(m.startswith("FILM 'film_net_fp16.safetensors'") and "multiple of 64" in m for m in rec.messages("info"))
    x2 = run_node(InterpolateFramesRife, {"model": film_file, "multiplier": 2}, video=clip)
    np.testing.assert_allclose(x2.frame(1), frames[2], atol=1e-6)  # x2's frame: the same t = 0.5


def test_target_fps_times_and_order_independence(film_file, film_net):
    """24 -> 60 fps: pair 0 needs t = 0.4 and 0.8; the reference makes 0.4 (nearer the middle) from
    the pair, then 0.8 as the middle-relative 2/3 of (0.4, 1). Pulled alone or together: the same."""
    clip = _clip(3)
    out = run_node(InterpolateFramesRife, {"model": film_file, "target_fps": 60.0}, video=clip)
    assert (len(out), out.fps) == (6, 60.0) and out.pair_times(0) == pytest.approx([0.4, 0.8])
    alone = out.frame(2)  # t = 0.8 pulled first
    x0, x1 = _pad(clip.frame(0)), _pad(clip.frame(1))
    with torch.inference_mode():
        a = film_net(x0, x1, 0.4).clamp(0, 1)
        b = film_net(a, x1, 0.4 / 0.6).clamp(0, 1)
    np.testing.assert_allclose(out.frame(1), _np(a), atol=2e-5)
    np.testing.assert_allclose(alone, _np(b), atol=2e-5)
    fresh = run_node(InterpolateFramesRife, {"model": film_file, "target_fps": 60.0}, video=clip)
    np.testing.assert_array_equal(fresh.chunk(0, 3)[2], alone)  # deterministic, order-independent


def test_frame_counts(film_file):
    clip = _clip(5)
    for params, n, fps in (({"multiplier": 2}, 9, 48.0), ({"multiplier": 4}, 17, 96.0),
                           ({"multiplier": 3}, 13, 72.0), ({"target_fps": 30.0}, 6, 30.0)):
        out = run_node(InterpolateFramesRife, {"model": film_file, **params}, video=clip)
        assert (len(out), out.fps) == (n, fps), params  # lazy: nothing made yet
    # 30 / 24: output j at source time j / 1.25 = 0, 0.8, 1.6, 2.4, 3.2, 4
    assert [out.pair_times(i) for i in range(4)] == [pytest.approx([t]) for t in (0.8, 0.6, 0.4, 0.2)]


def test_unknown_and_misshapen_files_refused(tmp_path):
    odd = tmp_path / "film_odd.safetensors"
    save_file({"extract.extract_sublevels.convs.0.0.conv.weight": torch.zeros(64, 3, 3, 3),
               "something.else": torch.zeros(2)}, str(odd))
    with pytest.raises(RifeFileError, match=r"Interpolate Frames: 'film_odd.safetensors' looks like FILM but its "
                                            r"tensors do not fit .*unexpected \['something.else'\].*2 tensors; first"):
        read_model(str(odd))
    narrow = tmp_path / "film_narrow.safetensors"
    torch.manual_seed(0)
    save_file(FILMNet(k=16, flow_filters=(8, 16, 32, 64)).state_dict(), str(narrow))
    with pytest.raises(RifeFileError, match=r"looks like FILM but a tensor's shape differs .*64 filters"):
        read_model(str(narrow))
    other = tmp_path / "mystery.safetensors"
    save_file({"net.layer.weight": torch.zeros(4, 4)}, str(other))
    with pytest.raises(RifeFileError, match=r"is not a RIFE .*net\.layer\.weight \(4, 4\).*FILM file is told"):
        read_model(str(other))


def test_rife_only_settings_refused_with_film(film_file):
    with pytest.raises(RifeFileError, match=r"Interpolate Frames: 'scale' 0.5 is RIFE's; FILM works at full size"):
        run_node(InterpolateFramesRife, {"model": film_file, "scale": "0.5"}, video=_clip(2))


def test_memory_refused_before_allocation_at_films_rate():
    from nodes.motion.rife import BYTES_PER_PIXEL, FILM_BYTES_PER_PIXEL, check_memory
    assert check_memory(56, 40, 64, 1, 4, "cpu", FILM_BYTES_PER_PIXEL) == FILM_BYTES_PER_PIXEL * 64 * 64
    assert FILM_BYTES_PER_PIXEL > 10 * BYTES_PER_PIXEL  # FILM's pyramids: far more than RIFE per pixel
    with pytest.raises(RifeFileError, match=r"Interpolate Frames: 16384x16384 .* needs about 1200.00 GB on cpu"):
        check_memory(16384, 16384, 64, 1, 4, "cpu", FILM_BYTES_PER_PIXEL)
