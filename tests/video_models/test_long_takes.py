"""Long takes made window by window (issue 47): continuation from the last frame, the colour held
across windows, first-last frame keyframes, and the settings a family cannot use."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from nodes.video_models.takes.colour_hold import from_lab, hold_colour, seam_delta_e, to_lab
from nodes.video_models.base.calls import to_pil

from .graphs import model_graph, pipeline_of, said, spy_frames, windowed

pytest.importorskip("diffusers")


@pytest.fixture(scope="session")
def i2v_dir(tiny):
    return tiny("wan-i2v")


@pytest.fixture(scope="session")
def flf2v_dir(tiny):
    return tiny("wan-flf2v")


def _still(seed: int, h: int = 16, w: int = 16) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = np.random.default_rng(seed).random(3).astype(np.float32)
    return np.stack([x / w * r[0], y / h * r[1], 0 * x + r[2]], -1)


def _i2v_graph(model_dir, last=False, **p):
    from studio.core.params import Int
    still = source("test.lt_still", "image", "Image", lambda q: _still(q.seed), (Int("seed", 0),))
    feeds = {"image": (still, "image", {"seed": 0})}
    if last:
        feeds["last_image"] = (still, "image", {"seed": 1})
    return model_graph(model_dir, "video_models.image_to_video", {"frames": 13, "window": 5, "width": 16, "height": 16,
                       "steps": 2, "guidance": 1.0, "prompt": "a fox", "previews": False, "preview_size": "off", **p},
                       **feeds)


def _spy_calls(ex, g, monkeypatch, task="i2v"):
    """Every pipeline call's arguments and frames ([F, H, W, C])."""
    pipe = pipeline_of(ex, g, task)
    return spy_frames(monkeypatch, type(pipe)), pipe


def _said(ev, level=None):
    return said(ev, "gen", level)


def test_each_continued_window_starts_from_the_last_frame_of_the_one_before(i2v_dir, monkeypatch):
    ex = Executor()
    g = _i2v_graph(i2v_dir, long_take="continue", hold_colour="off")
    calls, _ = _spy_calls(ex, g, monkeypatch)
    ev = []
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    assert len(calls) == 3 and clip.n_frames == 13  # windows at frames 0, 4, 8: each shares one frame
    assert np.array_equal(np.asarray(calls[0][0]["image"]), np.asarray(to_pil(_still(0))))
    for k in (1, 2):
        prev_last = calls[k - 1][1][-1]
        assert np.array_equal(np.asarray(calls[k][0]["image"]), np.asarray(to_pil(prev_last)))
    assert np.array_equal(clip.frames[4], calls[0][1][-1])  # the shared frame is the earlier window's
    assert any("continue: each window starts from the last frame" in t for t in _said(ev))

    calls.clear()
    ev = []
    held = ex.run(_i2v_graph(i2v_dir, long_take="continue"), targets=["gen"], device="cpu", use_cache=False,
                  on_event=ev.append).value("gen")
    for k in (1, 2):  # with the colour held, the frame handed on is the held one
        assert np.array_equal(np.asarray(calls[k][0]["image"]), np.asarray(to_pil(held.frames[4 * k])))
    assert any(t.startswith("colour held across 2 seams: mean ΔE2000") for t in _said(ev))


def test_a_known_colour_drift_is_held_below_one_delta_e_at_every_seam():
    """Windows whose colour drifts from the truth (brightness, contrast, saturation, tint in Lab and
    a gain on red), a window's way each time: after the hold, every seam is within 1 ΔE2000."""
    rng = np.random.default_rng(0)
    h, w, n, win, ov = 24, 32, 40, 12, 3
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    t = np.arange(n, dtype=np.float32)[:, None, None]
    base = np.stack([0.5 + 0.3 * np.sin(x / 5 + t / 7), 0.4 + 0.25 * np.cos(y / 4 - t / 9),
                     0.3 + 0.2 * np.sin((x + y) / 6 + t / 5)], -1)
    base = np.clip(base + rng.normal(0, 0.02, base.shape), 0, 1).astype(np.float32)
    made = base[:win].copy()
    before, after = [], []
    for k, a in enumerate(range(win - ov, n - ov, win - ov), start=1):
        sgn = (-1) ** k
        lab = to_lab(base[a:a + win])
        lum = (lab[..., :1] - 50) * (1 + 0.05 * sgn) + 50 + 3 * sgn
        ab = lab[..., 1:] * (1 + 0.12 * sgn) + np.array([2, -3], np.float32) * sgn
        window = from_lab(np.concatenate([lum, ab], -1)) * np.array([1 + 0.04 * sgn, 1, 1], np.float32)
        window = np.clip(window, 0, 1)
        old = made[a:a + ov]
        before.append(seam_delta_e(old, window[:ov]))
        window = hold_colour(window, window[:ov], old)
        after.append(seam_delta_e(old, window[:ov]))
        made = np.concatenate([made[:a + ov], window[ov:]])
    assert len(after) == 4 and min(before) > 3.0  # the drift is plain to see
    assert max(after) <= 1.0, after


