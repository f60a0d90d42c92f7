"""A camera path's keys (studio.core.camera_keys, issue 75 item 4): smooth between keys and through
them, two keys a straight line, a preset made keys that give the same path, the text read back as
written, and the viewer's gestures worked out so the picture follows the mouse. No Qt."""
from __future__ import annotations

import math

import numpy as np
import pytest

from studio.core import camera_keys as ck
from studio.core.errors import StudioError

from nodes.motion.camera import preset_path, relative


def _key(f, pos=(0, 0, 0), rot=(0, 0, 0)):
    return (f, np.asarray(pos, np.float64), np.asarray(rot, np.float64))


def test_smooth_goes_through_the_keys_without_a_kink_and_two_keys_make_a_line():
    keys = [_key(0), _key(10, (1, 0, 0), (0, 30, 0)), _key(30, (1, 0, 3))]
    pos, rot = ck.key_curves(keys, 41)
    assert np.allclose(pos[[0, 10, 30]], [[0, 0, 0], [1, 0, 0], [1, 0, 3]]) and rot[10, 1] == pytest.approx(30)
    assert np.allclose(pos[30:], [1, 0, 3])  # held after the last key
    # at key 10 the linear path turns sharply; the smooth one leaves at the slope it came in with
    e = 1e-4
    for smooth, kink in ((True, False), (False, True)):
        p = ck.key_curves(keys, [10 - e, 10, 10 + e], smooth)[0]
        assert (np.abs((p[2] - p[1]) - (p[1] - p[0])).max() / e > 0.05) == kink
    two = [_key(0), _key(8, (0, 0, 2))]
    assert np.allclose(ck.key_curves(two, 9)[0], ck.key_curves(two, 9, smooth=False)[0])


def test_a_preset_made_keys_is_the_same_path():
    for preset in ("Pan Right", "Zoom In", "Orbit CW"):
        keys = ck.preset_keys(preset, 1.5, 9)
        assert [k[0] for k in keys] == [0, 8]
        assert np.allclose(relative(ck.keyed_path(keys, 9)), relative(preset_path(preset, 1.5, 9)))
    assert [k[0] for k in ck.preset_keys("Static", 1.0, 9)] == [0]  # a still camera: the start alone


def test_the_keys_text_reads_back_as_written_and_keys_move_and_go():
    keys = [_key(12, (0.5, -0.25, 1), (1.5, -10, 0)), _key(0)]
    text = ck.format_keys(keys)
    back = ck.parse_keys(text)
    assert [k[0] for k in back] == [0, 12] and np.allclose(back[1][1], [0.5, -0.25, 1])
    assert ck.format_keys(back) == text and ck.key_frames(text) == [0, 12] and ck.key_frames("nope") == []
    moved = ck.move_key(back, 12, 20)
    assert [k[0] for k in moved] == [0, 20] and np.allclose(moved[1][2], [1.5, -10, 0])
    with pytest.raises(StudioError, match="no camera key at frame 5"):
        ck.move_key(back, 5, 6)


def _middle(c2w):
    """Where the picture's middle (its up stroke's foot) lands in the frame."""
    segs, kinds = ck.picture_lines(c2w)
    return segs[-1][0]


def test_at_the_start_the_picture_fills_the_frame_and_gestures_make_it_follow_the_mouse():
    segs, kinds = ck.picture_lines(np.eye(4))
    border = segs[kinds == ck.BORDER][:-1]
    assert np.allclose(border.min((0, 1)), [0, 0]) and np.allclose(border.max((0, 1)), [1, 1])
    start = (np.zeros(3), np.zeros(3))
    for mode, dx, dy in (("pan", 0.1, 0.0), ("pan", 0.0, -0.08), ("truck", -0.2, 0.05)):
        pose = ck.dragged(*start, mode, dx=dx, dy=dy)
        assert np.allclose(_middle(ck.pose_matrix(*pose)), [0.5 + dx, 0.5 + dy], atol=1e-6), mode
    # a roll: the picture's corner turns with the mouse (clockwise on the screen here)
    pose = ck.dragged(*start, "roll", turn=math.radians(20))
    segs, kinds = ck.picture_lines(ck.pose_matrix(*pose))
    corner = segs[kinds == ck.BORDER][0][0]  # the picture's top left
    assert math.degrees(math.atan2(corner[1] - 0.5, corner[0] - 0.5) - math.atan2(-0.5, -0.5)) == pytest.approx(20)
    # a dolly in (dragged up): the camera goes forward, the picture grows about its middle
    pose = ck.dragged(*start, "dolly", dy=-0.25)
    assert pose[0][2] == pytest.approx(ck.DEPTH * 0.25)
    segs, kinds = ck.picture_lines(ck.pose_matrix(*pose))
    segs = segs[kinds == ck.BORDER][:-1]
    assert segs.min() < -0.1 and segs.max() > 1.1


def test_a_pose_is_seen_from_the_first_frames_camera():
    keys = [_key(0, (1, 0, 0)), _key(10, (1, 0, 2))]
    rel = ck.seen_from_start(keys, np.array([1.0, 0, 2]), np.zeros(3))
    assert np.allclose(rel[:3, 3], [0, 0, 2])
