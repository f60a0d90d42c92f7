"""Wan Animate on a tiny random pipeline: the node's frames equal WanAnimatePipeline called
directly with the same inputs and seed, in both modes and over several segments; progress runs
over every segment's steps; bad input is one message naming the node; the loader names a Wan
Animate folder as its own variant and keeps it to its own node."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.params import Int
from studio.core.registry import default_registry
from studio.core.spec import SOURCE, Node, Out
from studio.engine.clip import ArrayClip
from studio.engine.events import NodeProgress
from studio.engine.executor import Executor

from .tiny import still
from .tiny_animate import FACE_SIZE

pytest.importorskip("diffusers")
N, S = 7, 16  # frames and size of the driving clips


def _clip(i: int, n: int = N, s: int = S) -> np.ndarray:
    rng = np.random.default_rng(i)
    return rng.random((n, s, s, 3), dtype=np.float32)


class _Drive(Node):
    id = "test.animate_drive"
    timing = SOURCE
    outputs = (Out("pose", "Video"), Out("face", "Video"), Out("background", "Video"), Out("mask", "Mask"))
    params = (Int("frames", N, min=1, max=100),)

    def run(self, ctx):
        n = ctx.params.frames
        m = np.zeros((n, S, S, 1), np.float32)
        m[:, 4:12, 5:11] = 1.0
        return {"pose": ArrayClip(_clip(1, n), 16.0), "face": ArrayClip(_clip(2, n, FACE_SIZE), 16.0),
                "background": ArrayClip(_clip(3, n), 16.0), "mask": ArrayClip(m, 16.0)}


class _Ref(Node):
    id = "test.animate_ref"
    timing = SOURCE
    outputs = (Out("image", "Image"),)

    def run(self, ctx):
        return still(S, S)


for _c in (_Drive, _Ref):
    if _c.id not in default_registry():
        default_registry().register(_c)


def animate_graph(model, wire=("reference", "pose", "face"), frames=N, **params):
    g = Graph()
    load = g.add_node("video_models.load", {"model": model})
    drv = g.add_node("test.animate_drive", {"frames": frames})
    ref = g.add_node("test.animate_ref")
    p = {"prompt": "a red fox", "steps": 2, "seed": 3, "preview_size": "off", "window": 5}
    p.update(params)
    gen = g.add_node("video_models.wan_animate", p, node_id="animate")
    g.connect(load.id, "model", gen.id, "model")
    for name in wire:
        g.connect(ref.id if name == "reference" else drv.id, "image" if name == "reference" else name, gen.id, name)
    return g, gen


class _Seen(Exception):
    pass


def _spy(monkeypatch, sample=True):
    """The pipeline's arguments, seen as the node calls it (``sample`` False: it is not run)."""
    from diffusers import WanAnimatePipeline
    seen, orig = {}, WanAnimatePipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        seen.update(kw, seed=kw["generator"].initial_seed())
        if not sample:
            raise _Seen()
        return orig(self, *a, **kw)
    monkeypatch.setattr(WanAnimatePipeline, "__call__", spy)
    return seen


@pytest.mark.parametrize("mode", ["animate", "replace"])
def test_node_frames_equal_the_pipeline_called_directly(animate_dir, monkeypatch, mode):
    import torch
    from diffusers import WanAnimatePipeline

    from nodes.video_models.base.calls import to_pil
    seen = _spy(monkeypatch)
    wire = ("reference", "pose", "face") + (("background", "mask") if mode == "replace" else ())
    g, gen = animate_graph(animate_dir, wire, mode=mode, steps=1)
    ev = []
    clip = Executor().run(g, targets=[gen.id], device="cpu", on_event=ev.append).value(gen.id)
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (N, S, S, 16.0)
    # 7 frames in segments of 5 continuing from 1: two segments of a step each, progress over both
    prog = [e for e in ev if isinstance(e, NodeProgress) and e.node_id == gen.id]
    assert [e.step for e in prog] == [1, 2] and prog[-1].total == 2
    assert any(e.preview is not None for e in prog)
    assert seen["mode"] == mode and len(seen["pose_video"]) == N and (mode == "animate") == ("mask_video" not in seen)
    pipe = WanAnimatePipeline.from_pretrained(animate_dir)
    pipe.set_progress_bar_config(disable=True)
    m = np.zeros((S, S, 1), np.float32)
    m[4:12, 5:11] = 1.0
    extra = {"background_video": [to_pil(f) for f in _clip(3)], "mask_video": [to_pil(m)] * N} \
        if mode == "replace" else {}
    out = pipe(image=to_pil(still(S, S)), pose_video=[to_pil(f) for f in _clip(1)],
               face_video=[to_pil(f) for f in _clip(2, s=FACE_SIZE)], prompt="a red fox", height=S, width=S,
               segment_frame_length=5, prev_segment_conditioning_frames=1, num_inference_steps=1, mode=mode,
               guidance_scale=1.0, generator=torch.Generator().manual_seed(seen["seed"]), output_type="np",
               **extra).frames[0]
    assert np.array_equal(clip.frames, np.asarray(out, np.float32))


