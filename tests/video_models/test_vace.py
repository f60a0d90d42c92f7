"""Wan VACE on a tiny random pipeline: the node's frames equal WanVACEPipeline called directly
with the same arguments; presets (inpaint, outpaint, extend); the model cache, Stop inside a
step and previews as the other video-model nodes."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.params import Int
from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.engine.events import NodeProgress
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import spy_call
from .stopping import stop_inside_a_step
from .tiny import still

pytest.importorskip("diffusers")


def _control_frames(n=5, s=16):
    y, x = np.mgrid[0:s, 0:s].astype(np.float32) / s
    return np.stack([np.stack([np.roll(x, i, 1), y, 0.5 + 0 * x], -1) for i in range(n)]).astype(np.float32)


CONTROL = source("test.vace_control", "video", "Video", lambda p: ArrayClip(_control_frames(), 12.0))
REFERENCE = source("test.vace_ref", "image", "Image", lambda p: still(16, 16))


def vace_graph(model, mask=True, ref=True, **params):
    g = Graph()
    load = g.add_node("video_models.load", {"model": model})
    src = g.add_node(CONTROL)
    p = {"prompt": "a red fox", "steps": 2, "width": 16, "height": 16, "seed": 3, "preview_size": "off",
         "conditioning_scale": 0.7}
    p.update(params)
    gen = g.add_node("video_models.wan_vace", p, node_id="vace")
    g.connect(load.id, "model", gen.id, "model")
    g.connect(src.id, "video", gen.id, "video")
    if mask:
        m = g.add_node("control.mask", {"source": "rectangle", "shape_keys": "0: 0.5 0.5 0.5 0.5"})
        g.connect(src.id, "video", m.id, "video")
        g.connect(m.id, "mask", gen.id, "mask")
    if ref:
        r = g.add_node(REFERENCE)
        g.connect(r.id, "image", gen.id, "reference")
    return g, load, gen


def test_node_frames_equal_the_pipeline_called_directly(vace_dir, monkeypatch):
    import torch
    from diffusers import WanVACEPipeline

    from nodes.video_models.base.calls import to_pil
    seen = {}
    orig = WanVACEPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        seen["seed"] = kw["generator"].initial_seed()
        return orig(self, *a, **kw)
    monkeypatch.setattr(WanVACEPipeline, "__call__", spy)
    ev = []
    g, _, gen = vace_graph(vace_dir)
    r = Executor().run(g, targets=[gen.id], device="cpu", on_event=ev.append)
    clip = r.value(gen.id)
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (5, 16, 16, 12.0)
    prog = [e for e in ev if isinstance(e, NodeProgress) and e.node_id == gen.id]
    assert [e.step for e in prog] == [1, 2] and any(e.preview is not None for e in prog)
    monkeypatch.setattr(WanVACEPipeline, "__call__", orig)
    pipe = WanVACEPipeline.from_pretrained(vace_dir)
    mask = np.zeros((16, 16, 3), np.float32)
    mask[4:12, 4:12] = 1.0
    out = pipe(prompt="a red fox", video=[to_pil(f) for f in _control_frames()], mask=[to_pil(mask)] * 5,
               reference_images=[to_pil(still(16, 16))], conditioning_scale=0.7, height=16, width=16, num_frames=5,
               num_inference_steps=2, guidance_scale=5.0, generator=torch.Generator().manual_seed(seen["seed"]),
               output_type="np").frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(out, np.float32), 0, 1))
    # the control, mask and conditioning scale reach the model
    other = Executor().run(vace_graph(vace_dir, conditioning_scale=0.0)[0], targets=[gen.id], device="cpu")
    assert not np.array_equal(other.value(gen.id).frames, clip.frames)


@pytest.mark.parametrize("preset, params, frames, size", [
    ("extend", {"extend": 4}, 9, (16, 16)),
    ("outpaint", {"pad_left": 0.5, "pad_right": 0.5}, 5, (32, 16)),
])
def test_presets_make_the_asked_clip(vace_dir, monkeypatch, preset, params, frames, size):
    from diffusers import WanVACEPipeline
    calls, orig = spy_call(monkeypatch, WanVACEPipeline, lambda k: k)
    g, _, gen = vace_graph(vace_dir, mask=False, ref=False, task=preset, width=0, height=0, steps=1, **params)
    clip = Executor().run(g, targets=[gen.id], device="cpu").value(gen.id)
    assert (clip.n_frames, clip.width, clip.height) == (frames,) + size
    m = np.stack([np.asarray(im, np.float32) / 255 for im in calls[0]["mask"]])
    v = np.stack([np.asarray(im, np.float32) / 255 for im in calls[0]["video"]])
    if preset == "extend":  # the source's 5 frames are kept, the 4 after are made
        assert m[:5].max() == 0 and m[5:].min() == 1 and np.allclose(v[6], 0.5, atol=0.01)
    else:  # the border is made, the source sits in the middle
        assert m[:, :, :8].min() == 1 and m[:, :, 24:].min() == 1 and m[:, :, 8:24].max() == 0


def test_inpaint_needs_a_mask_and_a_plain_wan_is_refused(vace_dir, wan_dir):
    g, _, gen = vace_graph(vace_dir, mask=False, task="inpaint")
    with pytest.raises(NodeExecutionError, match="task 'inpaint' needs a mask"):
        Executor().run(g, targets=[gen.id], device="cpu")
    g, _, gen = vace_graph(wan_dir)
    with pytest.raises(NodeExecutionError, match="is not a Wan VACE model"):
        Executor().run(g, targets=[gen.id], device="cpu")


@pytest.mark.fresh_models
def test_cached_model_stop_inside_a_step_and_usable_after(vace_dir):
    ex = Executor()
    g, load, gen = vace_graph(vace_dir, steps=2)
    ex.run(g, targets=[load.id], device="cpu")
    ref = ex.models.entries()[0].value["model"]
    blocks = list(ref.module.transformer.blocks) + list(ref.module.transformer.vace_blocks)
    stop_inside_a_step(ex, g, gen.id, blocks)
    assert not any(m._forward_pre_hooks for m in ref.module.transformer.modules())
    clip = ex.run(g, targets=[gen.id], device="cpu").value(gen.id)  # the cached model, not loaded again
    assert clip.n_frames == 5 and ex.run_counts.get("video_models.load", 0) == 1 and len(ex.models) == 1


def test_wan22_second_guidance_reaches_the_low_noise_expert(tmp_path):
    from .tiny_control import build_wan_vace
    d = build_wan_vace(str(tmp_path / "vace22"), two_experts=True)
    a = Executor().run(vace_graph(d, guidance_2=1.0)[0], targets=["vace"], device="cpu").value("vace")
    b = Executor().run(vace_graph(d, guidance_2=9.0)[0], targets=["vace"], device="cpu").value("vace")
    assert not np.array_equal(a.frames, b.frames)


def _grey(p):
    """A lazy source clip of any length and size (nothing drawn until pulled)."""
    from studio.engine.clip import Clip

    class Grey(Clip):
        def _frame(self, i):
            return np.full((self.height, self.width, 3), 0.5, np.float32)
    return Grey(p.frames, 12.0, p.size, p.size, 3)


GREY = source("test.vace_source", "video", "Video", _grey,
              (Int("frames", 5, min=1, max=10 ** 7), Int("size", 16, min=1, max=8192)))


def _sourced(vace_dir, frames, size, **params):
    g, _, gen = vace_graph(vace_dir, mask=False, ref=False, steps=1, width=0, height=0, **params)
    src = g.add_node(GREY, {"frames": frames, "size": size})
    g.connect(src.id, "video", gen.id, "video")
    return g, gen


def _calls(monkeypatch) -> list:
    from diffusers import WanVACEPipeline
    calls, orig = [], WanVACEPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        calls.append(kw)
        return orig(self, *a, **kw)
    monkeypatch.setattr(WanVACEPipeline, "__call__", spy)
    return calls


def test_sizes_and_lengths_past_the_bounds_are_refused_before_sampling(vace_dir, monkeypatch):
    """Issue 43 (5, 7): outpaint with every pad at 4.0 allocated gigabytes, then failed; 'extend'
    10000 sampled one call of 10,005 frames (past a tiny model's positions: diffusers' shape error).
    Each is refused before any sampling, naming the node and the parameter."""
    calls, ex = _calls(monkeypatch), Executor()
    g, gen = _sourced(vace_dir, 5, 16, task="extend", extend=200)
    with pytest.raises(NodeExecutionError, match=r"one model call of 205 frames is more than this model's positions "
                                                 r"reach \(125 frames a call\): set 'window' to 125 or less"):
        ex.run(g, targets=[gen.id], device="cpu")
    g, gen = _sourced(vace_dir, 100_001, 16, task="control")
    with pytest.raises(NodeExecutionError, match="the video's 100,001 frames make 100,001 frames, more than the "
                                                 "100,000 a video-model node makes: set 'frames'"):
        ex.run(g, targets=[gen.id], device="cpu")
    pads = {f"pad_{s}": 4.0 for s in ("left", "right", "top", "bottom")}
    g, gen = _sourced(vace_dir, 1, 512, task="outpaint", **pads)
    with pytest.raises(NodeExecutionError, match=r"node 'Wan VACE' \(vace\) failed: outpaint: the 512x512 video "
                                                 r"padded by pad_left \+ pad_right makes a canvas 4,608 pixels wide"):
        ex.run(g, targets=[gen.id], device="cpu")
    assert calls == []  # nothing sampled


def test_a_long_extend_says_what_it_will_make_before_sampling(vace_dir, monkeypatch):
    calls, ev = _calls(monkeypatch), []
    g, gen = _sourced(vace_dir, 5, 16, task="extend", extend=12, window=9, overlap=2)
    clip = Executor().run(g, targets=[gen.id], device="cpu", on_event=ev.append).value(gen.id)
    said = [e.text for e in ev if getattr(e, "node_id", None) == gen.id and hasattr(e, "level")]
    assert clip.n_frames == 17 and len(calls) == 3
    assert "17 frames (the video's 5, then 12 new) in 3 calls of 9 frames, 1 step each" in said, said


@pytest.mark.fresh_models
def test_a_cached_prompt_loads_no_t5_and_makes_the_same_frames(vace_dir, tmp_path, monkeypatch):
    """The prompt-embedding cache (issue 60) read and filled by Wan VACE as by the plain Wan
    generators: the second render with only the seed changed loads no T5 and makes the frames of a
    render with the cache off."""
    from transformers import T5EncoderModel

    from .prompt_cache_check import check_cached_prompt, frames_and_texts
    check_cached_prompt(monkeypatch, tmp_path, lambda seed: frames_and_texts(
        vace_graph(vace_dir, seed=seed, negative_prompt="blurry", previews=False)[0], "vace"), (T5EncoderModel,))
