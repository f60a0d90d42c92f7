"""ChronoEdit as a Studio family (issue 72): its folder loads through Load Video Model and is listed with its
family; the ChronoEdit Image Edit node makes, frame for frame, what ChronoEditPipeline called directly makes with
the same seed (a tiny random model, CPU), its picture the clip's last frame; with temporal reasoning too."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"prompt": "a red fox running", "negative_prompt": "static", "steps": 2, "seed": 3}


def _still() -> np.ndarray:
    return (np.random.RandomState(11).randint(0, 256, (32, 16, 3)) / 255.0).astype(np.float32)


STILL = source("test.chronoedit_still", "image", "Image", lambda p: _still())


@pytest.mark.parametrize("reasoning", [0, 1])
def test_chronoedit_is_its_pipeline_called_directly(tiny, monkeypatch, reasoning):
    import diffusers
    import torch
    from PIL import Image

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("chronoedit")
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("chronoedit", "ChronoEdit")
    calls, orig = spy_call(monkeypatch, diffusers.ChronoEditPipeline, dict)
    res = Executor().run(model_graph(folder, "video_models.chronoedit",
                                     dict(PARAMS, reasoning_steps=reasoning, reasoning_frames=9), image=(STILL, "image")),
                         targets=["gen"], device="cpu", use_cache=False)
    kw = calls[0]
    pipe = diffusers.ChronoEditPipeline.from_pretrained(folder)
    out = orig(pipe, image=Image.fromarray(np.round(_still() * 255).astype(np.uint8)), prompt="a red fox running",
               negative_prompt="static", height=32, width=16, num_frames=9 if reasoning else 5,
               num_inference_steps=2, guidance_scale=5.0, output_type="np",
               enable_temporal_reasoning=bool(reasoning), num_temporal_reasoning_steps=reasoning,
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    clip, picture = res.value("gen", "video"), res.value("gen", "image")
    assert (kw["height"], kw["width"]) == (32, 16)  # the picture's aspect, in multiples of 16
    assert np.isfinite(out).all() and np.array_equal(clip.frames, out) and np.array_equal(picture, out[-1])


def test_the_image_edit_kind_names_its_picture_the_picture_to_edit():
    """`main.py families` says what ChronoEdit takes: the picture to edit, not a start image (a first frame)."""
    from nodes.video_models.catalog.family_records import family_record
    from nodes.video_models.families.chronoedit.family import FAMILY
    assert family_record(FAMILY)["inputs"]["image_edit"] == ["picture to edit", "edit instruction"]
