"""Cosmos 3 as a Studio family (issue 72): a diffusers Cosmos 3 folder (Cosmos3OmniPipeline) is recognised
and loads with Cosmos's guardrail stand-in; the Cosmos 3 Video + Sound node makes, frame for frame and sample
for sample, what the pipeline called directly makes with the same arguments (text and image to video, tiny
random model, CPU, fp32, 32 x 32, 5 frames, 2 steps), its sound on the clip; Image to Video and Video to
Video are the same pipeline; a lone transformer file is told and refused in words."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")

PARAMS = {"width": 32, "height": 32, "frames": 5, "steps": 2, "guidance": 3.0, "prompt": "a red fox running",
          "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 5}
DIRECT = dict(prompt="a red fox running", negative_prompt="static", height=32, width=32, num_frames=5, fps=24.0,
              num_inference_steps=2, guidance_scale=3.0, output_type="np")


@pytest.fixture(scope="session")
def c3_dir(tiny):
    return tiny("cosmos3")


@pytest.fixture(scope="module")
def c3_direct(c3_dir):
    """The tiny folder as diffusers loads it (the guardrail's stand-in given), for the direct calls."""
    from diffusers import Cosmos3OmniPipeline

    from nodes.video_models.families.cosmos.guardrail import safety_checker
    pipe = Cosmos3OmniPipeline.from_pretrained(c3_dir, safety_checker=safety_checker())
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _still() -> np.ndarray:
    """A 32 x 32 still of whole bytes (the node's PIL image is this one exactly)."""
    return (np.random.RandomState(3).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.cosmos3_still", "image", "Image", lambda p: _still())


def test_cosmos3_folder_is_recognised_and_listed_with_its_family(c3_dir):
    from nodes.video_models.catalog.listing import describe_folder
    e = describe_folder(c3_dir)
    assert (e.kind, e.family) == ("pipeline", "cosmos3") and e.variant.startswith("Cosmos 3 (picture and sound)")


def test_video_and_sound_are_the_pipeline_called_directly(c3_dir, c3_direct, monkeypatch, image=True):
    """Image to video with sound (text to video is the same call less the image: the Image to Video test below
    and the benchmark run it)."""
    import torch
    from diffusers import Cosmos3OmniPipeline as C3
    from PIL import Image
    calls, orig = spy_call(monkeypatch, C3, dict)
    g = model_graph(c3_dir, "video_models.cosmos3", PARAMS, **({"image": (STILL, "image")} if image else {}))
    out = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).outputs["gen"]
    clip, sound = out["video"], out["audio"]
    assert (clip.n_frames, clip.width, clip.height) == (5, 32, 32) and len(calls) == 1 and clip.audio is sound
    kw = calls[0]
    more = {"image": Image.fromarray(np.round(_still() * 255).astype(np.uint8))} if image else {}
    if image:
        assert np.array_equal(np.asarray(kw["image"]), np.asarray(more["image"]))
    direct = orig(c3_direct, **DIRECT, **more, enable_sound=True,
                  generator=torch.Generator().manual_seed(kw["generator"].initial_seed()))
    assert np.array_equal(clip.frames, np.clip(np.asarray(direct.video, np.float32), 0, 1))
    want = np.clip(direct.sound.float().numpy().T, -1, 1)  # [samples, 2]: stereo at the tokenizer's rate
    assert sound.rate == 1600 and sound.samples.shape == want.shape == (384, 2)  # 5 frames at 24 fps: 6 latents of 64
    assert np.array_equal(sound.samples, want) and np.abs(want).max() > 0


def test_image_to_video_node_is_the_same_pipeline_without_sound(c3_dir, c3_direct, monkeypatch):
    """The generic Image to Video makes Cosmos 3's picture: the call the direct one is, no sound asked."""
    import torch
    from diffusers import Cosmos3OmniPipeline as C3
    calls, orig = spy_call(monkeypatch, C3, dict)
    clip, _ = render(Executor(), model_graph(c3_dir, "video_models.image_to_video", PARAMS, image=(STILL, "image")))
    assert clip.n_frames == 5 and clip.audio is None and "enable_sound" not in calls[0]
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    seed = kw.pop("generator").initial_seed()
    direct = orig(c3_direct, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed))
    assert np.array_equal(clip.frames, np.clip(np.asarray(direct.video, np.float32), 0, 1))


def test_its_transformer_file_is_told_and_refused_in_words(c3_dir):
    import os

    from safetensors import safe_open

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.loading.load import load_video_model
    path = os.path.join(c3_dir, "transformer", "diffusion_pytorch_model.safetensors")
    with safe_open(path, "pt") as f:
        shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    for pre in ("", "model."):  # diffusers' names and the release's
        r = recognise({pre + k: v for k, v in shapes.items()})
        assert (r.kind, r.family, r.variant) == ("denoiser", "cosmos3", "Cosmos 3 (picture and sound)")
    with pytest.raises(ModelError, match="Cosmos 3 is read as a diffusers folder"):
        load_video_model(path, base=None, device="cpu")
