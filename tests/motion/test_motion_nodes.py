"""Motion nodes: flow clips, flow tools, tracking, motion transfer, interpolation."""
import numpy as np
import pytest

from nodes.motion import flow as F
from nodes.motion import interpolate as I
from nodes.motion import keypoints as K
from nodes.motion import transfer as T
from nodes.motion import tracklib
from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.core.values import Features, Keypoints
from studio.engine.clip import ArrayClip, Clip, StillClip
from studio.engine.executor import Executor
from tests.motion.conftest import run_node
from tests.motion.synth import MotionClip, texture


def med(f, m=8):
    return np.median(f[m:-m, m:-m].reshape(-1, 2), axis=0)


# -- optical flow node -------------------------------------------------------------------------
def test_flow_node_forward_and_backward_are_lazy():
    c = MotionClip(5, dx=2.0, dy=1.0)
    fwd = run_node(F.OpticalFlow, {}, video=c)
    assert isinstance(fwd, Clip) and fwd.channels == 2 and len(fwd) == 5 and c.pulled == 0
    assert med(fwd.frame(1)) == pytest.approx([2.0, 1.0], abs=0.2)
    assert c.pulled <= 3  # only the frames it needs
    assert np.all(fwd.frame(4) == 0)  # nothing after the last frame
    bwd = run_node(F.OpticalFlow, {"direction": "backward", "method": "dis_fast"}, video=c)
    assert np.all(bwd.frame(0) == 0)
    assert med(bwd.frame(3)) == pytest.approx([-2.0, -1.0], abs=0.2)


def test_flow_graph_warp_reconstructs_previous_frame_and_static_clip_stays():
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 4, "width": 80, "height": 64, "background": "texture",
                                       "speed": 2.0, "direction": "right", "sound": False})
    fl = g.add_node("motion.optical_flow", {"method": "dis_medium"})
    g.connect(src.id, "video", fl.id, "video")
    col = g.add_node("motion.flow_to_color", {})
    g.connect(fl.id, "flow", col.id, "flow")
    mag = g.add_node("motion.flow_magnitude", {"max_magnitude": 4.0})
    g.connect(fl.id, "flow", mag.id, "flow")
    res = Executor().run(g, targets=[col.id, mag.id])
    video, flow = res.value(src.id, "video"), res.value(fl.id, "flow")
    assert res.value(col.id).frame(0).shape == (64, 80, 3)
    m = res.value(mag.id).frame(0)
    assert m.shape == (64, 80, 1) and 0 <= m.min() and m.max() <= 1
    # warping frame 1 by flow 0 brings it closer to frame 0
    w = F.flowlib.warp_backward(video.frame(1), flow.frame(0))
    err = np.abs(w - video.frame(0))[4:-4, 4:-4].mean()
    raw = np.abs(video.frame(1) - video.frame(0))[4:-4, 4:-4].mean()
    assert err < 0.8 * raw  # (a flat-coloured shape: its inside has no texture to follow)
    fx = flow.frame(0)[..., 0]
    assert np.percentile(fx, 97) > 0.5 and np.percentile(fx, 3) > -0.1  # it moves right, nothing left
    static = run_node(F.WarpByFlow, {}, video=StillClip(texture(32, 32), 3),
                      flow=run_node(F.OpticalFlow, {}, video=StillClip(texture(32, 32), 3)))
    assert np.abs(static.frame(1) - texture(32, 32)).max() < 1e-3


def test_warp_node_sizes_must_match():
    flow = ArrayClip(np.zeros((2, 8, 8, 2), np.float32))
    with pytest.raises(ValueError, match="8x8"):
        run_node(F.WarpByFlow, {}, video=ArrayClip(np.zeros((2, 9, 9, 3), np.float32)), flow=flow)
    shifted = run_node(F.WarpByFlow, {"strength": 2.0, "border": "constant"},
                       video=ArrayClip(np.ones((2, 8, 8, 3), np.float32)),
                       flow=ArrayClip(np.ones((2, 8, 8, 2), np.float32)))
    assert shifted.frame(0)[:, -2:].max() == 0 and shifted.frame(0)[-2:].max() == 0
    assert shifted.frame(0)[:6, :6].min() == 1