def test_a_short_clip_is_one_segment_of_its_own_length(animate_dir, monkeypatch):
    seen = _spy(monkeypatch, sample=False)
    g, gen = animate_graph(animate_dir, frames=6, window=77, steps=1)
    with pytest.raises(NodeExecutionError):
        Executor().run(g, targets=[gen.id], device="cpu")
    assert seen["segment_frame_length"] == 9 and len(seen["pose_video"]) == 6  # 6 frames: one 4k+1 segment, not 77


@pytest.mark.parametrize("wire, params, says", [
    (("pose", "face"), {}, "input 'reference'"),
    (("reference", "pose", "face"), {"mode": "replace"}, "mode 'replace' needs background and mask"),
    (("reference", "pose", "face", "mask"), {"mode": "replace"}, "mode 'replace' needs background:"),
])
def test_bad_input_is_one_message_naming_the_node(animate_dir, wire, params, says):
    g, gen = animate_graph(animate_dir, wire, **params)
    with pytest.raises(Exception) as e:
        Executor().run(g, targets=[gen.id], device="cpu")
    assert "Wan Animate" in str(e.value) and says in str(e.value)


def test_a_model_of_another_kind_is_named(vace_dir):
    g, gen = animate_graph(vace_dir)
    with pytest.raises(NodeExecutionError, match="Wan Animate.*is not a Wan Animate model.*WanVACETransformer3DModel"):
        Executor().run(g, targets=[gen.id], device="cpu")


def test_the_loader_names_the_variant_and_keeps_it_to_its_node(animate_dir):
    from nodes.video_models.catalog.listing import describe_folder
    assert describe_folder(animate_dir).variant == "Wan 2.2 Animate"
    g = Graph()
    load = g.add_node("video_models.load", {"model": animate_dir})
    t2v = g.add_node("video_models.text_to_video", {"steps": 1, "width": 16, "height": 16, "frames": 5})
    g.connect(load.id, "model", t2v.id, "model")
    ex = Executor()
    ref = ex.run(g, targets=[load.id], device="cpu").value(load.id)
    assert ref.variant == "Wan 2.2 Animate" and ref.family == "wan"
    with pytest.raises(NodeExecutionError, match="is a Wan Animate model: it does character animation"):
        ex.run(g, targets=[t2v.id], device="cpu")


@pytest.mark.fresh_models
def test_stop_inside_a_step_then_the_cached_model_runs_again(animate_dir):
    from .stopping import stop_inside_a_step
    ex = Executor()
    g, gen = animate_graph(animate_dir, frames=5, steps=1)
    load = next(n.id for n in g.nodes.values() if n.type_id == "video_models.load")
    ref = ex.run(g, targets=[load], device="cpu").value(load)
    stop_inside_a_step(ex, g, gen.id, list(ref.module.transformer.blocks))
    assert not any(m._forward_pre_hooks for m in ref.module.transformer.modules())
    clip = ex.run(g, targets=[gen.id], device="cpu").value(gen.id)  # the cached model, not loaded again
    assert clip.n_frames == 5 and ex.run_counts.get("video_models.load", 0) == 1 and len(ex.models) == 1


def test_a_single_wan_animate_file_is_recognised_in_both_layouts(animate_dir):
    from safetensors import safe_open

    from nodes.video_models.base.recognise import recognise
    with safe_open(f"{animate_dir}/transformer/diffusion_pytorch_model.safetensors", "pt") as f:
        shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    r = recognise(shapes)
    assert (r.kind, r.family) == ("denoiser", "wan") and r.variant.startswith("Wan 2.2 Animate (width 24")
    original = {"head.modulation": (1, 2, 5120), "pose_patch_embedding.weight": (5120, 16, 1, 2, 2),
                "patch_embedding.weight": (5120, 36, 1, 2, 2), "img_emb.proj.0.bias": (1280,)}
    assert recognise(original).variant == "Wan 2.2 Animate 14B"


@pytest.mark.fresh_models
def test_a_cached_prompt_loads_no_t5_and_makes_the_same_frames(animate_dir, tmp_path, monkeypatch):
    """The prompt-embedding cache (issue 60) read and filled by Wan Animate as by the plain Wan
    generators: the second render with only the seed changed loads no T5 and makes the frames of a
    render with the cache off."""
    from transformers import T5EncoderModel

    from .prompt_cache_check import check_cached_prompt, frames_and_texts

    def render(seed):
        g, gen = animate_graph(animate_dir, seed=seed, negative_prompt="blurry", previews=False)
        return frames_and_texts(g, gen.id)
    check_cached_prompt(monkeypatch, tmp_path, render, (T5EncoderModel,))
