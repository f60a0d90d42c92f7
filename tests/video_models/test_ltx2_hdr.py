"""LTX-2 HDR (issue 72): the LTX-2 HDR node's frames equal diffusers' LTX2HDRPipeline called directly with the
same reference condition (tiny random LTX-2, CPU, 32 x 32, 9 frames, 2 steps), linear values above 1 kept (not
clipped to SDR), and the embeddings file read in place of the prompt; a frame count LTX-2 cannot make is refused
in words before any call."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")


def _sdr() -> np.ndarray:
    """9 frames of 32 x 32 whole bytes: the SDR clip to lift."""
    return (np.random.RandomState(7).randint(0, 256, (9, 32, 32, 3)) / 255.0).astype(np.float32)


SDR = source("test.ltx2_hdr_clip", "video", "Video", lambda p: ArrayClip(_sdr(), 24.0))
PARAMS = {"prompt": "a red fox running", "steps": 2, "seed": 5}


def test_hdr_is_the_pipeline_called_directly_and_keeps_values_above_one(ltx2_dir, monkeypatch, tmp_path):
    import torch
    from diffusers import LTX2HDRPipeline
    from safetensors.torch import save_file
    calls, orig = spy_call(monkeypatch, LTX2HDRPipeline, dict)
    ev: list = []
    g = model_graph(ltx2_dir, "video_models.ltx2_hdr", PARAMS, video=(SDR, "video"))
    ex = Executor()
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    said = " ".join(getattr(e, "text", "") for e in ev)
    assert (clip.n_frames, clip.width, clip.height) == (9, 32, 32) and len(calls) == 1
    assert "no LoRA on the model" in said and "save as EXR" in said
    kw = {k: v for k, v in calls[0].items() if k != "callback_on_step_end"}
    seed = kw.pop("generator").initial_seed()
    cond = kw["reference_conditions"][0]
    assert cond.strength == 1.0 and np.array_equal(np.stack([np.asarray(f, np.float32) / 255.0 for f in cond.frames]), _sdr())
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").shared.pipes["hdr"]
    want = orig(pipe, **kw, generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.asarray(want, np.float32)) and clip.frames.max() > 1.0

    # the HDR LoRA's connector embeddings read in place of the prompt
    width = audio = pipe.transformer.config.caption_channels  # the connectors' outputs, both branches
    emb = str(tmp_path / "hdr_embeds.safetensors")
    save_file({"video_context": torch.randn(1, 4, width), "audio_context": torch.randn(1, 4, audio)}, emb)
    g.nodes["gen"].params.update(embeddings=emb, steps=1)
    ex.run(g, targets=["gen"], device="cpu", use_cache=False)
    assert calls[1]["prompt"] is None and tuple(calls[1]["connector_video_embeds"].shape) == (1, 4, width)


def test_a_frame_count_ltx2_cannot_make_is_refused_before_the_call(ltx2_dir, monkeypatch):
    from diffusers import LTX2HDRPipeline
    calls, _ = spy_call(monkeypatch, LTX2HDRPipeline, dict)
    g = model_graph(ltx2_dir, "video_models.ltx2_hdr", dict(PARAMS, frames=6), video=(SDR, "video"))
    with pytest.raises(StudioError, match="6 frames: LTX-2 makes 8k \\+ 1 frames; set frames to 1"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert not calls


def test_ltx2_lists_hdr_among_its_task_kinds():
    from nodes.video_models.base.tasks import task_kinds
    from nodes.video_models.families.ltx2.family import FAMILY
    kinds = {t.key: t for t in task_kinds(FAMILY)}
    assert kinds["hdr"].title == "SDR to HDR video" and "control" in kinds  # HDR beside the IC-LoRA control
    assert any("HDR's second stage" in task for task, _ in FAMILY.not_built)  # said, not guessed
