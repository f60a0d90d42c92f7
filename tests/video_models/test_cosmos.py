"""Cosmos as Studio families (issue 72): a diffusers Cosmos Predict2 Video2World folder loads through Load
Video Model with Cosmos's guardrail stand-in (said), and Image to Video makes, frame for frame, what
Cosmos2VideoToWorldPipeline called directly makes with the same arguments (tiny random model, CPU, fp32,
32 x 32, 5 frames, 2 steps); a task Predict2 has no pipeline for is refused in words; the release's,
ComfyUI's and diffusers' denoiser names are told apart by generation."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")

PARAMS = {"width": 32, "height": 32, "frames": 5, "steps": 2, "guidance": 3.0, "prompt": "a red fox running",
          "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 5}


def _still() -> np.ndarray:
    """A 32 x 32 still of whole bytes (the node's PIL image is this one exactly)."""
    return (np.random.RandomState(3).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.cosmos_still", "image", "Image", lambda p: _still())


@pytest.fixture(scope="session")
def cosmos2_dir(tiny):
    return tiny("cosmos2")


def test_image_to_video_is_the_video2world_pipeline_called_directly(cosmos2_dir, monkeypatch):
    import torch
    from diffusers import Cosmos2VideoToWorldPipeline as V2W

    from nodes.video_models.families.cosmos.guardrail import UNCHECKED, safety_checker
    calls, _ = spy_call(monkeypatch, V2W, dict)
    g = model_graph(cosmos2_dir, "video_models.image_to_video", PARAMS, image=(STILL, "image"))
    clip, said = render(Executor(), g, every_node=True)
    assert (clip.n_frames, clip.width, clip.height) == (5, 32, 32) and len(calls) == 1
    assert UNCHECKED in said
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    seed = kw.pop("generator").initial_seed()
    assert (kw["height"], kw["width"], kw["num_frames"], kw["num_inference_steps"]) == (32, 32, 5, 2)
    monkeypatch.undo()
    pipe = V2W.from_pretrained(cosmos2_dir, safety_checker=safety_checker())
    want = pipe(**dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))
    assert np.array_equal(np.asarray(kw["image"], np.float32) / 255.0, _still())  # the start image as given


def test_text_to_video_is_refused_for_predict2_in_words(cosmos2_dir):
    g = model_graph(cosmos2_dir, "video_models.text_to_video", PARAMS)
    with pytest.raises(StudioError, match=r"\(Cosmos Predict2\) makes image to video and video to video, not text to video"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


def test_cosmos_denoiser_files_are_told_by_generation(cosmos2_dir):
    import os

    from nodes.video_models.base.recognise import Tensors
    from nodes.video_models.base.registry import recognition_order
    from nodes.video_models.files.headers import safetensors_header

    def told(shapes: dict) -> tuple[str, str]:
        t = Tensors(shapes)
        r = next(r for f in recognition_order() if (r := f.recognise(t)) is not None)
        return r.family, r.variant
    header = safetensors_header(os.path.join(cosmos2_dir, "transformer", "diffusion_pytorch_model.safetensors"))
    tiny = {k: tuple(v["shape"]) for k, v in header.items() if k != "__metadata__"}
    assert told(tiny)[0] == "cosmos2"
    cosmos1 = {"net.x_embedder.proj.1.weight": (4096, 72), "net.extra_pos_embedder.pos_emb_h": (128, 4096),
               "net.blocks.block0.blocks.0.block.attn.to_q.0.weight": (4096, 4096)}
    assert told(cosmos1) == ("cosmos", "Cosmos 1.0 7B Video2World")
    predict2 = {"x_embedder.proj.1.weight": (2048, 72), "blocks.0.self_attn.q_proj.weight": (2048, 2048)}
    assert told(predict2) == ("cosmos2", "Cosmos Predict2 2B Video2World")
    assert told({**predict2, "crossattn_proj.0.weight": (1024, 100352)}) == ("cosmos25", "Cosmos Predict2.5 2B")
