"""Segment on a tiny random SAM 2 video model: its masks are Sam2VideoModel's own propagation
(called directly here on the same frames and prompts: each prompted frame run with its clicks,
then propagate_in_video_iterator forward and backward), exactly, whatever order the frames are
pulled in; the model comes from Load Preprocessor (the model cache); bad prompts and folders are named."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.core.frame_keys import parse_prompts
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

pytest.importorskip("transformers")
from nodes.preprocess.hf import PreprocessModelError, find_folder, load  # noqa: E402
from nodes.preprocess.sam2_track import add_prompt, preprocess, read_preprocessing  # noqa: E402
from nodes.preprocess.segment import Segment  # noqa: E402

from .tiny_sam2 import build_sam2_video  # noqa: E402


@pytest.fixture(scope="module")
def sam2_dir(tmp_path_factory):
    return build_sam2_video(str(tmp_path_factory.mktemp("models") / "tiny-sam2"))


@pytest.fixture(scope="module")
def sam2(sam2_dir):
    import torch
    return load(sam2_dir, "segment", torch.device("cpu"))


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
        f[i, 10:20, 5 + (3 * i) % 30:15 + (3 * i) % 30] = 0.9
    return ArrayClip(f, 12.0)


def _direct(path, clip, text):
    """Sam2VideoModel called directly on the whole clip: an inference session holding every frame,
    each prompted frame run with its inputs, its propagation (forward from the first prompt, then
    backward), its masks brought to the frame size."""
    import torch
    import torch.nn.functional as F
    from transformers import Sam2VideoModel
    from transformers.models.sam2_video.modeling_sam2_video import Sam2VideoInferenceSession
    model = Sam2VideoModel.from_pretrained(path).eval()
    prompts = parse_prompts(text)
    frames = np.stack([clip.frame(i) for i in range(len(clip))])
    pixels = preprocess(frames, read_preprocessing(path), torch.device("cpu"))
    session = Sam2VideoInferenceSession(video=pixels, video_height=clip.height, video_width=clip.width,
                                        dtype=torch.float32)
    out = {}
    with torch.inference_mode():
        for f, fp in prompts.items():
            add_prompt(session, f, fp, pixels.shape[-1])
            model(inference_session=session, frame_idx=f)
        for reverse in (False, True):
            for o in model.propagate_in_video_iterator(session, start_frame_idx=min(prompts), reverse=reverse):
                m = F.interpolate(o.pred_masks[0:1].float(), pixels.shape[-2:], mode="bilinear", align_corners=False)
                m = F.interpolate(m, (clip.height, clip.width), mode="bilinear", align_corners=False)
                out[o.frame_idx] = (m[0, 0] > 0).numpy()
    return np.stack([out[i] for i in range(len(clip))])


@pytest.mark.parametrize("text,n,order", [("2: +0.3 0.5, -0.9 0.1", 4, "forward"),
                                          ("1: box 0.1 0.3 0.5 0.7; 3: +0.6 0.5", 4, "backward"),
                                          ("4: +0.3 0.5; 6: -0.5 0.5", 10, "shuffled")])
def test_masks_equal_sam2_propagation_called_directly(sam2, sam2_dir, text, n, order):
    """n=10 with a prompt at 4: the backward pass needs forward frames 5..(4+W) first, and the
    session's window (W=max(num_maskmem-1, min(n, max_object_pointers)-1)=3 for the tiny model)
    drops frames in both passes."""
    clip = _clip(n)
    got = run_node(Segment, {"prompts": text}, video=clip, model=sam2)
    assert (len(got), got.width, got.height, got.channels) == (n, 40, 30, 1)
    idx = list(range(n))
    if order == "backward":
        idx = idx[::-1]
    elif order == "shuffled":
        idx = list(np.random.default_rng(0).permutation(n))
    masks = {i: got.frame(i)[..., 0] for i in idx}
    want = _direct(sam2_dir, clip, text)
    assert np.array_equal(np.stack([masks[i] for i in range(n)]) > 0.5, want)
    assert set(np.unique(np.stack(list(masks.values())))) <= {0.0, 1.0}
    assert want.any()
    track = got.track
    assert all(len(p["outputs"] or {}) <= track.window + 1 for p in track.passes.values())


def test_a_later_prompt_is_used(sam2):
    """A click on a later frame changes the masks there (each prompted frame is run with its own clicks)."""
    clip = _clip(6)
    one = run_node(Segment, {"prompts": "0: +0.3 0.5"}, video=clip, model=sam2)
    two = run_node(Segment, {"prompts": "0: +0.3 0.5; 4: -0.5 0.5, +0.1 0.1"}, video=clip, model=sam2)
    assert not np.array_equal(one.frame(4), two.frame(4))


def test_a_click_outside_the_frame_is_refused_before_a_run(sam2):
    problems = Segment.preflight({"prompts": "0: +1.3 0.5"}, None)
    assert any("outside the frame" in p for p in problems)
    with pytest.raises(StudioError, match="outside the frame"):
        run_node(Segment, {"prompts": "0: +0.5 -0.2"}, video=_clip(), model=sam2)


def test_a_prompt_past_the_clip_says_its_length(sam2):
    with pytest.raises(StudioError, match="frame 9 but the clip has 4 frames"):
        run_node(Segment, {"prompts": "9: +0.5 0.5"}, video=_clip(), model=sam2)


def test_a_missing_model_names_the_folder_and_the_files(models):
    with pytest.raises(PreprocessModelError, match="facebook/sam2.1-hiera-tiny.*model.safetensors"):
        find_folder("facebook/sam2.1-hiera-tiny", None, "segment")
    part = models / "partial"
    part.mkdir()
    (part / "config.json").write_text('{"model_type": "sam2_video"}')
    with pytest.raises(PreprocessModelError, match="lacks model.safetensors, preprocessor_config.json"):
        find_folder("partial", None, "segment")


def test_a_model_of_another_kind_is_named(models, sam2, tiny_pre):
    other = models / "vitpose"
    other.mkdir()
    for f in ("model.safetensors", "preprocessor_config.json"):
        (other / f).write_bytes(b"")
    (other / "config.json").write_text('{"model_type": "vitpose"}')
    with pytest.raises(PreprocessModelError, match="pose model .ViTPose., not a video segmenter"):
        find_folder("vitpose", None, "segment")
    import torch
    pose = load(tiny_pre["pose"], "pose", torch.device("cpu"))
    with pytest.raises(StudioError, match="Segment needs a video segmenter .* got a pose model"):
        run_node(Segment, {"prompts": "0: +0.5 0.5"}, video=_clip(), model=pose)


def test_an_empty_mask_says_from_which_frame(sam2):
    rec = Recorder()
    got = run_node(Segment, {"prompts": "2: +0.3 0.5", "threshold": 20.0}, runtime=rec, video=_clip(), model=sam2)
    assert not any(got.frame(i).any() for i in range(len(got)))
    said = rec.messages()
    assert any("empty from frame 2 on" in m for m in said)
    assert any("empty from frame 1 back" in m for m in said)
