"""Motif Video as a Studio family (issue 72): its text- and image-to-video folders load through Load Video
Model and are listed with its family; Text to Video and Image to Video make, frame for frame, what
MotifVideoPipeline and MotifVideoImage2VideoPipeline called directly make with the same seed (tiny random
models, CPU; its guidance its guider's, as the pipeline's own)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 16, "height": 16, "frames": 5, "steps": 2, "prompt": "a red fox running",
          "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 3}


def _still() -> np.ndarray:
    return (np.random.RandomState(11).randint(0, 256, (16, 16, 3)) / 255.0).astype(np.float32)


STILL = source("test.motif_still", "image", "Image", lambda p: _still())


@pytest.mark.parametrize("i2v", [False, True])
def test_motif_video_is_its_pipeline_called_directly(tiny, monkeypatch, i2v):
    import diffusers
    import torch
    from PIL import Image

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("motif-video", i2v=i2v)
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("motif_video", "Motif Video I2V" if i2v else "Motif Video T2V")
    cls = diffusers.MotifVideoImage2VideoPipeline if i2v else diffusers.MotifVideoPipeline
    calls, orig = spy_call(monkeypatch, cls, dict)
    node = "video_models.image_to_video" if i2v else "video_models.text_to_video"
    clip = Executor().run(model_graph(folder, node, PARAMS, **({"image": (STILL, "image")} if i2v else {})),
                          targets=["gen"], device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    more = {"image": Image.fromarray(np.round(_still() * 255).astype(np.uint8))} if i2v else {}
    pipe = cls.from_pretrained(folder)
    pipe.guider = pipe.guider.new(guidance_scale=5.0)  # the node's guidance (5, its default) on its guider
    out = orig(pipe, prompt="a red fox running", negative_prompt="static", height=16, width=16, num_frames=5,
               num_inference_steps=2, output_type="np",
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed()), **more).frames[0]
    assert clip.n_frames == 5 and np.isfinite(out).all() and np.array_equal(clip.frames, out)
