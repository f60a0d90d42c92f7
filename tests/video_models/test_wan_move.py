"""Wan-Move (issue 57, trajectories): point tracks carry the start image's latent features
(families/wan/tracks/move.py), checked against the released formulas on hand-computed cases, and the node's
frames against diffusers' WanImageToVideoPipeline fed the same conditioning."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.core.values import Keypoints
from studio.engine.executor import Executor
from tests.sources import source

from nodes.video_models.families.wan.tracks.move import carry_features, track_cells

from .graphs import model_graph, pipeline_of, ramp, render, spied

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


def _reference_replace(vae_feature, track_pos):
    """ali-vilab/Wan-Move@27409be wan/modules/trajectory.py replace_feature, its shuffle left out (one
    track, or tracks in their order): [B, C, T, H, W], [B, N, T, 2] -> the edited feature."""
    current = track_pos[:, :, 1:, :]
    mask = (current[..., 0] >= 0) & (current[..., 1] >= 0)
    v = mask.nonzero(as_tuple=False)
    b, n, t = v[:, 0], v[:, 1], v[:, 2]
    out = vae_feature.clone()
    out[b, :, t + 1, current[b, n, t, 0], current[b, n, t, 1]] = vae_feature[b, :, 0, track_pos[b, n, 0, 0],
                                                                              track_pos[b, n, 0, 1]]
    return out


def test_a_track_of_three_points_lands_in_its_cells_as_the_reference_places_it():
    # 9 frames -> latent frames at pixel frames 0, 4, 8; a 32x16 frame -> a 4x2 latent grid (8-pixel cells)
    pts = np.zeros((9, 1, 2), np.float32)
    pts[0, 0], pts[4, 0], pts[8, 0] = (4, 4), (12, 4), (20, 12)
    got = track_cells(pts, np.ones((9, 1), bool), (32, 16), (32, 16), 9)
    assert got.cells.tolist() == [[[0, 0], [0, 1], [1, 2]]]
    y = torch.randn(1, 16, 3, 2, 4)
    out = carry_features(y, got.cells)
    assert torch.equal(out[:, :, 1, 0, 1], y[:, :, 0, 0, 0]) and torch.equal(out[:, :, 2, 1, 2], y[:, :, 0, 0, 0])
    changed = (out != y).any(1)[0]
    assert changed.sum() == 2 and torch.equal(y, y.clone())  # the rest and the input as they were
    assert torch.equal(out, _reference_replace(y, torch.as_tensor(got.cells)[None]))


def test_positions_are_scaled_to_the_output_and_hidden_outside_or_nan_ones_left_out():
    pts = np.array([[[10, 10], [np.nan, 3]], [[70, 30], [5, 5]], [[99, 99], [5, 5]],
                    [[1, 1], [5, 5]], [[1, 1], [5, 5]]], np.float32)  # 5 frames, 2 tracks, a 64x32 source
    vis = np.ones((5, 2), bool)
    vis[4, 0] = False
    got = track_cells(pts, vis, (64, 32), (128, 64), 9)  # 9 frames: latent frames at 0, 4, 8 (8 past the end)
    assert got.cells[0, 0].tolist() == [2, 2]  # (10, 10) x2 = (20, 20) -> row 2, column 2
    assert got.cells[0, 1].tolist() == [-1, -1]  # frame 4 hidden
    assert got.cells[1, 0].tolist() == [-1, -1] and got.no_start == 1  # NaN at the start: carries nothing
    assert got.past_end == 1 and got.cells[:, 2].tolist() == [[-1, -1], [-1, -1]]
    y = torch.randn(1, 4, 3, 8, 16)
    assert torch.equal(carry_features(y, got.cells), y)  # nothing left to carry


def test_the_later_track_wins_a_shared_cell_every_time():
    pts = np.array([[[4, 4], [20, 4]], [[4, 4], [4, 4]], [[4, 4], [4, 4]], [[4, 4], [4, 4]], [[12, 4], [12, 4]]],
                   np.float32)
    cells = track_cells(pts, np.ones((5, 2), bool), (32, 8), (32, 8), 5).cells
    y = torch.randn(1, 3, 2, 1, 4)
    out = carry_features(y, cells)
    assert torch.equal(out[:, :, 1, 0, 1], y[:, :, 0, 0, 2])  # track 1 started at column 2


def test_a_thousand_frames_of_two_hundred_tracks_cost_little():
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 480, (1000, 200, 2)).astype(np.float32)
    got = track_cells(pts, np.ones((1000, 200), bool), (480, 480), (832, 480), 1000)
    assert got.cells.nbytes < 50 * 2 ** 20 and got.cells.shape == (200, 250, 2)


# -- the node ---------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def i2v_dir(tiny):
    return tiny("wan-i2v")


def _keys(n=9, w=32, h=32):
    pts = np.zeros((n, 2, 2), np.float32)
    pts[:, 0] = np.stack([np.linspace(4, 28, n), np.full(n, 8)], 1)
    pts[:, 1] = np.stack([np.full(n, 20), np.linspace(28, 4, n)], 1)
    return Keypoints(pts, np.ones((n, 2), bool), w, h, 16.0)


def _still(h: int = 32, w: int = 32) -> np.ndarray:
    return ramp(h, w, 0.3)


def _still_node() -> str:
    return source("test.move_still", "image", "Image", lambda q: _still())


def _graph(model_dir, guidance=1.0, frames=9, tracks=True, **p):
    feeds = {"image": (_still_node(), "image")}
    if tracks:
        feeds["tracks"] = (source("test.move_tracks", "keypoints", "Keypoints", lambda q: _keys()), "keypoints")
    return model_graph(model_dir, "video_models.image_to_video", {"frames": frames, "width": 32, "height": 32,
                       "steps": 2, "guidance": guidance, "prompt": "a dot", "previews": False, "preview_size": "off",
                       **p}, **feeds)


def test_the_node_equals_the_pipeline_fed_the_carried_condition(i2v_dir, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    g = _graph(i2v_dir)
    ex, pipe, seeds, orig_call = spied(monkeypatch, g, "i2v")
    made, said = render(ex, g)
    made = made.frames
    assert any(t.startswith("Wan-Move: 2 tracks carry") for t in said)
    plain = ex.run(_graph(i2v_dir, tracks=False), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert not np.array_equal(made, plain)  # the tracks changed the take
    cells = track_cells(_keys().points, _keys().visible, (32, 32), (32, 32), 9).cells
    orig = pipe.prepare_latents

    def carried(*a, **k):  # as the reference: the condition's image latent (after the 4 mask channels) edited
        latents, cond = orig(*a, **k)
        return latents, torch.cat([cond[:, :4], carry_features(cond[:, 4:], cells)], 1)
    monkeypatch.setattr(pipe, "prepare_latents", carried)
    direct = orig_call(pipe, image=to_pil(_still()), prompt="a dot", height=32, width=32, num_frames=9,
                       num_inference_steps=2, guidance_scale=1.0, output_type="pt",
                       generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)


def test_with_guidance_the_unconditional_call_keeps_the_plain_condition(i2v_dir):
    ex = Executor()
    g = _graph(i2v_dir, guidance=3.0)
    tr = pipeline_of(ex, g, "i2v").transformer
    seen = []
    h = tr.patch_embedding.register_forward_pre_hook(lambda m, a: seen.append(a[0][:, 20:].clone()))
    try:
        ex.run(g, targets=["gen"], device="cpu", use_cache=False)
    finally:
        h.remove()
    assert len(seen) == 4  # 2 steps, a conditional and an unconditional call each
    assert not torch.equal(seen[0], seen[1]) and torch.equal(seen[0], seen[2]) and torch.equal(seen[1], seen[3])
    from diffusers.hooks import HookRegistry
    assert HookRegistry.check_if_exists_or_initialize(tr).get_hook("studio_wan_move") is None


def test_tracks_on_a_model_that_cannot_take_them_or_over_several_windows_are_refused_in_words(ltx_dir, i2v_dir):
    with pytest.raises(StudioError, match="gen.*takes no point tracks"):
        Executor().run(_graph(ltx_dir), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="point tracks steer one window: 17 frames .* set frames to 9 or fewer"):
        Executor().run(_graph(i2v_dir, frames=17, window=9), targets=["gen"], device="cpu", use_cache=False)
