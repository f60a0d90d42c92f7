"""Image to Video follows a Prompt Schedule as Text to Video does (issue 112: a ComfyUI chain of image-to-video
passes, each with its own prompt, converted to one continued take): each continued window's call is given its
window's prompt embeddings; a family that cannot follow one refuses it in words."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, pipeline_of, spy_frames

pytest.importorskip("diffusers")

PROMPTS = ("a red fox in snow", "a blue cat by the sea")


def _still(q) -> np.ndarray:
    y, x = np.mgrid[0:16, 0:16].astype(np.float32)
    return np.stack([x / 16, y / 16, 0 * x + 0.5], -1)


def _graph(model_dir, **p):
    still = source("test.i2v_sched_still", "image", "Image", _still, ())
    g = model_graph(model_dir, "video_models.image_to_video", {
        "frames": 9, "window": 5, "width": 16, "height": 16, "steps": 1, "guidance": 1.0, "prompt": "unused",
        "previews": False, "preview_size": "off", "long_take": "continue", "hold_colour": "off", **p},
        image=(still, "image"))
    # the second window (frames 4 to 8, continued from frame 4) is the first to make frames 5 on
    g.add_node("video_models.prompt_schedule", {"mode": "keyframes", "blend": 0, "frames": 9,
                                                "prompts": f"0: {PROMPTS[0]}\n5: {PROMPTS[1]}"}, node_id="sched")
    g.connect("sched", "schedule", "gen", "schedule")
    return g


def test_a_continued_image_to_video_take_gives_each_window_its_scheduled_prompt(tiny, monkeypatch):
    import torch
    ex, g = Executor(), _graph(tiny("wan-i2v"))
    pipe = pipeline_of(ex, g, "i2v")
    calls = spy_frames(monkeypatch, type(pipe))
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert clip.n_frames == 9 and len(calls) == 2  # windows at frames 0 and 4
    with torch.inference_mode():
        want = [pipe.encode_prompt(prompt=q, do_classifier_free_guidance=False, device="cpu")[0] for q in PROMPTS]
    got = [c[0]["prompt_embeds"] for c in calls]
    assert all(c[0]["prompt"] is None for c in calls)
    assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])
    assert not torch.equal(want[0], want[1])


def test_a_family_without_a_prompt_refuses_a_schedule_naming_the_node(tiny):
    g = _graph(tiny("svd"), width=16, height=16, long_take="auto")
    with pytest.raises(StudioError, match="Image to Video: .*takes no prompt, so it cannot follow a Prompt Schedule"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


def test_a_modular_family_refuses_a_schedule_before_its_parts_load(tiny):
    g = _graph(tiny("minimax-h3"), long_take="auto")
    with pytest.raises(StudioError, match="Image to Video: .*modular pipeline, which cannot follow a Prompt Schedule"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
