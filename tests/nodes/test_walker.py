"""The Walking Figure (issue 61 item 9): a person a pose detector can find, drawn with its true joints,
and the demo clip the pose, depth and animate templates now drive with."""
import json
import os

import numpy as np
import pytest

from nodes.walker import COCO17, WalkingFigure, backdrop
from studio.engine.media import VideoFileClip
from tests.node_run import run_node

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _walk(**params):
    out = run_node(WalkingFigure, {"frames": 48, **params})
    return out["video"], out["pose"]


def test_the_same_parameters_draw_the_same_frames_and_joints():
    (a, pa), (b, pb) = _walk(), _walk()
    assert np.array_equal(a.frame(17), b.frame(17)) and np.array_equal(pa.points, pb.points)
    c, _ = _walk(seed=3)
    assert not np.array_equal(a.frame(17), c.frame(17))  # the seed is the wall's texture


def test_the_joints_are_coco17_of_one_person_and_lie_on_the_figure():
    video, pose = _walk()
    assert pose.layout == "coco17" and pose.n_persons == 1 and pose.points.shape == (48, 17, 2)
    assert pose.width == video.width == 256 and pose.fps == video.fps
    wall = backdrop("room", 256, 256, 0)
    for t in (0, 11, 30, 47):
        f = video.frame(t)
        for k, ((x, y), seen) in enumerate(zip(pose.points[t], pose.visible[t])):
            assert 0 <= x < 256 and 0 <= y < 256, (t, COCO17[k])
            if seen:  # the figure is drawn where its joint is
                assert np.abs(f[int(y), int(x)] - wall[int(y), int(x)]).max() > 0.05, (t, COCO17[k])
    assert not pose.visible[:, COCO17.index("left_ear")].any()  # turned away (yaw 35: the left side is far)
    assert pose.visible[:, COCO17.index("right_ear")].all()


def test_it_walks_across_the_frame_stepping_with_each_foot_in_turn():
    _, pose = _walk(yaw=80.0)
    hips = pose.points[:, [COCO17.index("left_hip"), COCO17.index("right_hip")]].mean(1)
    assert hips[-1, 0] - hips[0, 0] > 60  # crosses the middle of the frame, left to right
    lead = np.sign(pose.points[:, COCO17.index("left_ankle"), 0] - pose.points[:, COCO17.index("right_ankle"), 0])
    assert np.count_nonzero(np.diff(lead[lead != 0])) >= 2  # the front foot changes: steps
    # the head stays the highest joint, the ankles the lowest, at every frame
    assert (pose.points[:, 0, 1] < pose.points[:, COCO17.index("left_hip"), 1]).all()
    assert (pose.points[:, COCO17.index("left_ankle"), 1] > pose.points[:, COCO17.index("left_knee"), 1]).all()


def test_frames_are_drawn_on_demand_and_the_joints_of_a_long_clip_come_at_once():
    video, pose = _walk(frames=100_000, width=64, height=64)
    assert video.n_frames == 100_000 and video.frame(99_999).shape == (64, 64, 3)
    assert pose.points.shape == (100_000, 17, 2) and pose.points.dtype == np.float32


@pytest.mark.parametrize("template", ["pose_to_video", "depth_to_video", "character_animate", "character_replace"])
def test_the_person_templates_drive_with_the_walking_figure(template):
    with open(os.path.join(ROOT, "assets", "graphs", f"{template}.json"), encoding="utf-8") as f:
        doc = json.load(f)
    paths = [n["params"].get("path") for n in doc["nodes"] if n["type"] == "io.load_video"]
    assert paths == ["../media/walker.mp4"]


def test_the_shipped_clip_is_the_figure_as_the_node_draws_it():
    clip = VideoFileClip(os.path.join(ROOT, "assets", "media", "walker.mp4"))
    video, _ = _walk()
    assert clip.n_frames == 48 and (clip.width, clip.height) == (256, 256)
    for t in (0, 24, 47):
        assert np.abs(clip.frame(t) - video.frame(t)).mean() < 0.02  # only the codec's loss