def test_motion_signal_and_occlusion():
    c = MotionClip(5, dx=3.0)
    fwd = run_node(F.OpticalFlow, {}, video=c)
    feats = run_node(F.MotionSignal, {"statistic": "median"}, flow=fwd)
    assert isinstance(feats, Features) and feats.per_frame and tuple(feats.data.shape) == (5, 1)
    assert feats.data[:4, 0].numpy() == pytest.approx([3.0] * 4, abs=0.25)
    assert float(feats.data[4, 0]) == 0.0
    still = run_node(F.MotionSignal, {}, flow=run_node(F.OpticalFlow, {}, video=StillClip(texture(32, 32), 4)))
    assert float(still.data.abs().max()) < 0.01
    bwd = run_node(F.OpticalFlow, {"direction": "backward"}, video=c)
    occ = run_node(F.FlowOcclusion, {}, forward=fwd, backward=bwd)
    o = occ.frame(1)
    assert o.shape == (64, 80, 1) and o[:, -2:].mean() > 0.9 and o[8:-8, 8:-8].mean() < 0.03


def test_save_and_load_flo_nodes(tmp_path):
    flows = np.random.default_rng(0).normal(size=(3, 6, 10, 2)).astype(np.float32)
    run_node(F.SaveFlow, {"folder": str(tmp_path / "out")}, flow=ArrayClip(flows))
    back = run_node(F.LoadFlow, {"path": str(tmp_path / "out")})
    assert len(back) == 3 and back.channels == 2
    assert all(np.array_equal(back.frame(i), flows[i]) for i in range(3))
    one = run_node(F.LoadFlow, {"path": str(tmp_path / "out" / "flow_00001.flo")})
    assert np.array_equal(one.frame(0), flows[1])
    g = Graph()
    n = g.add_node("motion.load_flo", {"path": str(tmp_path / "nope.flo")})
    with pytest.raises(StudioError, match="not found"):  # before the run starts (preflight)
        Executor().run(g, targets=[n.id])


# -- keypoints ---------------------------------------------------------------------------------
@pytest.mark.parametrize("det", tracklib.DETECTORS)
def test_detectors_find_points_inside_the_frame(det):
    kp = run_node(K.DetectKeypoints, {"detector": det, "max_points": 30}, video=texture(64, 80, blur=1.0))
    assert isinstance(kp, Keypoints) and kp.n_frames == 1 and 5 <= kp.n_points <= 30
    p = kp.points[0]
    assert (p[:, 0] >= 0).all() and (p[:, 0] < 80).all() and (p[:, 1] >= 0).all() and (p[:, 1] < 64).all()


@pytest.mark.parametrize("motion", [dict(dx=1.5, dy=-1.0), dict(rot=1.5), dict(zoom=0.02)])
def test_tracks_follow_known_motion(motion):
    c = MotionClip(8, w=96, h=80, **motion)
    kp = run_node(K.TrackKeypoints, {"max_points": 60, "redetect": False}, video=c)
    assert kp.points.shape[0] == 8 and kp.visible.shape == kp.points.shape[:2]
    start = kp.points[0]
    truth = c.map_points(start, 0, 7)
    ok = kp.visible[7]
    assert ok.mean() > 0.7
    err = np.linalg.norm(kp.points[7][ok] - truth[ok], axis=1)
    assert np.median(err) < 0.5
    moved = kp.points[7][ok] - start[ok]
    exp = truth[ok] - start[ok]
    big = np.linalg.norm(exp, axis=1) > 1.0  # direction of each point's motion
    cos = (moved[big] * exp[big]).sum(1) / np.linalg.norm(moved[big], axis=1) / np.linalg.norm(exp[big], axis=1)
    assert big.sum() >= 10 and np.median(cos) > 0.95


def test_tracking_redetects_when_points_are_lost():
    c = MotionClip(4, w=96, h=80, dx=1.0)
    frames = [c.frame(i) for i in range(4)]
    fresh = texture(80, 96, seed=7)
    frames[2] = frames[3] = fresh  # a cut: every point is lost
    kp = run_node(K.TrackKeypoints, {"max_points": 40}, video=ArrayClip(np.stack(frames)))
    n0 = int(kp.visible[0].sum())
    assert kp.n_points > n0                          # new tracks were started
    assert kp.visible[2, :n0].sum() <= 0.1 * n0      # the old ones ended at the cut
    assert kp.visible[2, n0:].sum() >= 20 and kp.visible[3, n0:].sum() >= 20
    off = run_node(K.TrackKeypoints, {"max_points": 40, "redetect": False}, video=ArrayClip(np.stack(frames)))
    assert off.n_points == n0 and off.visible[3].sum() == 0


