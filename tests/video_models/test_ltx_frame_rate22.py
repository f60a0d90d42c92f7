"""LTX-Video's pipelines are told the take's frame rate (fps22, heldout104 06): diffusers' LTXPipeline takes
'frame_rate' (the time scale of its rope, default 25); Studio's Text to Video gives it the generator's 'fps' (the
family's 24 when unset), said in the Log where it differs from the pipeline's default. On a tiny random LTX-Video
built from a config, on the CPU, no mock of the library."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")


def _graph(model_dir, **p):
    params = {"width": 32, "height": 32, "frames": 9, "steps": 2, "guidance": 1.0, "prompt": "a red fox",
              "previews": False, "preview_size": "off", "seed": 5, **p}
    return model_graph(model_dir, "video_models.text_to_video", params)


def test_ltx_video_declares_its_frame_rate_condition():
    from nodes.video_models.families.ltx.family import FAMILY
    assert FAMILY.rate_args(24.0) == {"frame_rate": 24}


@pytest.mark.parametrize("fps, told, said", [(0.0, 24, True), (24.0, 24, True), (25.0, 25, False)])
def test_ltx_text_to_video_call_is_told_the_takes_rate(ltx_dir, monkeypatch, fps, told, said):
    from diffusers import LTXPipeline
    calls, _ = spy_call(monkeypatch, LTXPipeline, lambda kw: kw.get("frame_rate"))
    clip, msgs = render(Executor(), _graph(ltx_dir, fps=fps))
    assert calls == [told]
    assert clip.fps == pytest.approx(float(told))
    line = f"LTXPipeline is told 'frame_rate' {told}, the take's rate (its own default: 25)"
    assert (line in msgs) is said, msgs


def test_ltx_frames_differ_between_24_and_25_and_repeat_at_one_rate(ltx_dir):
    ex = Executor()
    a, _ = render(ex, _graph(ltx_dir, fps=24.0))
    again, _ = render(ex, _graph(ltx_dir, fps=24.0))
    b, _ = render(ex, _graph(ltx_dir, fps=25.0))
    assert np.array_equal(a.frames, again.frames)  # the same rate, the same seed: the same frames
    assert not np.allclose(a.frames, b.frames, atol=1e-6)  # the rope's time scale differs: so do the frames
