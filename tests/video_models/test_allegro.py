"""Allegro as a Studio family (issue 72): its folder loads through Load Video Model and is listed with its
family; Text to Video makes, frame for frame, what AllegroPipeline called directly makes with the same seed (a
tiny random model, CPU, at the least clip its VAE's tiles cover: 24 frames at 128 px), the family's call giving
'' for the empty negative prompt and turning on the VAE's tiling, its only decode; a clip off the tiles' grid is
refused before the call with the nearest that fits."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 128, "height": 128, "frames": 24, "steps": 1, "prompt": "a red fox running",
          "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 3}


def test_allegro_is_its_pipeline_called_directly(tiny, monkeypatch):
    import diffusers
    import torch

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("allegro")
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("allegro", "Allegro T2V")
    calls, orig = spy_call(monkeypatch, diffusers.AllegroPipeline, dict)
    clip = Executor().run(model_graph(folder, "video_models.text_to_video", PARAMS), targets=["gen"], device="cpu",
                          use_cache=False).value("gen")
    kw = calls[0]
    assert kw["negative_prompt"] == ""  # the family's: None fails in its encode_prompt
    pipe = diffusers.AllegroPipeline.from_pretrained(folder)
    pipe.vae.enable_tiling()  # its only decode (diffusers' own test turns it on too)
    out = orig(pipe, prompt="a red fox running", negative_prompt="", height=128, width=128, num_frames=24,
               num_inference_steps=1, guidance_scale=5.0, output_type="np",
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    assert clip.n_frames == 24 and out.std() > 0.01 and np.array_equal(clip.frames, out)


def test_allegro_refuses_a_clip_its_tiles_do_not_cover(tiny, monkeypatch):
    import diffusers

    from studio.core.errors import StudioError
    calls, _ = spy_call(monkeypatch, diffusers.AllegroPipeline)
    g = model_graph(tiny("allegro"), "video_models.text_to_video", dict(PARAMS, frames=40, width=168))
    with pytest.raises(StudioError, match=r"take 40 frames at 176x128"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert calls == []  # refused before the call
