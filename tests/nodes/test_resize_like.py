"""Resize to the size of the clip on 'like' (inpaint_object: VACE's frames at preview size brought
back to the plate's size for the composite); at the same size it is the frames unchanged."""
from __future__ import annotations

import cv2
import numpy as np

from nodes.transform import Resize
from tests.node_run import ramp_clip, run_node


def test_resize_takes_the_size_of_the_clip_on_like():
    small, plate = ramp_clip(n=3, w=32, h=16), ramp_clip(n=3, w=80, h=60, seed=1)
    out = run_node(Resize, {"width": 640, "height": 360, "interpolation": "cubic"}, video=small, like=plate)
    assert (out.width, out.height, len(out)) == (80, 60, 3)
    want = cv2.resize(small.frame(2), (80, 60), interpolation=cv2.INTER_CUBIC)
    np.testing.assert_array_equal(out.frame(2), want)
    fit = run_node(Resize, {"fit": "fit"}, video=small, like=plate)
    f = fit.frame(0)
    assert f.shape == (60, 80, 3) and f[:10].max() == 0 and f[-10:].max() == 0 and f[20:40].max() > 0  # bars
    same = run_node(Resize, {"interpolation": "cubic"}, video=plate, like=plate)
    np.testing.assert_array_equal(same.frame(1), plate.frame(1))  # the plate's size: unchanged
    plain = run_node(Resize, {"width": 40, "height": 20}, video=small)
    assert (plain.width, plain.height) == (40, 20) and plain.frame(0).shape == (20, 40, 3)
