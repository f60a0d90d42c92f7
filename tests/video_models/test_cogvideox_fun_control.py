"""CogVideoX Fun Control in the CogVideoX family (issue 72): a diffusers CogVideoXFunControlPipeline folder is
recognised as CogVideoX Fun Control, the CogVideoX Fun Control node makes, frame for frame, what the pipeline
called directly makes with the same arguments (tiny random model, CPU, 32 x 32, 9 frames, 2 steps), and the
generic generators and a wrong frame count are refused in words before any call."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")


def _control() -> np.ndarray:
    """A 9-frame 32 x 32 control clip of whole bytes (white edges moving right on black): 8k + 1 frames, which
    CogVideoX's VAE decodes to exactly that many."""
    f = np.zeros((9, 32, 32, 3), np.float32)
    for i in range(9):
        f[i, 8:24, 4 + 3 * i] = 1.0
    return f


CONTROL = source("test.cogvideox_fun_control", "video", "Video",
                 lambda p: __import__("studio.engine.clip", fromlist=["x"]).ArrayClip(_control(), 8.0))
PARAMS = {"prompt": "a red fox running", "negative_prompt": "static", "steps": 2, "guidance": 6.0, "seed": 5}


@pytest.fixture(scope="session")
def fun_dir(tiny):
    return tiny("cogvideox-fun-control")


def test_fun_control_is_the_pipeline_called_directly(fun_dir, monkeypatch):
    import torch
    from diffusers import CogVideoXFunControlPipeline as Fun

    from nodes.video_models.catalog.listing import describe_folder
    e = describe_folder(fun_dir)
    assert (e.family, e.variant.split(" T2V")[0]) == ("cogvideox", "CogVideoX Fun Control")
    calls, orig = spy_call(monkeypatch, Fun, dict)
    clip, _ = render(Executor(), model_graph(fun_dir, "video_models.cogvideox_fun_control", PARAMS,
                                             control=(CONTROL, "video")))
    assert (clip.n_frames, clip.width, clip.height) == (9, 32, 32) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    seed = kw.pop("generator").initial_seed()
    assert np.array_equal(np.stack([np.asarray(f, np.float32) / 255.0 for f in kw["control_video"]]), _control())
    monkeypatch.undo()
    pipe = Fun.from_pretrained(fun_dir)
    want = pipe(**dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def test_other_tasks_and_a_wrong_frame_count_are_refused_in_words(fun_dir, monkeypatch):
    from diffusers import CogVideoXFunControlPipeline as Fun
    calls, _ = spy_call(monkeypatch, Fun, dict)
    g = model_graph(fun_dir, "video_models.text_to_video", {"prompt": "a fox", "frames": 5, "steps": 1})
    with pytest.raises(StudioError, match="CogVideoX Fun Control model: it makes video from a control clip"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    g = model_graph(fun_dir, "video_models.cogvideox_fun_control", dict(PARAMS, frames=4), control=(CONTROL, "video"))
    with pytest.raises(StudioError, match="4 frames: CogVideoX makes 4k \\+ 1 frames; set frames to 1 or 5"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert not calls
