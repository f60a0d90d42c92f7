"""HunyuanVideo 1.5 through the Text to Video node. diffusers 0.42.1's HunyuanVideo 1.5 pipelines
take no ``callback_on_step_end`` and no ``guidance_scale`` (their guider holds it): the sampler's
per-step work runs after each scheduler step instead and the node's guidance goes to a copy of the
guider for the call (sampling/call_adapters.py). Before, every HunyuanVideo 1.5 run through the node
failed with "unexpected keyword argument 'callback_on_step_end'"."""
from __future__ import annotations

import pytest
import torch

from . import tiny_parts as tp

pytest.importorskip("diffusers")


def _run(folder, guidance=2.0, steps=2, on_event=None):
    from studio.engine.executor import Executor
    g = tp.t2v_graph("a red fox", frames=5, size=32, model=folder)
    g.set_param("gen", "guidance", guidance)
    g.set_param("gen", "steps", steps)
    g.set_param("gen", "previews", True)
    return Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=on_event).value("gen").frames


@pytest.mark.fresh_models
def test_text_to_video_renders_hunyuan15_with_progress_and_its_guidance(hy15, monkeypatch):
    from diffusers.guiders import ClassifierFreeGuidance

    from studio.engine.events import NodeMessage, NodeProgress

    from nodes.video_models.loading.load import load_video_model
    folder, _ = hy15
    scales, forward = [], ClassifierFreeGuidance.forward

    def spy(self, *a, **k):  # the library's own guidance, the scale it combines with recorded
        scales.append(self.guidance_scale)
        return forward(self, *a, **k)
    monkeypatch.setattr(ClassifierFreeGuidance, "forward", spy)
    said = []
    a = _run(folder, 2.0, 2, said.append)
    assert scales == [2.0] * 2  # each step guided at the node's scale
    assert a.shape == (5, 32, 32, 3)
    steps = [e.step for e in said if isinstance(e, NodeProgress) and e.node_id == "gen" and e.total == 2]
    assert steps[-1] == 2 and sorted(set(steps)) == [1, 2]  # each scheduler step reported
    assert not [e for e in said if isinstance(e, NodeMessage) and e.level == "warning"]  # guidance not 'ignored'
    scales.clear()
    _run(folder, 7.5, 1)
    assert scales == [7.5]
    assert (a == _run(folder, 2.0, 2)).all()  # the same seed: the same frames
    # the cached model is left as it was: its scheduler's own step, its guider's own scale
    ref = load_video_model(folder, base=None, device=torch.device("cpu"), dtype_name="fp32")
    pipe = ref.pipeline("t2v")
    assert "step" not in vars(pipe.scheduler)
    assert pipe.guider.config.guidance_scale not in (2.0, 7.5)  # the folder's own (the tiny model's 6.0)


def test_a_stop_during_a_step_ends_the_hunyuan15_run(hy15):
    from studio.core.errors import Cancelled
    from studio.engine.context import CancelToken
    from studio.engine.events import NodeProgress
    from studio.engine.executor import Executor
    folder, _ = hy15
    g = tp.t2v_graph("a red fox", frames=5, size=32, model=folder)
    g.set_param("gen", "steps", 4)
    tok, seen = CancelToken(), []

    def stop_after_the_first_step(e):
        if isinstance(e, NodeProgress) and e.node_id == "gen" and e.step and e.total == 4:
            seen.append(e.step)
            tok.cancel()
    with pytest.raises(Cancelled):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok, on_event=stop_after_the_first_step)
    assert seen and max(seen) < 4  # stopped inside the call, not after it


def test_image_to_video_makes_the_nodes_size_from_hunyuan15s_buckets(tmp_path):
    """HunyuanVideo 1.5 I2V takes no height or width: it makes the bucket of its target size nearest
    the image's aspect. The node's size is made (the image cropped to it, the target set to its area
    for the call), not the image's, and the model's own target size is left as it was."""
    import numpy as np

    from studio.core.graph import Graph
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor

    from nodes.video_models.loading.load import load_video_model

    from .tiny_hunyuan15 import build_hunyuan15
    folder = build_hunyuan15(str(tmp_path / "hy15-i2v"), i2v=True)
    img = tmp_path / "in.png"
    import cv2
    cv2.imwrite(str(img), (np.random.default_rng(0).random((90, 70, 3)) * 255).astype("uint8"))  # portrait
    g = Graph()
    g.add_node("video_models.load", {"model": folder}, node_id="load")
    g.add_node("io.load_image", {"path": str(img)}, node_id="img")
    g.add_node("video_models.image_to_video", {"prompt": "a fox", "frames": 5, "width": 64, "height": 48, "steps": 2,
                                               "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.connect("img", "image", "gen", "image")
    said = []
    frames = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=said.append).value("gen").frames
    assert frames.shape == (5, 48, 64, 3)
    assert not [e.text for e in said if isinstance(e, NodeMessage) and e.level == "warning"]
    assert load_video_model(folder, base=None, device=torch.device("cpu"), dtype_name="fp32") \
        .pipeline("i2v").target_size == 640  # the tiny model's own


@pytest.mark.fresh_models
@pytest.mark.parametrize("guidance", [2.0, 1.0])
def test_a_cached_prompt_loads_no_qwen_and_makes_the_same_frames(hy15, tmp_path, monkeypatch, guidance):
    """The prompt-embedding cache (issue 60) for HunyuanVideo 1.5: both encoders' states and masks,
    prompt and negative encoded one by one as its call does; the second render with only the seed
    changed loads no Qwen2.5-VL and no byT5 (both waited on disk) and makes the frames of a render with
    the cache off, with guidance and without (its guider decides whether the negative is used)."""
    import numpy as np
    from transformers import Qwen2_5_VLTextModel, T5EncoderModel

    from studio.engine.executor import Executor

    from .prompt_cache_check import NOT_LOADED, counted_loads, off_then_cached
    loaded = counted_loads(monkeypatch, Qwen2_5_VLTextModel)
    loaded_2 = counted_loads(monkeypatch, T5EncoderModel)

    def render(seed):
        g = tp.t2v_graph("a red fox", frames=5, size=32, model=hy15[0])
        g.set_param("gen", "guidance", guidance)
        g.set_param("gen", "seed", seed)
        g.set_param("gen", "steps", 1)  # the encoders' cache is the point: one step samples from it
        said = []
        clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                              on_event=lambda e: said.append(getattr(e, "text", ""))).value("gen")
        return clip.frames, said
    plain, first, (second, said) = off_then_cached(monkeypatch, tmp_path, render, (loaded, loaded_2))
    assert first[-1] == (["Qwen2_5_VLTextModel"], ["T5EncoderModel"])  # encoded with the cache on: both loaded
    assert loaded == [] and loaded_2 == [] and NOT_LOADED in said
    assert np.array_equal(second, plain)
