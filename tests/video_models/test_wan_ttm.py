"""Time-to-Move (families/wan/ttm.py, sampling/motion_reference.py): Image to Video given a crude motion reference
and its mask on a tiny random Wan 2.2 A14B I2V (two experts, boundary 0.9). Sampling starts at the weak step from
the reference noised to it; inside the mask the latents are the reference noised to each next step until the strong
step, outside it they are sampled freely; with neither input wired the take is the plain one, whatever the steps
set; the same seed makes the same take; what cannot be done is refused in words before sampling."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from nodes.video_models.families.wan import ttm

from .graphs import model_graph, pipeline_of, ramp, render

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

N, SIZE, STEPS = 9, 32, 4


def test_the_mask_is_taken_at_the_frames_latent_frames_start_and_on_the_latent_grid():
    m = np.zeros((N, 16, 16, 3), np.float32)
    m[1, :8, :8, 2] = 1.0  # frame 1: the top-left quarter, in one channel only
    m[4, 8:, 8:] = 1.0  # frame 4 is inside latent frame 1's group but not the frame it is taken at (1)
    m[5, 8:, :8, 0] = 0.6
    got = ttm.latent_mask(m, N, 16, 16, 4, 8)
    assert got.shape == (1, 1, 3, 2, 2)  # pixel frames 0, 1, 5 -> three latent frames
    assert got[0, 0, 0].sum() == 0
    assert got[0, 0, 1].tolist() == [[1, 0], [0, 0]]  # any channel over 0.5
    assert got[0, 0, 2].tolist() == [[0, 0], [1, 0]]


@pytest.fixture(scope="module")
def i2v22(tiny):
    return tiny("wan22-a14b", i2v=True)


def _clip(seed: int, n: int = N) -> ArrayClip:
    rng = np.random.default_rng(seed)
    return ArrayClip(rng.uniform(0, 1, (n, SIZE, SIZE, 3)).astype(np.float32), fps=16.0)


def _mask(n: int = N) -> ArrayClip:
    m = np.zeros((n, SIZE, SIZE, 3), np.float32)
    m[:, :16, :16] = 1.0  # the top-left quarter of every frame
    return ArrayClip(m, fps=16.0)


def _graph(model_dir, reference=True, mask=True, frames=N, **p):
    feeds = {"image": (source("test.ttm_still", "image", "Image", lambda q: ramp(SIZE, SIZE, 0.3)), "image")}
    if reference:
        feeds["motion_reference"] = (source("test.ttm_reference", "video", "Video", lambda q: _clip(1)), "video")
    if mask:
        feeds["motion_mask"] = (source("test.ttm_mask", "video", "Video", lambda q: _mask()), "video")
    return model_graph(model_dir, "video_models.image_to_video", {
        "frames": frames, "width": SIZE, "height": SIZE, "steps": STEPS, "guidance": 1.0, "prompt": "a dot",
        "previews": False, "preview_size": "off", "seed": 5, "motion_start_step": 1, "motion_end_step": 3,
        **p}, **feeds)


def _spied_steps(monkeypatch, pipe) -> list:
    """The latents the pipeline goes on with after each scheduler step (what the TTM block returns, seen by the
    pipeline's step callback), and the block made (ttm_applied wrapped)."""
    seen = []
    orig = ttm.time_to_move.__exit__

    def keep(self, *exc):
        seen.append(("block", self))
        return orig(self, *exc)
    monkeypatch.setattr(ttm.time_to_move, "__exit__", keep)
    cls = type(pipe)
    call = cls.__call__

    import functools

    @functools.wraps(call)
    def spy(this, *a, **k):
        user = k.get("callback_on_step_end")

        def on_step(p, i, t, kw):
            seen.append(("step", i, kw["latents"].clone()))
            return user(p, i, t, kw) if user is not None else kw
        return call(this, *a, **dict(k, callback_on_step_end=on_step))
    monkeypatch.setattr(cls, "__call__", spy)
    return seen


def test_the_masked_region_follows_the_reference_until_the_strong_step_and_sampling_starts_at_the_weak_one(
        i2v22, monkeypatch):
    ex = Executor()
    g = _graph(i2v22, motion_start_step=1, motion_end_step=3)
    pipe = pipeline_of(ex, g, "i2v")
    starts = []
    h = pipe.transformer.register_forward_pre_hook(lambda m, a, k: starts.append(k["timestep"].clone()),
                                                   with_kwargs=True)
    try:
        seen = _spied_steps(monkeypatch, pipe)
        made, said = render(ex, g)
    finally:
        h.remove()
    block = [s[1] for s in seen if s[0] == "block"][0]
    steps = [s[2] for s in seen if s[0] == "step"]
    assert len(steps) == STEPS - 1  # steps 1, 2, 3 of 4: the first is skipped (the weak step 1)
    assert any(t.startswith("Time-to-Move: sampling starts at step 1 from the motion reference noised to it; inside "
                            "the mask (25% of the latent cells) the latents follow the reference until step 3")
               for t in said), said
    sig = block.sigmas
    # the first denoiser call at the weak step's timestep (the scheduler's whole numbers: sigma x 1000)
    assert len(sig) == STEPS + 1 and float(starts[0][0]) == pytest.approx(1000 * float(sig[1]), abs=1.0)
    assert float(sig[1]) < 0.95
    inside = block.mask.bool().expand_as(steps[0])
    for k, lat in enumerate(steps):  # the step just taken: k + 1 of the whole schedule
        ref = ttm.noised(block.reference, block.noise, sig[k + 2])
        if k + 1 < 3:  # before the strong step: inside the mask, the reference noised to the next step
            assert torch.allclose(lat[inside], ref[inside], atol=1e-6)
            assert not torch.allclose(lat[~inside], ref[~inside], atol=1e-3)  # outside: sampled freely
        else:
            assert not torch.allclose(lat[inside], ref[inside], atol=1e-3)
    assert made.n_frames == N
    assert block.replaced == 2
    # the pipeline and its scheduler as they were: the wrapped calls put back
    assert "step" not in vars(pipe.scheduler) and "set_timesteps" not in vars(pipe.scheduler)
    assert "prepare_latents" not in vars(pipe)


def test_the_start_is_the_reference_noised_to_the_weak_step(i2v22, monkeypatch):
    ex = Executor()
    g = _graph(i2v22, motion_start_step=2, motion_end_step=2)
    pipe = pipeline_of(ex, g, "i2v")
    firsts = []
    orig = ttm.time_to_move._prepare_latents

    def spy(self, fn):
        wrapped = orig(self, fn)

        def call(*a, **k):
            out = wrapped(*a, **k)
            firsts.append((self, out[0].clone()))
            return out
        return call
    monkeypatch.setattr(ttm.time_to_move, "_prepare_latents", spy)
    render(ex, g)
    block, first = firsts[0]
    assert torch.allclose(first, ttm.noised(block.reference, block.noise, block.sigmas[2]), atol=1e-6)
    assert block.replaced == 0  # strong step = weak step: nothing replaced, free sampling from step 2


def test_without_a_reference_the_take_is_the_plain_one_and_with_one_it_is_another(i2v22):
    ex = Executor()
    plain = render(ex, _graph(i2v22, reference=False, mask=False))[0].frames
    steps_set = render(ex, _graph(i2v22, reference=False, mask=False, motion_start_step=2,
                                  motion_end_step=3))[0].frames
    assert np.array_equal(plain, steps_set)  # the settings alone change nothing
    a = render(ex, _graph(i2v22))[0].frames
    b = render(ex, _graph(i2v22))[0].frames
    assert np.array_equal(a, b)  # the same seed: the same take
    assert not np.allclose(a, plain, atol=1e-3)


def test_what_cannot_be_done_is_refused_in_words(i2v22, tiny):
    ex = Executor()
    with pytest.raises(StudioError, match="takes a motion reference and its mask together: connect 'motion_mask'"):
        ex.run(_graph(i2v22, mask=False), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="motion_end_step \\(1\\) is before motion_start_step \\(2\\)"):
        ex.run(_graph(i2v22, motion_start_step=2, motion_end_step=1), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="steps \\(4, 4\\) are past the take's 4 steps"):
        ex.run(_graph(i2v22, motion_start_step=4, motion_end_step=4), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="'motion_reference' has 9 frames, the take 13"):
        ex.run(_graph(i2v22, frames=13), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="takes no motion reference"):
        ex.run(_graph(tiny("ltx")), targets=["gen"], device="cpu", use_cache=False)


@pytest.fixture(scope="module")
def ti2v(tmp_path_factory):
    from . import tiny_wan22 as tw
    return tw.build_ti2v(str(tmp_path_factory.mktemp("ttm-ti2v") / "wan22-ti2v"))


def test_wan22_ti2v_5b_takes_it_too_on_its_16_pixel_latent_grid(ti2v, monkeypatch):
    """The 5B's pipeline gives its latents with a first-frame mask (expand_timesteps) and a 16x VAE: the mask comes to
    its grid and the masked latents follow the reference until the strong step."""
    ex = Executor()
    g = _graph(ti2v)
    pipe = pipeline_of(ex, g, "i2v")
    assert pipe.config.expand_timesteps and pipe.vae_scale_factor_spatial == 16
    seen = _spied_steps(monkeypatch, pipe)
    made, said = render(ex, g)
    block = [s[1] for s in seen if s[0] == "block"][0]
    steps = [s[2] for s in seen if s[0] == "step"]
    assert block.mask.shape[-2:] == (2, 2) and block.replaced == 2 and len(steps) == STEPS - 1
    inside = block.mask.bool().expand_as(steps[0])
    ref = ttm.noised(block.reference, block.noise, block.sigmas[2])
    assert torch.allclose(steps[0][inside], ref[inside], atol=1e-6)
    assert made.n_frames == N and any(t.startswith("Time-to-Move: sampling starts at step 1") for t in said)