def test_draw_tracks_paints_points():
    c = MotionClip(3, dx=1.0)
    kp = Keypoints(np.float32([[[20, 30]], [[21, 30]], [[22, 30]]]), np.ones((3, 1), bool), 80, 64)
    out = run_node(K.DrawTracks, {"radius": 3}, video=c, keypoints=kp)
    f = out.frame(2)
    assert f.shape == (64, 80, 3)
    assert np.abs(f[30, 22] - c.frame(2)[30, 22]).max() > 0.2  # a dot where the point is
    assert np.array_equal(f[5:10, 60:70], c.frame(2)[5:10, 60:70])  # elsewhere untouched


# -- motion transfer ---------------------------------------------------------------------------
def test_flow_transfer_moves_the_still_like_the_driving_clip():
    drv = MotionClip(5, dx=2.0, dy=1.0)
    still = texture(64, 80, seed=3)
    out = run_node(T.MotionTransferFlow, {}, image=still, driving=drv)
    assert len(out) == 5 and np.array_equal(out.frame(0), still)
    target = MotionClip(5, dx=2.0, dy=1.0, seed=3)  # the same motion applied to the still's texture
    # the still is the first frame of the target clip up to the texture crop
    out2 = run_node(T.MotionTransferFlow, {}, image=target.frame(0), driving=drv)
    err = np.abs(out2.frame(4) - target.frame(4))[12:-12, 12:-12].mean()
    assert err < 0.02
    err_back = np.abs(out2.frame(2) - target.frame(2))[12:-12, 12:-12].mean()  # seek backwards
    assert err_back < 0.02
    static = run_node(T.MotionTransferFlow, {}, image=still, driving=StillClip(texture(64, 80), 3))
    assert np.abs(static.frame(2) - still).max() < 1e-3


def test_keypoint_transfer_follows_tracks():
    drv = MotionClip(4, w=96, h=80, rot=2.0)
    kp = run_node(K.TrackKeypoints, {"max_points": 80}, video=drv)
    target = MotionClip(4, w=96, h=80, rot=2.0, seed=5)
    out = run_node(T.MotionTransferKeypoints, {}, image=target.frame(0), keypoints=kp)
    assert len(out) == 4 and np.array_equal(out.frame(0), target.frame(0))
    err = np.abs(out.frame(3) - target.frame(3))[16:-16, 16:-16].mean()
    unmoved = np.abs(target.frame(0) - target.frame(3))[16:-16, 16:-16].mean()
    assert err < 0.02 and err < unmoved / 3


# -- interpolation -----------------------------------------------------------------------------
def test_interpolation_endpoints_and_midpoints():
    c = MotionClip(3, dx=4.0)
    out = run_node(I.InterpolateFrames, {"factor": 2.0}, video=c)
    assert len(out) == 5 and out.fps == pytest.approx(48.0)
    for k in range(3):
        assert np.array_equal(out.frame(2 * k), c.frame(k))
    mid = MotionClip(5, dx=2.0)  # frames at half steps
    err = np.abs(out.frame(1) - mid.frame(1))[8:-8, 8:-8].mean()
    blend = np.abs(0.5 * c.frame(0) + 0.5 * c.frame(1) - mid.frame(1))[8:-8, 8:-8].mean()
    assert err < 0.01 and err < blend / 4
    four = run_node(I.InterpolateFrames, {"factor": 4.0, "slow_motion": True}, video=c)
    assert len(four) == 9 and four.fps == pytest.approx(24.0)
    assert np.array_equal(four.frame(4), c.frame(1))
    quarter = MotionClip(9, dx=1.0)
    assert np.abs(four.frame(1) - quarter.frame(1))[8:-8, 8:-8].mean() < 0.01
    a, b = c.frame(0), c.frame(1)
    assert np.array_equal(I.interpolate_pair(a, b, 0.0), a) and np.array_equal(I.interpolate_pair(a, b, 1.0), b)
    static = run_node(I.InterpolateFrames, {"factor": 2.5}, video=StillClip(texture(32, 32), 3))
    assert len(static) == 6 and all(np.abs(static.frame(j) - texture(32, 32)).max() < 1e-3 for j in range(6))
