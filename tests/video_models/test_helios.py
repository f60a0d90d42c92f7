"""Helios as a Studio family (issue 72): a diffusers HeliosPipeline folder loads through Load Video Model;
Text to Video makes, frame for frame, what HeliosPipeline called directly makes with the same arguments
(tiny random model, CPU, 16 x 16, one 33-frame chunk, 2 steps)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")

PARAMS = {"width": 16, "height": 16, "frames": 33, "steps": 2, "guidance": 3.0, "prompt": "a red fox running",
          "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 5}
STILL = source("test.helios_still", "image", "Image",
               lambda p: (np.random.RandomState(3).randint(0, 256, (16, 16, 3)) / 255.0).astype(np.float32))


@pytest.mark.parametrize("node", ["video_models.text_to_video"])  # its image: the same call with 'image' (12 s more)
def test_helios_is_the_pipeline_called_directly(tiny, node, monkeypatch):
    import torch
    from diffusers import HeliosPipeline

    folder = tiny("helios")
    calls, _ = spy_call(monkeypatch, HeliosPipeline, dict)
    feeds = {"image": (STILL, "image")} if node.endswith("image_to_video") else {}
    clip, _ = render(Executor(), model_graph(folder, node, PARAMS, **feeds))
    assert (clip.n_frames, clip.width, clip.height) == (33, 16, 16) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    seed = kw.pop("generator").initial_seed()
    assert ("image" in kw) == bool(feeds)
    monkeypatch.undo()
    pipe = HeliosPipeline.from_pretrained(folder)
    want = pipe(**dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def test_a_helios_transformer_file_is_told_and_refused_in_words(tiny):
    import os

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.loading.load import load_video_model
    path = os.path.join(tiny("helios"), "transformer", "diffusion_pytorch_model.safetensors")
    with pytest.raises(ModelError, match="Helios.*read as a diffusers folder"):
        load_video_model(path, base=None, device="cpu")


def test_draft_on_helios_distilled_runs_its_pyramid_at_two_steps_a_stage(tiny, monkeypatch):
    """A HeliosPyramidPipeline folder is Helios (pyramid); Helios-Distilled loaded, 'draft' quality runs its
    recipe: six steps shared over the three stages ([2, 2, 2]) with no guidance, said; the frames are the
    pipeline's called directly with the same arguments (64 x 64: the pyramid's coarsest stage a quarter size)."""
    import torch
    from diffusers import HeliosPyramidPipeline

    from studio.engine.events import NodeMessage
    folder = tiny("helios-distilled")
    calls, _ = spy_call(monkeypatch, HeliosPyramidPipeline, dict)
    g = model_graph(folder, "video_models.text_to_video", dict(PARAMS, width=64, height=64, quality="draft",
                                                               steps=30, guidance=5.0))
    ev = []
    r = Executor().run(g, targets=["gen", "load"], device="cpu", use_cache=False, on_event=ev.append)
    clip = r.value("gen")
    assert (r.value("load").fam.key, r.value("load").variant) == ("helios_pyramid", "Helios-Distilled")
    assert any(isinstance(e, NodeMessage) and "draft: Helios-Distilled (pyramid, DMD)" in e.text for e in ev)
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    assert (kw["pyramid_num_inference_steps_list"], kw["guidance_scale"]) == ([2, 2, 2], 1.0)
    assert "num_inference_steps" not in kw and (clip.n_frames, clip.width) == (33, 64)
    seed = kw.pop("generator").initial_seed()
    monkeypatch.undo()
    want = HeliosPyramidPipeline.from_pretrained(folder)(**dict(kw, output_type="np"),
                                                         generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))
