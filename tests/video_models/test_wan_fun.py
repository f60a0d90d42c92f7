"""Wan Fun Control (issue 57 item 3, families/wan/fun/fun.py): the condition on hand-computed terms (the
control clip's latents, the start image's in the first latent frame), and the node's frames equal
WanPipeline called directly with a denoiser that reads them as VideoX-Fun's pipeline gives them."""
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
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def fun_dir(tmp_path_factory):
    from .tiny_fun import build_wan_fun
    return build_wan_fun(str(tmp_path_factory.mktemp("models") / "tiny-wan-fun"))


def _control(n):
    t, y, x = np.mgrid[0:n, 0:32, 0:32].astype(np.float32)
    return np.repeat(((np.abs(x - 6 - 2 * t) < 3) * 0.9)[..., None], 3, -1).astype(np.float32)


def _start():
    y, x = np.mgrid[0:32, 0:32].astype(np.float32)
    return np.stack([x / 32, y / 32, 0 * x + 0.4], -1)


def _register():
    if "test.fun_control" in default_registry():
        return

    class Control(Node):
        id = "test.fun_control"
        timing = SOURCE
        outputs = (Out("video", "Video"),)
        params = (Int("frames", 9),)

        def run(self, ctx):
            return ArrayClip(_control(ctx.params.frames), 16.0)

    class Start(Node):
        id = "test.fun_start"
        timing = SOURCE
        outputs = (Out("image", "Image"),)

        def run(self, ctx):
            return _start()
    default_registry().register(Control)
    default_registry().register(Start)


def _graph(model_dir, clip_frames=9, start=True, **p):
    _register()
    g = Graph()
    g.add_node("video_models.load", {"model": model_dir}, node_id="load")
    g.add_node("test.fun_control", {"frames": clip_frames}, node_id="control")
    g.add_node("video_models.wan_fun_control", {"steps": 2, "guidance": 1.0, "prompt": "a line", "previews": False,
                                                "preview_size": "off", **p}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.connect("control", "video", "gen", "control")
    if start:
        g.add_node("test.fun_start", {}, node_id="start")
        g.connect("start", "image", "gen", "image")
    return g


def test_the_condition_is_the_control_latents_then_the_start_image_in_the_first_latent_frame(fun_dir):
    from nodes.video_models.families.wan.fun.fun import encode_frames, fun_condition
    pipe = Executor().run(_graph(fun_dir), targets=["load"], device="cpu").value("load").pipeline("t2v")
    with torch.inference_mode():
        cond = fun_condition(pipe, _control(9), _start())
        ctrl = encode_frames(pipe, _control(9))
        first = encode_frames(pipe, _start()[None])
        lat = pipe.vae.encode(torch.as_tensor(_control(9)).permute(3, 0, 1, 2)[None] * 2 - 1).latent_dist.mode()
    assert cond.shape == (1, 32, 3, 4, 4)
    mean = torch.tensor(pipe.vae.config.latents_mean).view(1, -1, 1, 1, 1)
    std = torch.tensor(pipe.vae.config.latents_std).view(1, -1, 1, 1, 1)
    assert torch.allclose(ctrl, (lat - mean) / std, atol=1e-5)  # normalised as WanPipeline's latents are
    assert torch.equal(cond[:, :16], ctrl) and torch.equal(cond[:, 16:, :1], first)
    assert not cond[:, 16:, 1:].any()  # zeros after the start image's latent frame


def test_the_node_equals_wan_pipeline_with_a_denoiser_reading_the_fun_channels(fun_dir, monkeypatch):
    from diffusers import WanPipeline
    from nodes.video_models.families.wan.fun.fun import encode_frames
    ex = Executor()
    g = _graph(fun_dir)
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v")
    seen = []
    orig_call = WanPipeline.__call__

    @functools.wraps(orig_call)
    def spy(this, *a, **k):
        seen.append(k["generator"].initial_seed())
        return orig_call(this, *a, **k)
    monkeypatch.setattr(WanPipeline, "__call__", spy)
    ev = []
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    said = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert any("Wan Fun Control: the control clip and the start image read beside the noise" in t for t in said)
    # VideoX-Fun's formula, written here apart from the node: y = [control latents, start latent | zeros]
    with torch.inference_mode():
        y = torch.cat([encode_frames(pipe, _control(9)), torch.zeros(1, 16, 3, 4, 4)], 1)
        y[:, 16:, :1] = encode_frames(pipe, _start()[None])
    tr = pipe.transformer
    fwd = tr.forward

    def reading(hidden_states, *a, **k):
        k["encoder_hidden_states_image"] = torch.zeros(hidden_states.shape[0], 257, 4)
        return fwd(torch.cat([hidden_states, y.expand(hidden_states.shape[0], -1, -1, -1, -1)], 1), *a, **k)
    monkeypatch.setattr(tr, "forward", reading)
    orig_prep = pipe.prepare_latents
    monkeypatch.setattr(pipe, "prepare_latents", lambda b, c, *a, **k: orig_prep(b, 16, *a, **k))  # the VAE's 16
    direct = orig_call(pipe, prompt="a line", height=32, width=32, num_frames=9, num_inference_steps=2,
                       guidance_scale=1.0, output_type="pt", generator=torch.Generator().manual_seed(seen[0])).frames[0]
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    monkeypatch.setattr(tr, "forward", fwd)
    monkeypatch.setattr(pipe, "prepare_latents", orig_prep)
    from diffusers.hooks import HookRegistry
    assert HookRegistry.check_if_exists_or_initialize(tr).get_hook("studio_wan_fun") is None


def test_a_model_that_reads_no_control_and_a_short_clip_are_refused_in_words(fun_dir, wan_dir):
    with pytest.raises(NodeExecutionError, match="reads 16 channels, not the 48 of a Wan Fun Control model"):
        Executor().run(_graph(wan_dir), targets=["gen"], device="cpu")
    with pytest.raises(NodeExecutionError, match="the control clip has 9 frames but 13 are made"):
        Executor().run(_graph(fun_dir, clip_frames=9, frames=13), targets=["gen"], device="cpu")


def test_a_cached_prompt_loads_no_t5_and_makes_the_same_frames(fun_dir, tmp_path, monkeypatch):
    """The prompt-embedding cache (issue 60) read and filled by Wan Fun Control as by the plain Wan
    generators (with guidance: the negative kept too): the second render with only the seed changed
    loads no T5 and makes the frames of a render with the cache off."""
    from transformers import T5EncoderModel

    from .prompt_cache_check import NOT_LOADED, counted_loads, off_then_cached
    loaded = counted_loads(monkeypatch, T5EncoderModel)

    def render(seed):
        ev = []
        clip = Executor().run(_graph(fun_dir, seed=seed, guidance=3.0, negative_prompt="blurry"), targets=["gen"],
                              device="cpu", use_cache=False, on_event=ev.append).value("gen")
        return clip.frames, [getattr(e, "text", "") for e in ev]
    plain, first, (second, said) = off_then_cached(monkeypatch, tmp_path, render, (loaded,))
    assert first[-1] == (["T5EncoderModel"],)  # the first render with the cache on encoded
    assert loaded == [] and NOT_LOADED in said
    assert np.array_equal(second, plain) and not np.array_equal(first[0], plain)
