"""Tracking data: keypoint tracks to CSV/JSON and back, flow as KITTI 16-bit PNGs and back."""
import numpy as np
import pytest

from nodes.footage import tracking as TR
from studio.core.errors import MediaError
from studio.core.values import Keypoints
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node


def _tracks():
    rng = np.random.default_rng(3)
    pts = (rng.random((4, 5, 2)) * [641, 361]).astype(np.float32)
    vis = rng.random((4, 5)) > 0.3
    return Keypoints(pts, vis, 641, 361, 29.97)


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_tracks_round_trip_exactly(tmp_path, ext):
    kp = _tracks()
    path = str(tmp_path / f"t.{ext}")
    run_node(TR.ExportTracks, {"path": path}, keypoints=kp)
    back = run_node(TR.ImportTracks, {"path": path})
    assert np.array_equal(back.points, kp.points) and np.array_equal(back.visible, kp.visible)
    assert (back.width, back.height, back.fps) == (641, 361, pytest.approx(29.97))
    again = str(tmp_path / f"u.{ext}")
    run_node(TR.ExportTracks, {"path": again}, keypoints=back)
    assert open(again).read() == open(path).read()


def test_csv_by_hand_and_bad_files(tmp_path):
    p = tmp_path / "hand.csv"
    p.write_text("frame,track,x,y\n0,7,1.5,2.5\n2,7,3,4\n1,9,5,6\n")
    kp = run_node(TR.ImportTracks, {"path": str(p), "fps": 25})
    assert kp.points.shape == (3, 2, 2) and kp.points[2, 0].tolist() == [3, 4] and kp.fps == 25
    assert kp.visible[0, 0] and not kp.visible[1, 0]  # rows that are absent are not visible
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(MediaError, match="lacks the column"):
        run_node(TR.ImportTracks, {"path": str(tmp_path / "bad.csv")})
    with pytest.raises(MediaError, match=r"\.csv or \.json"):
        run_node(TR.ExportTracks, {"path": str(tmp_path / "t.txt")}, keypoints=_tracks())


def test_kitti_flow_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    flow = (np.round(rng.normal(0, 20, (2, 361, 641, 2)) * 64) / 64).astype(np.float32)
    clip = ArrayClip(flow)
    run_node(TR.SaveFlowKITTI, {"path": str(tmp_path / "f.######_10.png")}, flow=clip)
    raw = TR.cv2.imread(str(tmp_path / "f.000001_10.png"), TR.cv2.IMREAD_UNCHANGED)
    assert raw.dtype == np.uint16 and raw[..., 0].min() == 1  # B (valid) is 1 everywhere
    assert raw[0, 0, 2] == int(flow[1, 0, 0, 0] * 64 + 32768)  # R = u * 64 + 2^15
    back = run_node(TR.LoadFlowKITTI, {"path": str(tmp_path)})
    assert len(back) == 2 and back.channels == 2
    assert np.array_equal(back.frame(1), flow[1])  # exact at the format's 1/64 px
    rec = Recorder()
    run_node(TR.SaveFlowKITTI, {"path": str(tmp_path / "big/f.####.png")}, rec,
             flow=ArrayClip(np.full((1, 4, 4, 2), 900.0, np.float32)))
    assert "clipped" in rec.messages("warning")[0]