def test_first_and_last_frame_gives_the_frames_of_the_pipeline_called_directly(flf2v_dir, monkeypatch):
    import torch
    ex = Executor()
    g = _i2v_graph(flf2v_dir, last=True, frames=5)
    calls, pipe = _spy_calls(ex, g, monkeypatch)
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert len(calls) == 1
    seed = calls[0][0]["generator"].initial_seed()
    direct = pipe(image=to_pil(_still(0)), last_image=to_pil(_still(1)), prompt="a fox", height=16, width=16,
                  num_frames=5, num_inference_steps=2, guidance_scale=1.0, output_type="pt",
                  generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.allclose(clip.frames, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    with pytest.raises(StudioError, match="first-last-frame .FLF2V.: it needs the clip's last frame"):
        ex.run(_i2v_graph(flf2v_dir, frames=5), targets=["gen"], device="cpu", use_cache=False)


def test_a_fun_inp_model_takes_the_last_frame_with_the_start_images_tokens(i2v_dir, tmp_path):
    """Wan Fun InP (wan2.1_fun_inp_*): Wan 2.1 I2V's shapes, trained on a first and a last frame with the
    start image's CLIP tokens. diffusers' call given a last image encodes both images' tokens, which
    only FLF2V's embedder takes (on this model the call failed on a batch mismatch); the node keeps the
    start image's and uses the last frame, said, and the last frame changes the take."""
    import shutil
    inp = str(shutil.copytree(i2v_dir, tmp_path / "wan2.1-fun-inp-tiny"))
    ev = []
    with_last = Executor().run(_i2v_graph(inp, last=True, frames=5), targets=["gen"], device="cpu", use_cache=False,
                               on_event=ev.append).value("gen")
    assert not any("last image is not used" in t for t in _said(ev, "warning"))
    assert any("reads one image's CLIP tokens" in t for t in _said(ev))
    without = Executor().run(_i2v_graph(inp, frames=5), targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert with_last.n_frames == without.n_frames == 5 and not np.allclose(with_last.frames, without.frames)


def test_a_last_frame_a_model_cannot_take_is_said_and_not_used(i2v_dir):
    ev = []
    Executor().run(_i2v_graph(i2v_dir, last=True, frames=5), targets=["gen"], device="cpu", use_cache=False,
                   on_event=ev.append)
    assert any("takes one image" in t and "the last image is not used" in t for t in _said(ev, "warning"))


def test_settings_a_family_cannot_use_say_what_it_does_instead(wan_dir):
    g = windowed(wan_dir, "continue", 9, 5, 4)
    ev = []
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    assert clip.n_frames == 9
    assert any("'continue' needs a model that takes frames" in t and "making context windows instead" in t
               for t in _said(ev, "warning"))
    g.nodes["gen"].params["window"] = 5
    g.nodes["gen"].params["overlap"] = 5
    with pytest.raises(StudioError, match=r"overlap \(5\) must be smaller than the window \(5 frames\)"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


def test_image_to_video_with_context_windows_is_one_call_from_the_still(i2v_dir, monkeypatch):
    """Wan I2V's denoiser input is the latent with the still's condition channels beside it (36 in,
    16 out): the hook cuts both along the frames; auto picks context windows for Wan."""
    ex = Executor()
    g = _i2v_graph(i2v_dir, long_take="auto", overlap=4)
    calls, pipe = _spy_calls(ex, g, monkeypatch)
    seen = []
    h = pipe.transformer.patch_embedding.register_forward_pre_hook(lambda m, a: seen.append(tuple(a[0].shape)))
    ev = []
    try:
        clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen")
    finally:
        h.remove()
    assert len(calls) == 1 and clip.n_frames == 13 and np.isfinite(clip.frames).all()
    assert np.array_equal(np.asarray(calls[0][0]["image"]), np.asarray(to_pil(_still(0))))
    assert len(seen) == 3 * 2 and all(s[1] == 36 and s[2] == 2 for s in seen)  # 3 windows of 2 latent frames
    assert any("long take: context windows (auto)" in t for t in _said(ev))
