"""Interpolate Frames: RIFE 4.25's IFNet at its real widths with random weights, written as a
.safetensors in ComfyUI's key layout (``blocks.N.``). One block equals a short re-statement of the
reference's IFBlock forward (hzwer/Practical-RIFE train_log/IFNet_HDv3.py, 4.25); the node's frames
equal the module called directly on the same padded pair; frame counts for x2, x4 and a target
fps; a scene cut holds the earlier frame; a pickle, a file of unknown keys and a variant of other
widths are refused with messages naming the node."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from nodes.motion.rife import InterpolateFramesRife, RifeClip, find_rife, ssim_small
from nodes.motion.rife_net import IFNet, RifeFileError, read_rife
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

H, W = 40, 56  # padded to 64x64 and cropped back


def _comfy_layout(sd: dict) -> dict:
    out = {}
    for k, v in sd.items():
        if k.startswith("block") and k[5].isdigit():
            k = f"blocks.{k[5]}.{k[7:]}"
        out[k] = v.contiguous()
    return out


@pytest.fixture(scope="module")
def rife_file(tmp_path_factory):
    torch.manual_seed(0)
    net = IFNet()
    d = tmp_path_factory.mktemp("models") / "frame_interpolation"
    d.mkdir()
    p = d / "rife_v4.26.safetensors"
    save_file(_comfy_layout(net.state_dict()), str(p))
    return str(p)


def _smooth_clip(n=5, seed=1, fps=24.0):
    """Frames of a blurred random texture moving right a pixel a frame (no cut between them)."""
    rng = np.random.default_rng(seed)
    base = rng.random((H + 8, W + 16, 3), dtype=np.float32)
    base = np.stack([np.convolve(np.ones(5) / 5, c.ravel(), "same").reshape(c.shape) for c in base.transpose(2, 0, 1)], -1)
    frames = np.stack([base[4:4 + H, 8 - k:8 - k + W] for k in range(n)]).astype(np.float32)
    return ArrayClip(np.ascontiguousarray(frames), fps)


def _direct(net, f0, f1, t):
    """The module called on the pair, padded by repeated edges to 64x64, cropped back."""
    def pad(f):
        x = torch.from_numpy(np.array(f, np.float32)).permute(2, 0, 1)[None]
        return F.pad(x, (0, 64 - W, 0, 64 - H), mode="replicate")
    with torch.inference_mode():
        y = net(pad(f0), pad(f1), t)
    return y[0, :, :H, :W].clamp(0, 1).permute(1, 2, 0).numpy()


def test_one_block_equals_the_reference_forward(rife_file):
    """IFBlock 1 against a few lines of the reference's forward (interpolate down, conv0, eight
    ResConvs x*beta + x with LeakyReLU 0.2, ConvTranspose + PixelShuffle, interpolate up)."""
    net, name, _ = read_rife(rife_file)
    assert name == "4.25 / 4.26"
    sd = {k: v for k, v in net.state_dict().items() if k.startswith("block1.")}
    torch.manual_seed(3)
    x, flow, scale = torch.rand(1, 24, 64, 64), torch.randn(1, 4, 64, 64), 8.0

    def ref(x, flow):
        g = lambda k: sd["block1." + k]  # noqa: E731
        x = F.interpolate(x, scale_factor=1 / scale, mode="bilinear", align_corners=False)
        fl = F.interpolate(flow, scale_factor=1 / scale, mode="bilinear", align_corners=False) * (1 / scale)
        y = torch.cat((x, fl), 1)
        y = F.leaky_relu(F.conv2d(y, g("conv0.0.0.weight"), g("conv0.0.0.bias"), 2, 1), 0.2)
        y = F.leaky_relu(F.conv2d(y, g("conv0.1.0.weight"), g("conv0.1.0.bias"), 2, 1), 0.2)
        for r in range(8):
            c = F.conv2d(y, g(f"convblock.{r}.conv.weight"), g(f"convblock.{r}.conv.bias"), 1, 1)
            y = F.leaky_relu(c * g(f"convblock.{r}.beta") + y, 0.2)
        y = F.pixel_shuffle(F.conv_transpose2d(y, g("lastconv.0.weight"), g("lastconv.0.bias"), 2, 1), 2)
        y = F.interpolate(y, scale_factor=scale, mode="bilinear", align_corners=False)
        return y[:, :4] * scale, y[:, 4:5], y[:, 5:]

    with torch.inference_mode():
        got, want = net.block1(x, flow, scale), ref(x, flow)
    for a, b in zip(got, want):
        assert a.shape == b.shape
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
    assert got[0].shape == (1, 4, 64, 64) and got[2].shape == (1, 8, 64, 64)


def test_node_frames_equal_the_module_called_directly(rife_file):
    clip = _smooth_clip(3)
    rec = Recorder()
    out = run_node(InterpolateFramesRife, {"model": rife_file, "multiplier": 4, "batch": 2}, rec, video=clip)
    assert (len(out), out.width, out.height, out.fps) == (9, W, H, 96.0)
    net, _, _ = read_rife(rife_file)
    frames = out.chunk(0, 9)
    for j in range(9):
        i0, k = divmod(j, 4)
        if k == 0:
            np.testing.assert_array_equal(frames[j], clip.frame(i0))  # originals kept exactly
        else:
            want = _direct(net, clip.frame(i0), clip.frame(i0 + 1), k / 4)
            np.testing.assert_allclose(frames[j], want, atol=2e-5)
    np.testing.assert_allclose(out.frame(5), frames[5], atol=2e-5)  # one frame alone: the same
    assert not np.allclose(frames[1], frames[3], atol=1e-3)  # t = 1/4 and 3/4 differ: the timestep is used
    np.testing.assert_array_equal(out.chunk(0, 9), frames)  # deterministic
    assert any("RIFE 4.25 / 4.26" in m and "64" in m for m in rec.messages("info"))


def test_frame_counts_for_multipliers_and_a_target_fps(rife_file):
    clip = _smooth_clip(5)
    for params, n, fps in (({"multiplier": 2}, 9, 48.0), ({"multiplier": 4}, 17, 96.0),
                           ({"target_fps": 60.0}, 11, 60.0), ({"target_fps": 30.0}, 6, 30.0)):
        out = run_node(InterpolateFramesRife, {"model": rife_file, **params}, video=clip)
        assert (len(out), out.fps) == (n, fps), params
    out = run_node(InterpolateFramesRife, {"model": rife_file, "target_fps": 60.0}, video=clip)
    assert out.where(5) == (2, 0.0)  # 60 / 24 = 2.5: frame 5 is source frame 2
    np.testing.assert_array_equal(out.frame(5), clip.frame(2))


def test_a_scene_cut_is_not_blended(rife_file):
    a = _smooth_clip(2, seed=1).chunk(0, 2)
    b = 1.0 - _smooth_clip(2, seed=7).chunk(0, 2)  # another picture: a cut between frames 1 and 2
    clip = ArrayClip(np.concatenate([a, b]), 24.0)
    assert ssim_small(a[0], a[1]) > 0.5 and ssim_small(a[1], b[0]) < 0.2
    out = run_node(InterpolateFramesRife, {"model": rife_file, "multiplier": 2}, video=clip)
    assert isinstance(out, RifeClip) and len(out) == 7
    frames = out.chunk(0, 7)
    np.testing.assert_array_equal(frames[3], a[1])  # the in-between across the cut holds the earlier frame
    assert out.cuts == {1}
    assert not np.allclose(frames[1], a[0], atol=1e-3) and not np.allclose(frames[1], a[1], atol=1e-3)
    out = run_node(InterpolateFramesRife, {"model": rife_file, "multiplier": 2, "cut_threshold": 0.0}, video=clip)
    assert not np.array_equal(out.frame(3), a[1]) and out.cuts == set()  # threshold 0: no cut looked for


def test_files_refused_with_the_nodes_name(rife_file, tmp_path):
    pkl = tmp_path / "flownet.pkl"
    torch.save({"block0.conv0.0.0.weight": torch.zeros(1)}, str(pkl))
    with pytest.raises(RifeFileError, match=r"Interpolate Frames: 'flownet.pkl' is not a .safetensors"):
        find_rife(str(pkl))
    with pytest.raises(RifeFileError, match=r"Interpolate Frames: 'flownet.pkl' is not a .safetensors"):
        read_rife(str(pkl))
    odd = tmp_path / "film_net_fp16.safetensors"
    save_file({"extract.extract_sublevels.convs.0.0.conv.weight": torch.zeros(32, 3, 3, 3)}, str(odd))
    with pytest.raises(RifeFileError, match=r"Interpolate Frames: 'film_net_fp16.safetensors' is not a RIFE "
                                            r".*extract\.extract_sublevels\.convs\.0\.0\.conv\.weight \(32, 3, 3, 3\)"):
        read_rife(str(odd))
    wide = tmp_path / "rife_other.safetensors"
    torch.manual_seed(0)
    save_file(_comfy_layout(IFNet(channels=(96, 64, 48, 32, 16)).state_dict()), str(wide))
    with pytest.raises(RifeFileError, match=r"block widths \(96, 64, 48, 32, 16\), not a variant Studio knows"):
        read_rife(str(wide))
    errs = InterpolateFramesRife.preflight({"model": "nowhere_rife.safetensors"}, str(tmp_path))
    assert len(errs) == 1 and errs[0].startswith("Interpolate Frames: model 'nowhere_rife.safetensors' not found")


def test_found_by_name_in_frame_interpolation_folder(rife_file):
    import os
    root = os.path.dirname(os.path.dirname(rife_file))
    assert find_rife("rife_v4.26.safetensors", dirs=[root]) == rife_file


def test_lite_variant_recognised_with_its_scales(tmp_path):
    torch.manual_seed(0)
    p = tmp_path / "rife_v4.25_lite.safetensors"
    sd = IFNet(channels=(192, 128, 96, 64, 24)).state_dict()
    save_file({"module." + k: v.contiguous() for k, v in sd.items()}, str(p))  # raw names with a prefix
    net, name, _ = read_rife(str(p))
    assert name == "4.25 lite" and net.scales == (32.0, 16.0, 8.0, 4.0, 1.0) and net.align() == 128


def test_a_graph_renders_through_it_to_a_file(rife_file, tmp_path):
    """Shapes -> Interpolate Frames x2 -> Save Video, run by the executor: twice the frame
    rate, 2n-1 frames of the source's size (48x32 padded to 64x64 inside and cropped back)."""
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    from studio.engine.media import VideoFileClip
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 4, "width": 48, "height": 32, "sound": False, "count": 2, "fps": 12.0})
    node = g.add_node("motion.interpolate_rife", {"model": rife_file, "multiplier": 2})
    out = str(tmp_path / "x2.mp4")
    save = g.add_node("io.save_video", {"path": out})
    g.connect(src.id, "video", node.id, "video")
    g.connect(node.id, "video", save.id, "video")
    assert g.validate() == []
    Executor(frame_caching=False).run(g)
    v = VideoFileClip(out)
    assert (len(v), v.width, v.height) == (7, 48, 32)
    assert abs(v.fps - 24.0) < 1e-6


def test_heavy_variant_recognised_and_fp16_on_the_cpu_refused(rife_file):
    from nodes.motion.rife_net import variant_of
    sd = {"encode.cnn3.weight": torch.zeros(16, 4, 4, 4)}
    for i, c in enumerate((384, 256, 192, 128, 64)):
        sd[f"block{i}.conv0.1.0.weight"] = torch.zeros(c, 1, 1, 1)  # only the widths are read to tell the variant
    assert variant_of(sd)[0] == "4.25 / 4.26 heavy"
    sd["encode.cnn3.weight"] = torch.zeros(16, 8, 4, 4)  # 4.22's 8-channel head
    with pytest.raises(RifeFileError, match=r"a RIFE IFNet whose head gives 8 channels"):
        variant_of(sd)
    with pytest.raises(RifeFileError, match=r"Interpolate Frames: precision fp16 runs on a GPU only"):
        run_node(InterpolateFramesRife, {"model": rife_file, "precision": "fp16"}, video=_smooth_clip(2))
