"""Text2Video-Zero as a Studio family (issue 111 item 5, added by following only docs/architecture.md's how-to):
its folder loads through Load Video Model and is listed with its family; Text to Video makes, frame for frame,
what TextToVideoZeroPipeline called directly makes with the same seed and the family's T1 and T0 (a tiny random
model, CPU, a few frames); the first frame's steps to T0 are counted, a Stop says why nothing is kept or resumes
as an uninterrupted run."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import model_graph, render, said, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 32, "height": 32, "frames": 4, "steps": 6, "prompt": "a red fox running",
          "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 3}


def test_its_steps_back_keep_the_release_proportions():
    from nodes.video_models.families.text2video_zero.family import timesteps_back
    assert timesteps_back(50) == (47, 44)  # the pipeline's own defaults
    assert timesteps_back(6) == (5, 4) and timesteps_back(2) == (1, 0)
    for n in range(2, 80):
        t1, t0 = timesteps_back(n)
        assert 0 <= t0 < t1 < n


def test_text2video_zero_is_its_pipeline_called_directly(tiny, monkeypatch):
    import diffusers
    import torch

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("text2video-zero")
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("text2video_zero", "Text2Video-Zero T2V")
    calls, orig = spy_call(monkeypatch, diffusers.TextToVideoZeroPipeline, dict)
    clip, _ = render(Executor(), model_graph(folder, "video_models.text_to_video", PARAMS))
    kw = calls[0]
    assert (kw["video_length"], kw["t1"], kw["t0"]) == (4, 5, 4)
    pipe = diffusers.TextToVideoZeroPipeline.from_pretrained(folder, safety_checker=None, feature_extractor=None)
    out = orig(pipe, prompt="a red fox running", negative_prompt="", height=32, width=32, video_length=4,
               num_inference_steps=6, guidance_scale=kw["guidance_scale"], t1=5, t0=4,
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).images
    assert clip.n_frames == 4 and out.std() > 0.01
    assert np.abs(np.asarray(clip.frames) - out).max() <= 1 / 255
    assert np.abs(out[1:] - out[:1]).max() > 0  # the frames move (the motion field), not one still four times


def test_a_second_render_of_the_loaded_model_is_the_first_and_previews_show(tiny):
    """Its call swaps its scheduler for a copy half-way: the step work put on the scheduler for one call is not left
    on the copy for the next (the same frames again, from the model loaded once); previews on, a preview is shown."""
    from studio.engine.events import NodeProgress
    g = model_graph(tiny("text2video-zero"), "video_models.text_to_video", dict(PARAMS, previews=True))
    ex, ev = Executor(), []
    first = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    assert any(e.preview is not None for e in ev if isinstance(e, NodeProgress) and e.node_id == "gen")
    steps = [(e.step, e.total) for e in ev if isinstance(e, NodeProgress) and e.node_id == "gen" and e.total]
    assert steps[-1] == (7, 7) and all(total == 7 for _, total in steps)  # 6 steps asked, the first frame's T1-T0 one
    assert "made 4 frames at 32x32, 6 steps" in said(ev, "gen")
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").module
    assert "step" not in vars(pipe.scheduler)  # nothing of the call left on the scheduler it ends with
    again = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert np.array_equal(np.asarray(first.frames), np.asarray(again.frames))


@pytest.mark.parametrize("kept", [1, 2, 4])
def test_it_shows_previews_and_resumes_from_its_kept_steps(kept, tiny, tmp_path, monkeypatch):
    """As every family through the one Sampler (test_every_family_resumes.py, run here on its own case): stopped
    after ``kept`` steps, a re-run resumes from the next and makes the frames of an uninterrupted run; at 8 steps (t1
    7, t0 6) step 1 is the first frame's alone (T1 to T0), steps 2 to 9 every frame's from T1."""
    from . import test_every_family_resumes as resumes
    case = (("text2video-zero", {}), "video_models.text_to_video", dict(resumes.SMALL, width=32, frames=4, steps=8),
            {}, kept)
    monkeypatch.setitem(resumes.CASES, "text2video_zero", case)
    resumes.test_a_family_shows_previews_and_resumes_from_its_kept_steps("text2video_zero", tiny, tmp_path,
                                                                        monkeypatch)
