"""SeedVR2's DiT: the windows, the rotary angles and the one-step maths against hand-computed
cases of the release's formulas; a tiny DiT (reduced 3B and 7B configs) against a transcription of
the release's forward (seedvr2_reference.py); the real configs' shapes on the meta device; the file
reader's config from shapes and its refusals."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import math

import pytest
import torch

from nodes.finishing.seedvr2 import dit as D
from nodes.finishing.seedvr2 import dit_files
from studio.core.errors import ModelError
from tests.finishing import seedvr2_reference as R

TINY_3B = dict(D.CONFIG_3B, vid_dim=48, heads=2, head_dim=24, num_layers=4, mm_layers=2, txt_in_dim=20, rope_dim=24)
TINY_7B = dict(D.CONFIG_7B, vid_dim=48, heads=2, head_dim=24, num_layers=3, mm_layers=3, txt_in_dim=20, rope_dim=12)


def test_windows_at_720p_grid_match_hand_counts():
    # the 3B's latent grid at 720p after 2x2 patches: 45 x 80; 21 frames (81 input frames)
    w = D.windows_720p((21, 45, 80), (4, 3, 3))
    # scale 1: wh = ceil(45/3) = 15, ww = ceil(80/3) = 27, wt = ceil(21/4) = 6 -> 4 x 3 x 3 windows
    assert len(w) == 36
    assert w[0] == (slice(0, 6), slice(0, 15), slice(0, 27))
    assert w[1] == (slice(6, 12), slice(0, 15), slice(0, 27))  # time innermost
    assert w[-1] == (slice(18, 21), slice(30, 45), slice(54, 80))
    s = D.windows_720p_shifted((21, 45, 80), (4, 3, 3))
    # shifted by half a window: t edges 0,3,9,15,21; h 0,7,22,37,45; w 0,13,40,67,80
    assert len(s) == 4 * 4 * 4
    assert s[0] == (slice(0, 3), slice(0, 7), slice(0, 13))
    assert s[1] == (slice(3, 9), slice(0, 7), slice(0, 13))
    assert s[-1] == (slice(15, 21), slice(37, 45), slice(67, 80))


def test_windows_cover_every_token_once_and_match_the_release():
    for size in ((1, 4, 6), (5, 9, 7), (3, 45, 80), (12, 23, 40)):
        for ours, ref in ((D.windows_720p, R.win), (D.windows_720p_shifted, R.swin)):
            got = ours(size, (4, 3, 3))
            assert got == ref(size, (4, 3, 3))
            seen = torch.zeros(size, dtype=torch.int32)
            for s in got:
                seen[s] += 1
            assert bool((seen == 1).all())


def test_windows_scale_to_720p_area():
    # a 9 x 16 grid is scaled up to 45 x 80 when counting: wh = ceil(45/3) = 15 > 9 -> one row of windows
    w = D.windows_720p((1, 9, 16), (4, 3, 3))
    assert {(s[1].start, s[1].stop) for s in w} == {(0, 9)} and len(w) == 1


def test_rotary_lang_and_pixel_by_hand():
    f = D.rope_base_freqs(6, "lang")
    assert torch.allclose(f, torch.tensor([1.0, 10000 ** (-2 / 6), 10000 ** (-4 / 6)]))
    p = D.rope_base_freqs(6, "pixel")
    assert torch.allclose(p, torch.tensor([1.0, 64.5, 128.0]) * math.pi)
    a = D.axial_angles((2, 3, 1), f, "lang")  # [2, 3, 1, 18]: t angles, h angles, w angles
    assert a.shape == (2, 3, 1, 18)
    assert torch.allclose(a[1, 2, 0, :6], torch.tensor([1.0, 1.0, f[1], f[1], f[2], f[2]]))
    assert torch.allclose(a[1, 2, 0, 6:12], 2 * torch.tensor([1.0, 1.0, f[1], f[1], f[2], f[2]]))
    assert torch.all(a[..., 12:] == 0)
    b = D.axial_angles((3,), p, "pixel")  # positions linspace(-1, 1, 3) = -1, 0, 1
    assert torch.allclose(b[0, :2], -p[0].repeat(2)) and torch.all(b[1] == 0)
    # one pair rotated by 90 degrees, the features past the rotated ones kept
    x = torch.tensor([[1.0, 0.0, 5.0]])
    y = D.apply_rotary(torch.tensor([[math.pi / 2, math.pi / 2]]), x)
    assert torch.allclose(y, torch.tensor([[0.0, 1.0, 5.0]]), atol=1e-6)


def test_rotary_matches_release_axial_freqs():
    f = R.rot_freqs(42, "lang")
    ref = R.get_axial_freqs(f, "lang", 128, 32, 32)[58:58 + 3, :5, :7]
    ours = D.axial_angles((58 + 3, 5, 7), D.rope_base_freqs(42, "lang"), "lang")[58:]
    assert torch.allclose(ours, ref)
    pf = R.rot_freqs(21, "pixel")
    assert torch.allclose(D.axial_angles((3, 4, 5), D.rope_base_freqs(21, "pixel"), "pixel"),
                          R.get_axial_freqs(pf, "pixel", 3, 4, 5))


@pytest.mark.parametrize("cfg", [TINY_3B, TINY_7B], ids=["3B", "7B"])
@pytest.mark.parametrize("grid", [(1, 8, 12), (3, 10, 14)])
def test_tiny_dit_equals_transcription(cfg, grid):
    torch.manual_seed(0)
    m = D.SeedVR2DiT(cfg)
    for p in m.parameters():
        torch.nn.init.normal_(p, std=0.3)
    T, H, W = grid
    vid, txt = torch.randn(T, H, W, 33), torch.randn(5, 20)
    with torch.no_grad():
        ours = m(vid, txt, 1000.0)
        ref = R.nadit_forward(m, vid, txt, 1000.0)
    assert ours.shape == (T, H, W, 16)
    err = (ours - ref).abs().max() / ref.abs().max()  # float32 noise only (outputs reach 1e3 here)
    assert err < 1e-5, err
    assert ref.abs().max() > 1


def test_out_norm_reads_the_attn_slice():
    """The 3B's vid_out_ada uses the time embedding's 'attn' slice (the release's cache), so the
    'mlp' slice must not change the output but the 'attn' slice must."""
    torch.manual_seed(1)
    m = D.SeedVR2DiT(dict(TINY_3B, num_layers=2, mm_layers=1))
    for p in m.parameters():
        torch.nn.init.normal_(p, std=0.3)
    x = torch.randn(64, 48)
    emb = torch.randn(6 * 48)
    e = emb.view(48, 2, 3)[:, 0]
    want = x * (e[:, 1] + m.vid_out_ada.out_scale) + (e[:, 0] + m.vid_out_ada.out_shift)
    cache: dict = {}
    P = {k: v for k, v in m.state_dict().items()}
    R.ada(P, "blocks.0.ada.vid", "vid", torch.zeros_like(x), emb[None], "attn", "in", cache, 64)
    got = R.ada(P, "vid_out_ada", "vid", x, emb[None], "out", "in", cache, 64)
    assert torch.allclose(got, want, atol=1e-6)


@pytest.mark.parametrize("cfg,params,keys", [(D.CONFIG_3B, 3_391_475_776, 603), (D.CONFIG_7B, 8_239_607_872, 1092)],
                         ids=["3B", "7B"])
def test_real_configs_on_meta(cfg, params, keys):
    with meta_device():
        m = D.SeedVR2DiT(cfg)
    sd = m.state_dict()
    assert sum(p.numel() for p in m.parameters()) == params and len(sd) == keys
    d = cfg["vid_dim"]
    assert sd["vid_in.proj.weight"].shape == (d, 33 * 4)
    assert sd["txt_in.weight"].shape == (d, 5120)
    assert sd["emb_in.proj_out.weight"].shape == (6 * d, d)
    assert sd["vid_out.proj.weight"].shape == (16 * 4, d)
    if cfg is D.CONFIG_3B:
        assert sd["blocks.9.attn.proj_qkv.vid.weight"].shape == (3 * 2560, 2560)
        assert sd["blocks.10.attn.proj_qkv.all.weight"].shape == (3 * 2560, 2560)
        assert sd["blocks.0.mlp.vid.proj_in_gate.weight"].shape == (6912, 2560)  # 2/3 * 4 * 2560 up to 256
        assert "vid_out_norm.weight" in sd and "blocks.31.mlp.all.proj_in.weight" in sd
    else:
        assert sd["blocks.35.mlp.txt.proj_in.weight"].shape == (4 * 3072, 3072)
        assert not any(".all." in k for k in sd) and "vid_out_norm.weight" not in sd
    shapes = {k: tuple(v.shape) for k, v in sd.items()}
    got = dit_files.config_from_shapes(shapes)
    assert {k: got[k] for k in cfg if k != "window"} == {k: cfg[k] for k in cfg if k != "window"}


def test_config_from_shapes_refuses_another_file():
    with pytest.raises(ModelError, match="not a SeedVR2 DiT file.*lacks"):
        dit_files.config_from_shapes({"encoder.conv_in.weight": (128, 3, 3, 3, 3)}, "vae.safetensors")

