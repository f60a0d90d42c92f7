"""LivePortrait on tiny random networks written as safetensors in the release's (and Kijai's files')
tensor names: the pose and keypoint maths by hand, the configs read back from the files' shapes, Live
Portrait's frames equal to the networks run directly, the driving clip moving the output, determinism,
and a wrong file refused in words, naming the node, before any weight is read."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from nodes.portrait.live_portrait import LivePortrait, LivePortraitError
from nodes.portrait.liveportrait import animate, files
from nodes.portrait.liveportrait.motion_net import MotionExtractor
from nodes.portrait.liveportrait.networks import (AppearanceFeatureExtractor, SPADEDecoder,
                                                  StitchingRetargetingNetwork, WarpingNetwork)
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

TINY_F = dict(image_channel=3, block_expansion=4, num_down_blocks=2, max_features=16, reshape_channel=4,
              reshape_depth=4, num_resblocks=1)
TINY_M = dict(dims=(8, 8, 8, 8), depths=(1, 1, 1, 1), num_kp=21, num_bins=66)
TINY_W = dict(num_kp=21, block_expansion=16, num_down_blocks=0, max_features=16, reshape_channel=4,
              dense_expansion=4, dense_max_features=8, dense_blocks=2, reshape_depth=4, compress=1)
TINY_G = dict(input_channels=16, out_channels=4, upscale=1, spade_hidden=8)  # 256 x 256 frames (the release: 2, 512)
TINY_S = dict(stitching=(126, (8,), 65), lip=(65, (8,), 63), eye=(66, (8,), 63))


@pytest.fixture(autouse=True)
def small_input(monkeypatch):
    """The networks are convolutional: the tests feed 64 x 64 pictures (the release: 256) to stay fast."""
    monkeypatch.setattr("nodes.portrait.live_portrait.INPUT", 64)


def _nets(seed=0):
    torch.manual_seed(seed)
    nets = {"appearance": AppearanceFeatureExtractor(TINY_F), "motion": MotionExtractor(TINY_M),
            "warping": WarpingNetwork(TINY_W), "generator": SPADEDecoder(TINY_G),
            "stitching": {k: StitchingRetargetingNetwork(*v) for k, v in TINY_S.items()}}
    for m in [*list(nets.values())[:4], *nets["stitching"].values()]:
        m.eval()
    return nets


def _write(tmp_path, nets) -> dict[str, str]:
    paths = {}
    for part, name in files.FILE_NAMES.items():
        if part == "stitching":  # Kijai's layout: each MLP's names under its release key + '_module.'
            state = {f"{files.MLPS[k]}_module.{n}": v for k, net in nets[part].items()
                     for n, v in net.state_dict().items()}
        else:
            state = nets[part].state_dict()
        paths[f"{part}_model"] = str(tmp_path / name)
        save_file({k: v.contiguous() for k, v in state.items()}, paths[f"{part}_model"])
    return paths


def _clips(n=3, seed=1):  # a 40 x 36 face and a 30 x 30 driving clip
    rng = np.random.default_rng(seed)
    face = rng.random((40, 36, 3), dtype=np.float32)
    driving = ArrayClip(rng.random((n, 30, 30, 3), dtype=np.float32), 25.0)
    return face, driving


def test_pose_and_rotation_by_hand():
    flat = torch.zeros(1, 66)  # every bin alike: the mean bin 32.5 -> 0 degrees
    assert float(animate.pose_degrees(flat)) == pytest.approx(0.0, abs=1e-4)
    peak = torch.full((1, 66), -1e4)
    peak[0, 40] = 0
    assert float(animate.pose_degrees(peak)) == pytest.approx(40 * 3 - 97.5)
    z = torch.zeros(1)
    R = animate.rotation(z, torch.full((1,), 90.0), z)  # yaw 90: (Ry)^T
    assert torch.allclose(R[0], torch.tensor([[0.0, 0, -1], [0, 1, 0], [1, 0, 0]]), atol=1e-6)
    R = animate.rotation(torch.full((1,), 30.0), torch.full((1,), -20.0), torch.full((1,), 10.0))
    assert torch.allclose(R[0] @ R[0].T, torch.eye(3), atol=1e-6)


def test_keypoints_and_relative_drive_by_hand():
    torch.manual_seed(0)
    m = animate.Motion(kp=torch.randn(1, 21, 3), R=animate.rotation(*(torch.randn(1) * 20 for _ in range(3))),
                       exp=torch.randn(1, 21, 3) * 0.1, t=torch.randn(1, 3), scale=torch.rand(1, 1) + 0.5)
    x = animate.keypoints(m)
    want = m.scale[..., None] * (m.kp @ m.R + m.exp)
    want[..., :2] += m.t[:, None, :2]
    assert torch.allclose(x, want)
    # the driving clip's first frame drives the source to its own keypoints (tz aside), over every region
    d0 = animate.Motion(kp=torch.randn(1, 21, 3), R=animate.rotation(*(torch.randn(1) * 20 for _ in range(3))),
                        exp=torch.randn(1, 21, 3), t=torch.randn(1, 3), scale=torch.rand(1, 1) + 0.5)
    for region in animate.REGIONS:
        assert torch.allclose(animate.drive(m, d0, d0, True, region), x, atol=1e-5), region
    # a driving frame moved only in expression moves the lip keypoints when 'lip' is asked, and only those
    d1 = animate.Motion(**{**d0.__dict__, "exp": d0.exp + 1.0})
    lip = animate.drive(m, d1, d0, True, "lip")
    moved = sorted({int(i) for i in torch.nonzero((lip - x).abs() > 1e-5)[:, 1]})
    assert moved == list(animate.LIP)


def test_configs_read_back_from_the_files(tmp_path):
    paths = _write(tmp_path, _nets())
    planned = files.plan({k[:-len("_model")]: v for k, v in paths.items()})
    assert planned["appearance"][0] == TINY_F
    assert planned["motion"][0] == TINY_M
    assert planned["warping"][0] == TINY_W
    assert planned["generator"][0] == TINY_G
    assert planned["stitching"][0] == TINY_S


def test_the_release_configs_read_back_from_the_release_networks_shapes():
    from nodes.portrait.liveportrait.motion_net import RELEASE_M
    from nodes.portrait.liveportrait.networks import RELEASE_F, RELEASE_G, RELEASE_W
    for part, cfg, cls in (("appearance", RELEASE_F, AppearanceFeatureExtractor), ("motion", RELEASE_M, MotionExtractor),
                           ("warping", RELEASE_W, WarpingNetwork), ("generator", RELEASE_G, SPADEDecoder)):
        with torch.device("meta"):
            shapes = {k: tuple(v.shape) for k, v in cls(cfg).state_dict().items()}
        read = files.config(part, shapes, f"{part}.safetensors")
        with torch.device("meta"):
            again = {k: tuple(v.shape) for k, v in files.build(part, read).state_dict().items()}
        assert again == shapes, part
    # the release's sizes: 21 keypoints, a 32 x 16 x 64 x 64 volume, 512 x 512 frames (models.yaml)
    assert RELEASE_W["num_kp"] == 21 and RELEASE_G["upscale"] == 2


def test_frames_equal_the_networks_run_directly(tmp_path):
    nets = _nets()
    paths = _write(tmp_path, nets)
    face, driving = _clips()
    params = dict(paths, batch=2)
    out = run_node(LivePortrait, params, source=face, driving=driving)
    assert (len(out), out.width, out.height) == (3, 64, 64)
    frames = out.chunk(0, 3)
    from nodes.portrait.live_portrait import to_input
    with torch.no_grad():
        xs = to_input(face[None], "cpu", torch.float32)
        src = animate.motion_of(nets["motion"], xs)
        x_s = animate.keypoints(src)
        xd = to_input(driving.chunk(0, 3), "cpu", torch.float32)
        d = animate.motion_of(nets["motion"], xd)
        d0 = animate.motion_of(nets["motion"], xd[:1])
        x_d = animate.stitch(nets["stitching"]["stitching"], x_s, animate.drive(src, d, d0, True, "all"))
        want = animate.render(nets["warping"], nets["generator"], nets["appearance"](xs), x_s, x_d)
    assert np.allclose(frames, want.permute(0, 2, 3, 1).numpy(), atol=1e-4)
    assert float(np.abs(frames[1] - frames[0]).mean()) > 1e-3  # the driving clip moves the face
    again = run_node(LivePortrait, params, source=face, driving=driving).chunk(0, 3)
    assert np.array_equal(again, frames)  # deterministic
    batched = run_node(LivePortrait, dict(params, batch=3), source=face, driving=driving).chunk(0, 3)
    assert np.allclose(batched, frames, atol=1e-4)  # the batch changes rounding only


def test_driving_clip_and_settings_change_the_output(tmp_path):
    paths = _write(tmp_path, _nets())
    face, driving = _clips(n=2)
    _, other = _clips(n=2, seed=7)
    base = run_node(LivePortrait, paths, source=face, driving=driving).chunk(0, 2)
    moved = run_node(LivePortrait, paths, source=face, driving=other).chunk(0, 2)
    assert float(np.abs(base[1:] - moved[1:]).mean()) > 1e-3
    still = ArrayClip(np.repeat(driving.chunk(0, 1), 2, axis=0), 25.0)  # one frame held: no relative motion
    held = run_node(LivePortrait, dict(paths, stitching=False), source=face, driving=still).chunk(0, 2)
    assert np.allclose(held[0], held[1], atol=1e-6)
    absolute = run_node(LivePortrait, dict(paths, relative_motion=False), source=face, driving=driving).chunk(0, 1)
    assert float(np.abs(absolute[0] - base[0]).mean()) > 1e-4
    sized = run_node(LivePortrait, dict(paths, size="source"), source=face, driving=driving)
    assert (sized.width, sized.height) == (36, 40)
    rec = Recorder()
    run_node(LivePortrait, dict(paths, driving_option="expression-friendly"), rec, source=face,
             driving=driving).chunk(0, 1)
    assert any("relative motion (all, expression-friendly)" in t for t in rec.messages())


def test_a_wrong_file_is_refused_naming_the_node_before_any_weight_is_read(tmp_path, monkeypatch):
    paths = _write(tmp_path, _nets())
    face, driving = _clips()

    def never(*a, **k):
        raise AssertionError("weights read")
    monkeypatch.setattr(files, "load", never)
    swapped = dict(paths, appearance_model=paths["motion_model"])
    with pytest.raises(LivePortraitError) as e:
        run_node(LivePortrait, swapped, source=face, driving=driving)
    assert str(e.value).startswith("Live Portrait: ")
    assert "'motion_extractor.safetensors' is not LivePortrait's appearance file" in str(e.value)
    assert LivePortrait.preflight(swapped, None)[0].startswith("Live Portrait: ")
    pth = tmp_path / "warping_module.pth"
    pth.write_bytes(b"\x80\x04not opened")
    with pytest.raises(LivePortraitError, match="pickle checkpoint: Studio never unpickles"):
        run_node(LivePortrait, dict(paths, warping_model=str(pth)), source=face, driving=driving)
    with pytest.raises(LivePortraitError, match="relative_motion"):
        run_node(LivePortrait, dict(paths, relative_motion=False, driving_option="expression-friendly"),
                 source=face, driving=driving)
    assert math.isfinite(1.0)
