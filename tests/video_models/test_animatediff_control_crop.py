"""AnimateDiff ControlNet fits a control clip of another aspect as ComfyUI's ControlNet fits its picture: cut about
its centre to the take's aspect (comfy/controlnet.py get_control -> comfy.utils.common_upscale(..., "center")), then
resized by the pipeline, never stretched. The cut on small arrays, and the pictures the node gives diffusers'
AnimateDiffControlNetPipeline for a 16x16 control clip and a 16x8 take."""
from __future__ import annotations

import numpy as np

from nodes.video_models.base.calls import centre_cropped
from studio.engine.executor import Executor

from .graphs import spy_call
from . import test_animatediff_controlnet_files as one
from .test_animatediff_controlnet_files import _control, _graph

comfy = one.comfy  # (its module fixture: the tiny AnimateDiff files and one ControlNet)


def test_the_cut_keeps_the_middle_of_the_wider_side():
    a = np.arange(6 * 10 * 1, dtype=np.float32).reshape(6, 10, 1)
    assert np.array_equal(centre_cropped(a, 12, 12), a[:, 2:8])  # a square take: 2 columns off each side
    assert np.array_equal(centre_cropped(a, 10, 2), a[2:4])  # a wide take (5:1): round((6 - 6 * (10/6) / 5) / 2)
    # = 2 rows off each edge
    assert centre_cropped(a, 20, 12) is a or np.array_equal(centre_cropped(a, 20, 12), a)  # the same aspect: whole
    tall = np.zeros((9, 4, 3), np.float32)
    assert centre_cropped(tall, 4, 4).shape == (5, 4, 3)  # round((9 - 9 * 4/9) / 2) = round(2.5) = 2: rows 2:7, as
    # ComfyUI narrows (Python's round; the resize after makes it square)


def test_a_square_control_clip_is_cut_not_stretched_for_a_wide_take(comfy, monkeypatch):
    import diffusers
    calls, _ = spy_call(monkeypatch, diffusers.AnimateDiffControlNetPipeline, dict)
    said: list[str] = []
    clip = Executor().run(_graph(comfy, height=8), targets=["gen"], device="cpu", use_cache=False,
                          on_event=lambda e: said.append(str(getattr(e, "text", "") or ""))).value("gen")
    assert (clip.width, clip.height) == (16, 8) and len(calls) == 1
    got = np.stack([np.asarray(f, np.float32) / 255.0 for f in calls[0]["conditioning_frames"]])
    assert got.shape == (8, 8, 16, 3)  # the take's aspect, before the pipeline's resize
    assert np.array_equal(got, _control()[:, 4:12])  # the middle rows: the lines (rows 4..11) kept whole
    assert any("16x16 cut about their centre to the take's 16x8 aspect" in s for s in said), said


