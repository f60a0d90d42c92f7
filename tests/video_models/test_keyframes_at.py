"""Keyframes at any frame (issue 47): LTX-Video's conditions and Wan VACE's kept frames give the frames
of the pipeline called directly with the same inputs and seed; keyframes outside the clip, and a
family that cannot take them, are refused in words before anything is sampled."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import ParamRangeError, StudioError
from studio.core.params import Int, frame_marks
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from nodes.video_models.base.calls import to_pil

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")


def _image(seed: int, s: int = 32) -> np.ndarray:
    y, x = np.mgrid[0:s, 0:s].astype(np.float32) / s
    r = np.random.default_rng(seed).random(3).astype(np.float32)
    return np.stack([x * r[0], y * r[1], 0 * x + r[2]], -1)


def _graph(model, node="video_models.text_to_video", keys=(1, 2), clip_on=None, **params):
    key = source("test.key_image", "image", "Image", lambda p: _image(p.seed, 16), (Int("seed", 0),))
    feeds = {f"keyframe_{i}": (key, "image", {"seed": seed}) for i, seed in enumerate(keys, start=1)}
    if clip_on:
        feeds[clip_on] = (source("test.key_clip", "video", "Video",
                                 lambda p: ArrayClip(np.stack([_image(10 + i, 16) for i in range(3)]), 8.0)), "video")
    return model_graph(model, node, {"frames": 9, "width": 32, "height": 32, "steps": 1, "guidance": 1.0,
                                     "prompt": "a red fox", "previews": False, "preview_size": "off", "seed": 5,
                                     **params}, **feeds)


def _spy(monkeypatch, cls):
    return spy_call(monkeypatch, cls, lambda k: k)[0]


def test_frame_marks_read_frames_from_the_end_and_frames_of_a_clip():
    assert frame_marks("0, 48, last; 96=-1\n5=2") == [(0, 0), (48, 0), (-1, 0), (96, -1), (5, 2)]
    with pytest.raises(ParamRangeError, match="'4x' is not a frame number"):
        frame_marks("0, 4x")
    from nodes.video_models.sampling.generators import TextToVideo
    with pytest.raises(ParamRangeError, match="keyframes"):
        TextToVideo.spec().coerce_params({"keyframes": "0, 1=2=3"})
    assert TextToVideo.spec().coerce_params({"keyframes": [0, 8]})["keyframes"] == "0, 8"


@pytest.fixture(scope="module")
def ltx_fixed_dir(tmp_path_factory):
    """A tiny LTX-Video whose scheduler does not shift with the clip's size (LTXConditionPipeline's own
    timesteps: it can be called directly from the files)."""
    from .tiny import build_ltx
    return build_ltx(str(tmp_path_factory.mktemp("models") / "tiny-ltx-fixed"), dynamic_shift=False)


def test_ltx_keyframes_give_the_frames_of_the_condition_pipeline_called_directly(ltx_fixed_dir, monkeypatch):
    import torch
    from diffusers import LTXConditionPipeline
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition
    calls = _spy(monkeypatch, LTXConditionPipeline)
    ex = Executor()
    ltx_dir = ltx_fixed_dir
    g = _graph(ltx_dir, keyframes="0, last", keyframe_strength=0.8)
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert len(calls) == 1 and clip.n_frames == 9
    conds = calls[0]["conditions"]
    assert [(c.frame_index, c.strength) for c in conds] == [(0, 0.8), (8, 0.8)]
    seed = calls[0]["generator"].initial_seed()
    assert calls[0]["frame_rate"] == 24  # the take's rate (the family's 24), not the pipeline's own 25 (fps22)
    pipe = LTXConditionPipeline.from_pretrained(ltx_dir)
    direct = [LTXVideoCondition(image=to_pil(_image(s, 16)), frame_index=f, strength=0.8) for s, f in ((1, 0), (2, 8))]
    out = pipe(conditions=direct, prompt="a red fox", height=32, width=32, num_frames=9, num_inference_steps=1,
               guidance_scale=1.0, frame_rate=24, generator=torch.Generator().manual_seed(seed),
               output_type="pt").frames[0]
    assert np.allclose(clip.frames, out.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    # the keyframes reach the model: another image at frame 8 makes other frames
    other = ex.run(_graph(ltx_dir, keys=(1, 3), keyframes="0, last", keyframe_strength=0.8), targets=["gen"],
                   device="cpu", use_cache=False).value("gen")
    assert not np.allclose(other.frames, clip.frames)


def test_image_to_video_keyframes_put_the_image_at_frame_zero(ltx_dir, monkeypatch):
    """ltx_dir's scheduler shifts with the clip's size (LTX-Video 0.9.0 / 0.9.1): the condition pipeline
    gets its shift fixed for the size (as a continued take), and says so."""
    from diffusers import LTXConditionPipeline
    calls = _spy(monkeypatch, LTXConditionPipeline)
    g = _graph(ltx_dir, node="video_models.image_to_video", keys=(), clip_on="keyframe_1", keyframes="4=last")
    g.add_node("test.key_image", {"seed": 7}, node_id="first")
    g.connect("first", "image", "gen", "image")
    ev = []
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    assert clip.n_frames == 9 and np.isfinite(clip.frames).all()
    assert any("takes no size-dependent shift" in getattr(e, "text", "") for e in ev)
    conds = calls[0]["conditions"]
    assert [c.frame_index for c in conds] == [0, 4] and "image" not in calls[0]
    assert np.array_equal(np.asarray(conds[0].image), np.asarray(to_pil(_image(7, 16))))
    assert np.array_equal(np.asarray(conds[1].image), np.asarray(to_pil(_image(12, 16))))  # the clip's last frame


def test_vace_keyframes_give_the_frames_of_the_pipeline_called_directly(vace_dir, monkeypatch):
    import torch
    from diffusers import WanVACEPipeline
    calls = _spy(monkeypatch, WanVACEPipeline)
    ex = Executor()
    g = _graph(vace_dir, node="video_models.wan_vace", frames=5, width=16, height=16, keyframes="0, -1")
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert len(calls) == 1 and clip.n_frames == 5
    grey, made, kept = np.full((16, 16, 3), 0.5, np.float32), np.ones((16, 16, 1)), np.zeros((16, 16, 1))
    video = [to_pil(_image(1, 16))] + [to_pil(grey)] * 3 + [to_pil(_image(2, 16))]
    mask = [to_pil(kept)] + [to_pil(made)] * 3 + [to_pil(kept)]
    assert [np.asarray(v).tolist() for v in calls[0]["video"]] == [np.asarray(v).tolist() for v in video]
    assert [np.asarray(m).tolist() for m in calls[0]["mask"]] == [np.asarray(m).tolist() for m in mask]
    seed = calls[0]["generator"].initial_seed()
    monkeypatch.undo()
    pipe = WanVACEPipeline.from_pretrained(vace_dir)
    out = pipe(prompt="a red fox", video=video, mask=mask, height=16, width=16, num_frames=5, num_inference_steps=1,
               guidance_scale=1.0, generator=torch.Generator().manual_seed(seed), output_type="np").frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(out, np.float32), 0, 1))


@pytest.mark.parametrize("keys, frames, match", [
    ("0, 9", 9, r"keyframe at frame 9 is outside the clip of 9 frames: keyframes go at frames 0 to 8 \(or -1 to -9"),
    ("0, -10", 9, r"keyframe at frame -10 is outside the clip of 9 frames"),
    ("0", 9, r"'keyframes' lists 1 frame\(s\) \('0'\) but 2 keyframe input\(s\) are connected"),
    ("3, 3", 9, r"two keyframes at frame 3"),
])
def test_keyframes_outside_the_clip_are_refused_with_the_range(ltx_dir, monkeypatch, keys, frames, match):
    from diffusers import LTXConditionPipeline
    calls = _spy(monkeypatch, LTXConditionPipeline)
    with pytest.raises(StudioError, match=match) as e:
        Executor().run(_graph(ltx_dir, keyframes=keys, frames=frames), targets=["gen"], device="cpu",
                       use_cache=False)
    assert "Text to Video" in str(e.value) or "gen" in str(e.value)  # the node is named
    assert calls == []  # refused before the model ran


def test_preflight_refuses_a_keyframe_past_the_frames_set():
    from nodes.video_models.sampling.generators import TextToVideo
    from nodes.video_models.families.wan.vace import WanVACE
    assert TextToVideo.preflight({"frames": 9, "keyframes": "0, 12"}, None) == [
        "keyframe at frame 12 is outside the clip of 9 frames: keyframes go at frames 0 to 8 (or -1 to -9 from the end)"]
    assert WanVACE.preflight({"frames": 0, "keyframes": "0, 500"}, None) == []  # the length is the model's or video's
    assert TextToVideo.preflight({"frames": 9, "keyframes": "0, last"}, None) == []


def test_a_family_that_cannot_take_keyframes_says_which_and_what_it_does_instead(wan_dir, monkeypatch):
    from diffusers import WanPipeline
    calls = _spy(monkeypatch, WanPipeline)
    g = _graph(wan_dir, keys=(1,), keyframes="4", frames=5, width=16, height=16)
    with pytest.raises(StudioError, match=r"Wan Text to Video cannot take keyframes at any frame \(LTX-Video, LTX-2 "
                                          r"and Wan VACE .*use the Wan VACE node"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert calls == []


def test_a_clip_frame_outside_its_clip_is_refused(vace_dir):
    g = _graph(vace_dir, node="video_models.wan_vace", keys=(), clip_on="keyframe_1", frames=5, width=16, height=16,
               keyframes="2=3")
    with pytest.raises(StudioError, match=r"'keyframe_1': frame 3 of its clip is asked but the clip has 3 frames"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


def test_ltx2_keyframes_give_the_frames_of_the_condition_pipeline_called_directly(ltx2_dir, monkeypatch):
    """LTX2ConditionPipeline takes a keyframe's latent index: a frame off the latent grid is placed on
    the nearest latent frame, and said."""
    import torch
    from diffusers import LTX2ConditionPipeline
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    calls = _spy(monkeypatch, LTX2ConditionPipeline)
    ex = Executor()
    g = _graph(ltx2_dir, node="video_models.ltx2", keys=(1, 2), keyframes="0, last", fps=24.0,
               prompt="a red fox sings into the camera")
    ev = []
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    assert len(calls) == 1 and clip.n_frames == 9
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("cond")
    t = pipe.vae_temporal_compression_ratio
    conds = calls[0]["conditions"]
    assert [c.index for c in conds] == [0, (8 - 1 + t // 2) // t + 1]
    kw = {k: v for k, v in calls[0].items() if k not in ("conditions", "generator", "callback_on_step_end",
                                                         "callback_on_step_end_tensor_inputs")}
    direct = [LTX2VideoCondition(frames=to_pil(_image(s, 16)), index=c.index) for s, c in zip((1, 2), conds)]
    monkeypatch.undo()
    out = pipe(conditions=direct, generator=torch.Generator().manual_seed(calls[0]["generator"].initial_seed()),
               **kw).frames[0]
    assert np.allclose(clip.frames, out.permute(0, 2, 3, 1).numpy(), atol=1e-6)


def test_ltx2_keyframes_alone_at_size_0_make_the_take_at_the_first_keyframes_size(ltx2_dir, monkeypatch):
    """heldout28 04: an LTX-2.3 first/last-frame file whose latent ComfyUI sizes by its first frame (GetImageSize) is
    converted with 'width'/'height' 0; with keyframes alone the take was made at the model's default size: 0 now takes
    the first keyframe's (its input's size, as the help says)."""
    from diffusers import LTX2ConditionPipeline
    calls = _spy(monkeypatch, LTX2ConditionPipeline)
    g = _graph(ltx2_dir, node="video_models.ltx2", keys=(1, 2), keyframes="0, last", fps=24.0, width=0, height=0,
               prompt="a red fox sings into the camera")
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert (calls[0]["width"], calls[0]["height"]) == (32, 32) and (clip.width, clip.height) == (32, 32)
