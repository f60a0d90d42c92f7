"""SkyReels V1 image to video as a Studio family (issue 72): its diffusers folder loads through Load Video
Model and is listed with its family; Image to Video makes, frame for frame, what
HunyuanSkyreelsImageToVideoPipeline called directly makes with the same seed (tiny random model, CPU)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")


def _still() -> np.ndarray:
    return (np.random.RandomState(5).randint(0, 256, (16, 16, 3)) / 255.0).astype(np.float32)


STILL = source("test.skyreels_still", "image", "Image", lambda p: _still())


def test_image_to_video_is_the_skyreels_pipeline_called_directly(tiny, monkeypatch):
    import torch
    from diffusers import HunyuanSkyreelsImageToVideoPipeline as SR
    from PIL import Image

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("hunyuan-skyreels")
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("hunyuan_skyreels", "SkyReels V1 I2V")
    calls, orig = spy_call(monkeypatch, SR, dict)
    params = {"width": 16, "height": 16, "frames": 5, "steps": 2, "guidance": 1.0, "prompt": "a red fox running",
              "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 2}
    clip = Executor().run(model_graph(folder, "video_models.image_to_video", params, image=(STILL, "image")),
                          targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert clip.n_frames == 5 and len(calls) == 1
    kw = calls[0]
    image = Image.fromarray(np.round(_still() * 255).astype(np.uint8))
    assert np.array_equal(np.asarray(kw["image"]), np.asarray(image))
    out = orig(SR.from_pretrained(folder), image=image, prompt="a red fox running", negative_prompt="static",
               height=16, width=16, num_frames=5, num_inference_steps=2, guidance_scale=1.0, output_type="np",
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    assert np.isfinite(out).all() and np.array_equal(clip.frames, out)
