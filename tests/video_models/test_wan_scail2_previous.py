"""SCAIL-2 Character's 'previous' (ComfyUI's WanSCAILToVideo previous_frames, its Extend blueprint): the take
continues frames made before, its first segment holding their last 'overlap' as its history, as each later segment
holds the one before's. On the tiny random model: the node equals the pipeline fed the same history by hand, the
history changes the take, and an empty 'previous' is refused naming the node."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.video_models.families.wan_scail.node import SCAIL2Character, SCAILError, cover
from nodes.video_models.loading.load import load_video_model
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

from .tiny_wan_scail import build_wan_scail

CPU = torch.device("cpu")
PARAMS = {"prompt": "a red fox", "frames": 9, "window": 9, "overlap": 5, "steps": 1, "guidance": 1.0,
          "width": 32, "height": 32, "seed": 3, "mode": "animate"}


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    files = build_wan_scail(str(tmp_path_factory.mktemp("scail2prev")))
    return load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                            parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                   "image_encoder": files["clip_vision"]})


def _clip(n: int, seed: int) -> ArrayClip:
    return ArrayClip(np.random.default_rng(seed).random((n, 32, 32, 3), dtype=np.float32), 16.0)


def _ref() -> np.ndarray:
    return np.random.default_rng(5).random((32, 32, 3), dtype=np.float32)


def test_previous_frames_are_the_first_segments_history_as_the_pipeline_holds_them(model):
    driving, before = _clip(9, 0), _clip(7, 1)
    rec = Recorder()
    out = run_node(SCAIL2Character, PARAMS, runtime=rec, model=model, reference=_ref(), driving=driving,
                   previous=before)["video"]
    assert out.n_frames == 9
    ref = torch.from_numpy(cover(_ref(), 32, 32)).permute(2, 0, 1)[None] * 2 - 1
    frames = torch.from_numpy(np.array(driving.frames)).permute(3, 0, 1, 2)[None] * 2 - 1
    held = torch.from_numpy(np.array(before.frames[-5:])).permute(3, 0, 1, 2)[None] * 2 - 1
    from studio.engine.context import Context
    gen = Context("n1", "t", {}, 1234, CPU, Recorder()).torch_generator(device="cpu")
    want = model.module(ref, frames, None, None, replace=False, prompt="a red fox", window=9, overlap=5,
                        num_inference_steps=1, guidance_scale=1.0, generator=gen, previous=held)
    want = ((want[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1).astype(np.float32)
    assert np.array_equal(np.asarray(out.frames), want)
    assert any("its last 5 frames held as the take's first" in t for t in rec.messages())
    alone = run_node(SCAIL2Character, PARAMS, model=model, reference=_ref(), driving=driving)["video"]
    assert not np.allclose(np.asarray(alone.frames), np.asarray(out.frames), atol=1e-4)  # the history is read


def test_an_empty_previous_is_refused_naming_the_node(model):
    empty = ArrayClip(np.zeros((0, 32, 32, 3), np.float32), 16.0)
    with pytest.raises(SCAILError, match="SCAIL-2 Character: 'previous' has no frames"):
        run_node(SCAIL2Character, PARAMS, model=model, reference=_ref(), driving=_clip(9, 0), previous=empty)
