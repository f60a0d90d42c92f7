"""Segment on a tiny random SAM 2 video model: its masks are Sam2VideoModel's own propagation
(called directly here on the same frames and prompts), exactly; bad prompts and folders are named."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.core.frame_keys import parse_prompts
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

pytest.importorskip("transformers")
from nodes.preprocess.segment import Segment, preprocess, session_with_prompts  # noqa: E402

from .tiny_sam2 import build_sam2_video  # noqa: E402


@pytest.fixture(scope="module")
def sam2_dir(tmp_path_factory):
    return build_sam2_video(str(tmp_path_factory.mktemp("models") / "tiny-sam2"))


@pytest.fixture
def models(sam2_dir, tmp_path, monkeypatch):
    d = tmp_path / "models"
    d.mkdir()
    os.symlink(sam2_dir, d / "tiny-sam2")
    monkeypatch.setenv("STUDIO_MODELS", str(d))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    return d


def _clip(n=4, w=40, h=30):
    """A bright square moving right over a dark ramp."""
    f = np.zeros((n, h, w, 3), np.float32)
    f[...] = np.linspace(0, 0.3, w, dtype=np.float32)[None, None, :, None]
    for i in range(n):
        f[i, 10:20, 5 + 3 * i:15 + 3 * i] = 0.9
    return ArrayClip(f, 12.0)


def _direct(path, clip, text):
    """Sam2VideoModel called directly: its inference session, its propagation (forward from the
    first prompt, then backward), its masks brought to the frame size."""
    import torch
    import torch.nn.functional as F
    from transformers import Sam2VideoModel
    model = Sam2VideoModel.from_pretrained(path).eval()
    prompts = parse_prompts(text)
    frames = np.stack([clip.frame(i) for i in range(len(clip))])
    pixels = preprocess(frames, path, torch.device("cpu"))
    session = session_with_prompts(model, pixels, clip.height, clip.width, prompts, torch.device("cpu"))
    out = {}
    with torch.inference_mode():
        for reverse in (False, True):
            for o in model.propagate_in_video_iterator(session, start_frame_idx=min(prompts), reverse=reverse):
                m = F.interpolate(o.pred_masks[0:1].float(), pixels.shape[-2:], mode="bilinear", align_corners=False)
                m = F.interpolate(m, (clip.height, clip.width), mode="bilinear", align_corners=False)
                out[o.frame_idx] = (m[0, 0] > 0).numpy()
    return np.stack([out[i] for i in range(len(clip))])


@pytest.mark.parametrize("text", ["2: +0.3 0.5, -0.9 0.1", "1: box 0.1 0.3 0.5 0.7; 3: +0.6 0.5"])
def test_masks_equal_sam2_propagation_called_directly(models, sam2_dir, text):
    clip = _clip()
    got = run_node(Segment, {"model": "tiny-sam2", "prompts": text}, video=clip)
    assert (len(got), got.width, got.height, got.channels) == (4, 40, 30, 1)
    masks = np.stack([got.frame(i)[..., 0] for i in range(len(got))])
    want = _direct(sam2_dir, clip, text)
    assert np.array_equal(masks > 0.5, want)
    assert set(np.unique(masks)) <= {0.0, 1.0}


def test_a_click_outside_the_frame_is_refused_before_a_run(models):
    problems = Segment.preflight({"model": "tiny-sam2", "prompts": "0: +1.3 0.5"}, None)
    assert any("outside the frame" in p for p in problems)
    with pytest.raises(StudioError, match="outside the frame"):
        run_node(Segment, {"model": "tiny-sam2", "prompts": "0: +0.5 -0.2"}, video=_clip())


def test_a_prompt_past_the_clip_says_its_length(models):
    with pytest.raises(StudioError, match="frame 9 but the clip has 4 frames"):
        run_node(Segment, {"model": "tiny-sam2", "prompts": "9: +0.5 0.5"}, video=_clip())


def test_a_missing_model_names_the_folder_and_the_files(models, tmp_path):
    problems = Segment.preflight({"model": "facebook/sam2.1-hiera-tiny", "prompts": "0: +0.5 0.5"}, None)
    assert any("facebook/sam2.1-hiera-tiny" in p and "model.safetensors" in p for p in problems)
    part = models / "partial"
    part.mkdir()
    (part / "config.json").write_text('{"model_type": "sam2_video"}')
    problems = Segment.preflight({"model": "partial", "prompts": "0: +0.5 0.5"}, None)
    assert any("lacks model.safetensors, preprocessor_config.json" in p for p in problems)


def test_a_model_of_another_kind_is_named(models):
    other = models / "vitpose"
    other.mkdir()
    for f in ("model.safetensors", "preprocessor_config.json"):
        (other / f).write_bytes(b"")
    (other / "config.json").write_text('{"model_type": "vitpose"}')
    problems = Segment.preflight({"model": "vitpose", "prompts": "0: +0.5 0.5"}, None)
    assert any("'vitpose' model, not SAM 2" in p for p in problems)


def test_an_empty_mask_says_from_which_frame(models):
    rec = Recorder()
    got = run_node(Segment, {"model": "tiny-sam2", "prompts": "0: +0.3 0.5", "threshold": 20.0},
                   runtime=rec, video=_clip())
    assert not any(got.frame(i).any() for i in range(len(got)))
    assert any("empty from frame 0" in m for m in rec.messages())
