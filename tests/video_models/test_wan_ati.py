"""ATI (issue 57, trajectories): point tracks splatted as the start image's latent features
(families/wan/tracks/ati.py), checked against the released formula on a hand-computed case and against the
reference's patch_motion, and the node's frames against diffusers' WanImageToVideoPipeline fed the
same condition."""
from __future__ import annotations

import math

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from nodes.video_models.families.wan.tracks.ati import ati_condition, ati_tracks

from .graphs import render, spied
from .test_wan_move import _graph, _keys, _still

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


def _reference_patch(tracks, vid, temperature=220.0, topk=2):
    """bytedance/ATI@168b443 wan/modules/motion_patch.py patch_motion at inference (training=False), its
    steps kept one for one: ``tracks`` [1, T, N, 4] (time, x, y, visible in -1 / 1), ``vid`` [4 + C, T', H, W]."""
    _, t, hh, ww = vid.shape
    n = tracks.shape[2]
    _, tr, visible = torch.split(tracks, [1, 2, 1], dim=-1)
    tracks_n = (tr / torch.tensor([ww / min(hh, ww), hh / min(hh, ww)])).clamp(-1, 1)
    visible = visible.clamp(0, 1)
    xx = torch.linspace(-ww / min(hh, ww), ww / min(hh, ww), ww)
    yy = torch.linspace(-hh / min(hh, ww), hh / min(hh, ww), hh)
    grid = torch.stack(torch.meshgrid(yy, xx, indexing="ij")[::-1], dim=-1)
    tracks_pad, visible_pad = tr[:, 1:], visible[:, 1:]
    visible_align = visible_pad.view(t - 1, 4, *visible_pad.shape[2:]).sum(1)
    tracks_align = (tracks_pad * visible_pad).view(t - 1, 4, *tracks_pad.shape[2:]).sum(1) / (visible_align + 1e-5)
    dist = (tracks_align[:, None, None] - grid[None, :, :, None]).pow(2).sum(-1)
    weight = torch.exp(-dist * temperature) * visible_align.clamp(0, 1).view(t - 1, 1, 1, n)
    vert_weight, vert_index = torch.topk(weight, k=min(topk, weight.shape[-1]), dim=-1)
    pf = torch.nn.functional.grid_sample(vid[4:].permute(1, 0, 2, 3)[:1], tracks_n[:, :1], mode="bilinear",
                                         padding_mode="zeros", align_corners=False)  # None there: False
    pf = pf.squeeze(0).squeeze(1).permute(1, 0)  # N, C
    out_feature = (pf[vert_index] * vert_weight[..., None]).sum(-2).permute(3, 0, 1, 2)  # merge_final
    out_weight = vert_weight.sum(-1)
    mix = out_feature + vid[4:, 1:] * (1 - out_weight.clamp(0, 1))
    feat = torch.cat([vid[4:, :1], mix], dim=1)
    mask = torch.cat([torch.ones_like(out_weight[:1]), out_weight], dim=0)
    return torch.cat([mask[None].expand(4, -1, -1, -1), feat], dim=0)


def _as_reference(got):
    """AtiTracks as the reference's [1, T, N, 4] tensor (process_tracks' layout)."""
    pos = torch.as_tensor(got.pos)
    vis = torch.as_tensor(got.vis)[..., None] * 2 - 1
    trange = torch.linspace(-1, 1, pos.shape[0]).view(-1, 1, 1).expand(*vis.shape)
    return torch.cat([trange, pos, vis], -1)[None]


def test_a_track_of_three_points_splats_its_start_feature_as_the_formula_says():
    # 9 frames -> 3 latent frames; a 32x32 frame -> a 4x4 latent grid. Pixel (12, 12) is cell (1, 1)'s
    # centre, so the start feature is that cell's latent. Frames 1-4 at (20, 12), frames 5-8 at (28, 20).
    pts = np.zeros((9, 1, 2), np.float32)
    pts[0, 0], pts[1:5, 0], pts[5:9, 0] = (12, 12), (20, 12), (28, 20)
    got = ati_tracks(pts, np.ones((9, 1), bool), (32, 32), (32, 32), 9)
    assert np.allclose(got.pos[[0, 1, 5], 0], [[-0.25, -0.25], [0.25, -0.25], [0.75, 0.25]])
    cond = torch.randn(1, 4 + 3, 3, 4, 4)
    temp = 3.0
    out = ati_condition(cond, got, temperature=temp, topk=2)
    y = cond[0, 4:].numpy().astype(np.float64)
    feat = y[:, 0, 1, 1]
    g = np.linspace(-1, 1, 4)  # the cells' centres: linspace over the short edge, which spans 2
    for lt, (px, py) in ((1, (20, 12)), (2, (28, 20))):
        ax, ay = np.array([px - 16, py - 16]) / 16 * 4 / (4 + 1e-5)  # four visible frames averaged
        for r in range(4):
            for c in range(4):
                w = math.exp(-((ax - g[c]) ** 2 + (ay - g[r]) ** 2) * temp)
                want = w * feat + y[:, lt, r, c] * (1 - min(w, 1.0))
                assert np.allclose(out[0, 4:, lt, r, c].numpy(), want, atol=1e-5)
                assert np.allclose(out[0, :4, lt, r, c].numpy(), w, atol=1e-6)
    assert torch.equal(out[:, :, 0], torch.cat([torch.ones_like(cond[:, :4, 0]), cond[:, 4:, 0]], 1))
    assert torch.allclose(out[0], _reference_patch(_as_reference(got), cond[0], temp, 2), atol=1e-6)


