"""Wan Fun Control (issue 57 item 3, families/wan/fun/fun.py): the condition on hand-computed terms (the
control clip's latents, the start image's in the first latent frame), and the node's frames equal
WanPipeline called directly with a denoiser that reads them as VideoX-Fun's pipeline gives them."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.params import Int
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, pipeline_of, ramp, render, spy_call

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
    return ramp(32, 32, 0.4)


def _graph(model_dir, clip_frames=9, start=True, **p):
    feeds = {"control": (source("test.fun_control", "video", "Video", lambda q: ArrayClip(_control(q.frames), 16.0),
                                (Int("frames", 9),)), "video", {"frames": clip_frames})}
    if start:
        feeds["image"] = (source("test.fun_start", "image", "Image", lambda q: _start()), "image")
    return model_graph(model_dir, "video_models.wan_fun_control", {"steps": 2, "guidance": 1.0, "prompt": "a line",
                       "previews": False, "preview_size": "off", **p}, **feeds)


def read_beside(monkeypatch, pipe, y):
    """The denoiser as VideoX-Fun's pipeline runs it, written apart from the node: the condition ``y``
    beside the noise in its channels, zero image tokens, the pipeline's latents the VAE's 16 channels.
    Returns what puts the transformer and the pipeline back."""
    tr, orig_prep = pipe.transformer, pipe.prepare_latents
    fwd = tr.forward

    def reading(hidden_states, *a, **k):
        k["encoder_hidden_states_image"] = torch.zeros(hidden_states.shape[0], 257, 4)
        return fwd(torch.cat([hidden_states, y.expand(hidden_states.shape[0], -1, -1, -1, -1)], 1), *a, **k)
    monkeypatch.setattr(tr, "forward", reading)
    monkeypatch.setattr(pipe, "prepare_latents", lambda b, c, *a, **k: orig_prep(b, 16, *a, **k))  # the VAE's 16

    def put_back():
        monkeypatch.setattr(tr, "forward", fwd)
        monkeypatch.setattr(pipe, "prepare_latents", orig_prep)
    return put_back


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
    pipe = pipeline_of(ex, g, "t2v")
    seen, orig_call = spy_call(monkeypatch, WanPipeline)
    made, said = render(ex, g)
    made = made.frames
    assert any("Wan Fun Control: the control clip and the start image read beside the noise" in t for t in said)
    # VideoX-Fun's formula, written here apart from the node: y = [control latents, start latent | zeros]
    with torch.inference_mode():
        y = torch.cat([encode_frames(pipe, _control(9)), torch.zeros(1, 16, 3, 4, 4)], 1)
        y[:, 16:, :1] = encode_frames(pipe, _start()[None])
    put_back = read_beside(monkeypatch, pipe, y)
    direct = orig_call(pipe, prompt="a line", height=32, width=32, num_frames=9, num_inference_steps=2,
                       guidance_scale=1.0, output_type="pt", generator=torch.Generator().manual_seed(seen[0])).frames[0]
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    put_back()
    from diffusers.hooks import HookRegistry
    assert HookRegistry.check_if_exists_or_initialize(pipe.transformer).get_hook("studio_wan_fun") is None


def test_a_model_that_reads_no_control_and_a_short_clip_are_refused_in_words(fun_dir, wan_dir):
    with pytest.raises(NodeExecutionError, match="reads 16 channels, not the 48 of a Wan Fun Control model"):
        Executor().run(_graph(wan_dir), targets=["gen"], device="cpu")
    with pytest.raises(NodeExecutionError, match="the control clip has 9 frames but 13 are made"):
        Executor().run(_graph(fun_dir, clip_frames=9, frames=13), targets=["gen"], device="cpu")


@pytest.mark.fresh_models
def test_a_cached_prompt_loads_no_t5_and_makes_the_same_frames(fun_dir, tmp_path, monkeypatch):
    """The prompt-embedding cache (issue 60) read and filled by Wan Fun Control as by the plain Wan
    generators (with guidance: the negative kept too): the second render with only the seed changed
    loads no T5 and makes the frames of a render with the cache off."""
    from transformers import T5EncoderModel

    from .prompt_cache_check import check_cached_prompt, frames_and_texts
    check_cached_prompt(monkeypatch, tmp_path, lambda seed: frames_and_texts(
        _graph(fun_dir, seed=seed, guidance=3.0, negative_prompt="blurry")), (T5EncoderModel,))