def test_many_tracks_hidden_frames_and_outside_starts_equal_the_reference(monkeypatch):
    rng = np.random.default_rng(1)
    pts = rng.uniform(-20, 84, (17, 6, 2)).astype(np.float32)  # some outside a 64x48 frame
    pts[0] = rng.uniform(0, 48, (6, 2))
    vis = rng.uniform(size=(17, 6)) > 0.3
    vis[0] = True
    got = ati_tracks(pts, vis, (64, 48), (64, 48), 17)
    assert got.outside > 0 and got.no_start == 0
    cond = torch.randn(1, 4 + 5, 5, 6, 8)
    for temp, k in ((220.0, 2), (20.0, 3), (5.0, 10)):
        assert torch.allclose(ati_condition(cond, got, temp, k)[0], _reference_patch(_as_reference(got), cond[0], temp, k),
                              atol=1e-5)
    whole = ati_condition(cond, got, 20.0, 3)
    from nodes.video_models.families.wan.tracks import ati
    monkeypatch.setattr(ati, "CHUNK", 50)  # one latent frame at a time: the same map
    assert torch.equal(ati_condition(cond, got, 20.0, 3), whole)


def test_nan_hidden_starts_and_tracks_shorter_than_the_take_are_set_aside_and_counted():
    pts = np.array([[[8, 8], [np.nan, 3], [100, 8]], [[16, 8], [5, 5], [8, 8]], [[24, 8], [5, np.nan], [8, 8]]],
                   np.float32)  # 3 frames of 3 tracks on a 32x16 source
    vis = np.ones((3, 3), bool)
    vis[0, 2] = False
    got = ati_tracks(pts, vis, (32, 16), (64, 32), 9)  # scaled x2; 9 frames: 6 past the tracks' end
    assert got.not_numbers == 2 and got.past_end == 6 and got.no_start == 2
    assert got.vis[:, 1:].sum() == 0 and got.vis[:, 0].tolist() == [1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert np.isfinite(got.pos).all() and np.allclose(got.pos[0, 0], [(16 - 32) / 16, (16 - 16) / 16])
    cond = torch.randn(1, 4 + 2, 3, 4, 8)
    out = ati_condition(cond, got, 5.0, 2)
    assert torch.equal(out[:, 4:, 2], cond[:, 4:, 2]) and out[:, :4, 2].abs().max() == 0  # no track past the end
    assert not torch.equal(out[:, 4:, 1], cond[:, 4:, 1])
    out_of_frame = ati_tracks(np.array([[[8, 8]], [[90, 8]]], np.float32), np.ones((2, 1), bool), (32, 16), (32, 16), 5)
    assert out_of_frame.outside == 1 and out_of_frame.vis[1, 0] == 1  # kept, as the reference keeps it


def test_a_thousand_frames_of_two_hundred_tracks_stay_bounded():
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 480, (1001, 200, 2)).astype(np.float32)
    got = ati_tracks(pts, np.ones((1001, 200), bool), (480, 480), (64, 64), 1001)
    out = ati_condition(torch.zeros(1, 20, 251, 8, 8), got)
    assert out.shape == (1, 20, 251, 8, 8) and torch.isfinite(out).all()


# -- the node ---------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def i2v_dir(tiny):
    return tiny("wan-i2v")


def test_the_node_equals_the_pipeline_fed_the_splatted_condition_on_both_calls(i2v_dir, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    g = _graph(i2v_dir, guidance=3.0, tracks_as="ati", ati_temperature=20.0, ati_topk=2)
    ex, pipe, seeds, orig_call = spied(monkeypatch, g, "i2v")
    made, said = render(ex, g)
    made = made.frames
    assert any(t.startswith("ATI: 2 tracks splat") for t in said)
    moved = ex.run(_graph(i2v_dir, guidance=3.0), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert not np.array_equal(made, moved)  # ATI is not Wan-Move
    got = ati_tracks(_keys().points, _keys().visible, (32, 32), (32, 32), 9)
    orig = pipe.prepare_latents

    def splatted(*a, **k):  # as the reference: one patched condition for both calls
        latents, cond = orig(*a, **k)
        return latents, ati_condition(cond, got, 20.0, 2)
    monkeypatch.setattr(pipe, "prepare_latents", splatted)
    direct = orig_call(pipe, image=to_pil(_still()), prompt="a dot", height=32, width=32, num_frames=9,
                       num_inference_steps=2, guidance_scale=3.0, output_type="pt",
                       generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    from diffusers.hooks import HookRegistry
    assert HookRegistry.check_if_exists_or_initialize(pipe.transformer).get_hook("studio_wan_ati") is None


def test_tracks_shorter_than_the_take_are_said(i2v_dir):
    from studio.core.values import Keypoints

    def short(_):
        k = _keys(5)
        pts = k.points.copy()
        pts[2, 1] = np.nan
        return Keypoints(pts, k.visible, 32, 32, 16.0)
    g = _graph(i2v_dir, tracks=False, tracks_as="ati")
    g.add_node(source("test.ati_short_tracks", "keypoints", "Keypoints", short), {}, node_id="tracks")
    g.connect("tracks", "keypoints", "gen", "tracks")
    said = " | ".join(render(Executor(), g)[1])
    assert "the tracks end 5 frames in: the last 4 frame(s) of the 9-frame take follow no track" in said
    assert "1 track position(s) that are not numbers were taken as hidden" in said
