"""SeedVR2's pipeline maths by hand (the resolution shift, the one step, temporal windows and their
cross-fade, the colour fixes) and SeedVR2 Upscale end to end on a tiny DiT and a tiny VAE written
as safetensors in the release's names: its frames equal the pipeline run directly, window by window,
cross-faded; bad input refused in words before anything is loaded."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from nodes.finishing.seedvr2 import color_fix, pipeline
from nodes.finishing.seedvr2.dit import CONFIG_3B, SeedVR2DiT
from nodes.finishing.seedvr2.vae import SeedVR2VAE, load_vae
from nodes.finishing.seedvr2_upscale import SeedVR2Error, SeedVR2Upscale
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

TINY = dict(CONFIG_3B, vid_dim=48, heads=2, head_dim=24, num_layers=2, mm_layers=1, txt_in_dim=20, rope_dim=24)
TINY_VAE = dict(block_out_channels=[32, 32, 32, 32], layers_per_block=1)  # the loader reads 32 norm groups


def test_resolution_shift_by_hand():
    # 720p, 145 frames: the line's upper end, shift 5: t = 500 -> 1000 * 5 * 0.5 / (1 + 4 * 0.5)
    t = pipeline.timestep_shift(torch.tensor(500.0), (37, 90, 160))
    assert math.isclose(float(t), 1000 * 2.5 / 3, rel_tol=1e-5)
    # one 1024^2 frame: the image line's upper end, shift 3.2
    t = pipeline.timestep_shift(torch.tensor(500.0), (1, 128, 128))
    assert math.isclose(float(t), 1000 * 1.6 / 2.1, rel_tol=1e-5)  # 3.2 * 0.5 / (1 + 2.2 * 0.5)
    # the one step's timestep: trailing [1000], which every shift leaves at 1000; the condition's 0 stays 0
    assert pipeline.sampling_timesteps(1).tolist() == [1000.0]
    assert pipeline.sampling_timesteps(4).tolist() == [1000.0, 750.0, 500.0, 250.0]
    assert float(pipeline.timestep_shift(torch.tensor(1000.0), (21, 90, 160))) == pytest.approx(1000.0)
    assert float(pipeline.timestep_shift(torch.tensor(0.0), (21, 90, 160))) == 0.0


def test_one_step_is_noise_minus_velocity():
    torch.manual_seed(0)
    dit = SeedVR2DiT(TINY).eval()
    noise, latent, txt = torch.randn(2, 4, 6, 16), torch.randn(2, 4, 6, 16), torch.randn(3, 20)
    with torch.no_grad():
        x0 = pipeline.one_step(dit, noise, latent, txt)
        v = dit(torch.cat([noise, latent, torch.ones(2, 4, 6, 1)], -1), txt, 1000.0)
    assert torch.allclose(x0, noise - v)


def test_chunks_and_crossfade_by_hand():
    assert pipeline.chunks(7, 5, 2) == [(0, 5), (3, 7)]
    assert pipeline.chunks(20, 9, 3) == [(0, 9), (6, 15), (12, 20)]
    assert pipeline.chunks(4, 9, 3) == [(0, 4)]
    assert np.allclose(pipeline.blend_weights((0, 5), (3, 7)), [1 / 3, 2 / 3])
    assert pipeline.pad_4k1(torch.zeros(3, 7, 2, 2)).shape[1] == 9
    assert pipeline.pad_4k1(torch.zeros(3, 2, 2, 2)).shape[1] == 5
    assert pipeline.work_size(320, 180, 640, 360) == (640, 360, 640, 352)


def test_colour_fixes_by_hand():
    delta = torch.zeros(1, 1, 9, 9)
    delta[0, 0, 4, 4] = 1
    b = color_fix.blur(delta, 2)  # the binomial kernel spread 2 pixels apart
    assert b[0, 0, 4, 4] == pytest.approx(0.25) and b[0, 0, 4, 6] == pytest.approx(0.125)
    assert b[0, 0, 2, 2] == pytest.approx(0.0625) and b[0, 0, 4, 5] == 0
    # wavelet: a flat output takes the reference's low frequencies; the output's details stay
    ref = torch.full((1, 3, 16, 16), 0.3)
    out = torch.full((1, 3, 16, 16), -0.5)
    assert torch.allclose(color_fix.wavelet(out, ref), ref)
    x = torch.randn(1, 3, 16, 16)
    hi, lo = color_fix.decompose(x)
    assert torch.allclose(hi + lo, x) and lo.std() < 0.5 * x.std()  # the low part is smooth
    # adain: [0, 2] (mean 1, std sqrt(2 + eps)) onto [10, 14] (mean 12, std sqrt(8 + eps))
    o = torch.tensor([0.0, 2.0]).view(1, 1, 1, 2)
    r = torch.tensor([10.0, 14.0]).view(1, 1, 1, 2)
    want = (o - 1) / math.sqrt(2 + 1e-5) * math.sqrt(8 + 1e-5) + 12
    assert torch.allclose(color_fix.adain(o, r), want)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("seedvr2")
    torch.manual_seed(0)
    dit = SeedVR2DiT(TINY)
    for prm in dit.parameters():
        torch.nn.init.normal_(prm, std=0.05)
    sd = {k: v.contiguous() for k, v in dit.state_dict().items()}
    text = dict(positive_conditioning=torch.randn(5, 20), negative_conditioning=torch.randn(6, 20))
    save_file(dict(sd, **text), str(d / "dit.safetensors"))
    save_file(sd, str(d / "dit_no_text.safetensors"))
    save_file(dict({k: v.to(torch.int8) if k.endswith("proj_qkv.vid.weight") else v for k, v in sd.items()},
                   positive_conditioning=torch.randn(5, 20)), str(d / "dit_int8_unmarked.safetensors"))
    save_file(_int8_convrot(sd, text=text),
              str(d / "seedvr2_3b_int8_convrot.safetensors"))
    vae = SeedVR2VAE(TINY_VAE)
    save_file({k: v.contiguous() for k, v in vae.state_dict().items()}, str(d / "vae.safetensors"))
    return d


def _int8_convrot(sd: dict, text: dict) -> dict:
    """``sd`` as ComfyUI writes its int8 DiT: every 2-D weight int8 with a float scale per row and its
    comfy_quant marker, rotated by groups of 16 input channels where they divide (the tiny model's
    widths; the real file's groups are 256), the rest (norms, biases) as they are."""
    from nodes.video_models.files.comfy_int8 import marker, quantise
    out = dict(text)
    for k, v in sd.items():
        if k.endswith(".weight") and v.dim() == 2 and v.shape[1] >= 16:
            group = 16 if v.shape[1] % 16 == 0 else 0
            q = quantise(v, group)
            layer = k[: -len(".weight")]
            out.update({k: q.data, layer + ".weight_scale": q.scale.float(), layer + ".comfy_quant": marker(group)})
        else:
            out[k] = v
    return out


def _clip(n=7, h=16, w=16):
    return ArrayClip(np.random.default_rng(3).random((n, h, w, 3), dtype=np.float32), 24.0)


def _params(files, **kw):
    return dict(dict(model=str(files / "dit.safetensors"), vae=str(files / "vae.safetensors"), scale=1.0,
                     window=5, overlap=2, color_fix="wavelet"), **kw)


def test_node_equals_pipeline_windows_crossfaded(files):
    from nodes.finishing.seedvr2 import dit_files
    from studio.engine.context import Context
    clip = _clip()
    rec = Recorder()
    out = run_node(SeedVR2Upscale, _params(files), runtime=rec, video=clip)
    assert (len(out), out.width, out.height) == (7, 16, 16)
    got = out.chunk(0, 7)
    # the same windows run directly: the node's seeds (its context's generator, salt = window index)
    dit, text = dit_files.load_dit(str(files / "dit.safetensors"), torch.float32)
    vae = load_vae(str(files / "vae.safetensors"), torch.float32)
    ctx = Context("n1", "t", {}, 1234, torch.device("cpu"), rec)
    frames = clip.chunk(0, 7)
    size = pipeline.work_size(16, 16, 16, 16)
    w = [pipeline.restore(dit, vae, frames[a:b], size, text["positive"], ctx.torch_generator("cpu", salt=k),
                          "wavelet", "cpu", torch.float32) for k, (a, b) in enumerate([(0, 5), (3, 7)])]
    blend = [(1 - 1 / 3) * w[0][3] + (1 / 3) * w[1][0], (1 - 2 / 3) * w[0][4] + (2 / 3) * w[1][1]]
    want = np.concatenate([w[0][:3], np.stack(blend), w[1][2:]])
    assert np.allclose(got, want, atol=1e-5)
    assert got.min() >= 0 and got.max() <= 1 and got.std() > 0.01
    assert sorted(out.kept) == [0, 1]  # bounded: the window being read and the one before it
    assert any("SeedVR2 3B" in m and "2 window(s)" in m for m in rec.messages())


def test_vae_tiles_reach_the_vae(files):
    from nodes.finishing.seedvr2 import dit_files
    from studio.engine.context import Context
    clip, rec = _clip(n=1, h=16, w=32), Recorder()
    got = run_node(SeedVR2Upscale, _params(files, vae_tile=16, vae_overlap=8), runtime=rec, video=clip).chunk(0, 1)
    dit, text = dit_files.load_dit(str(files / "dit.safetensors"), torch.float32)
    vae = load_vae(str(files / "vae.safetensors"), torch.float32)
    g = lambda: Context("n1", "t", {}, 1234, torch.device("cpu"), rec).torch_generator("cpu", salt=0)
    args = (dit, vae, clip.chunk(0, 1), pipeline.work_size(32, 16, 32, 16), text["positive"])
    tiled = pipeline.restore(*args, g(), "wavelet", "cpu", torch.float32, tile=16, overlap=8)
    whole = pipeline.restore(*args, g(), "wavelet", "cpu", torch.float32)
    assert np.allclose(got, tiled, atol=1e-6) and not np.allclose(got, whole, atol=1e-4)
    assert any("VAE tiles of 16 px" in m for m in rec.messages())


def test_long_clip_streams_with_two_windows_kept(files):
    out = run_node(SeedVR2Upscale, _params(files, color_fix="adain"), video=_clip(n=11))
    seen = []
    for i in range(11):
        out.chunk(i, i + 1)
        seen.append(sorted(out.kept))
    assert out.windows == [(0, 5), (3, 8), (6, 11)]
    assert max(len(k) for k in seen) == 2 and seen[-1] == [1, 2]


def test_bad_input_refused_in_words(files):
    clip = _clip()
    with pytest.raises(SeedVR2Error, match="'window' is 6 frames"):
        run_node(SeedVR2Upscale, _params(files, window=6), video=clip)
    with pytest.raises(SeedVR2Error, match="VAE tiles of 100 px"):
        run_node(SeedVR2Upscale, _params(files, vae_tile=100), video=clip)
    with pytest.raises(SeedVR2Error, match="no SeedVR2 VAE chosen"):
        run_node(SeedVR2Upscale, _params(files, vae=""), video=clip)
    with pytest.raises(SeedVR2Error, match="holds no text embedding.*pickle Studio never opens"):
        run_node(SeedVR2Upscale, _params(files, model=str(files / "dit_no_text.safetensors")), video=clip)
    # the embedding taken from another file (ComfyUI's int8 DiT holds it): read there as data only
    out = run_node(SeedVR2Upscale, _params(files, model=str(files / "dit_no_text.safetensors"), window=9,
                                          text_embeddings=str(files / "seedvr2_3b_int8_convrot.safetensors")),
                   video=_clip(n=1))
    assert out.chunk(0, 1).shape == (1, 16, 16, 3)
    with pytest.raises(SeedVR2Error, match="int8 weights with no comfy_quant marker"):
        run_node(SeedVR2Upscale, _params(files, model=str(files / "dit_int8_unmarked.safetensors")), video=clip)
    with pytest.raises(SeedVR2Error, match="not a SeedVR2 DiT file"):
        run_node(SeedVR2Upscale, _params(files, model=str(files / "vae.safetensors")), video=clip)


def test_preflight_reads_the_header_only(files):
    assert SeedVR2Upscale.preflight(_params(files), None) == []
    assert SeedVR2Upscale.preflight(_params(files, model=str(files / "seedvr2_3b_int8_convrot.safetensors")), None) == []
    why = SeedVR2Upscale.preflight(_params(files, model=str(files / "dit_int8_unmarked.safetensors")), None)
    assert len(why) == 1 and "int8 weights with no comfy_quant marker" in why[0]
    assert "no SeedVR2 DiT chosen" in SeedVR2Upscale.preflight(_params(files, model=""), None)[0]


def test_families_record():
    rec = SeedVR2Upscale.model_families()[0]
    assert rec["kind"] == "upscaler" and rec["family"] == "seedvr2" and rec["tasks"] == ["upscale"]


def test_comfyuis_int8_convrot_dit_reads_as_the_plain_one(files):
    """ComfyUI's int8 'convrot' DiT (seedvr2_3b_int8_convrot's layout) is read, each layer made plain as
    it is read: its weights equal the plain file's within int8 rounding, its frames close to them."""
    from nodes.finishing.seedvr2 import dit_files
    plain, _ = dit_files.load_dit(str(files / "dit.safetensors"), torch.float32)
    int8, text = dit_files.load_dit(str(files / "seedvr2_3b_int8_convrot.safetensors"), torch.float32)
    assert set(text) == {"positive", "negative"}
    ps, qs = plain.state_dict(), int8.state_dict()
    assert ps.keys() == qs.keys()
    worst = max(float((qs[k] - ps[k]).abs().max() / ps[k].abs().max().clamp(min=1e-8)) for k in ps)
    assert 0 < worst < 0.02  # rounded to int8 (so not equal), within a step of each row's scale
    clip = _clip(n=1)
    a = run_node(SeedVR2Upscale, _params(files, window=9), video=clip).chunk(0, 1)
    rec = Recorder()
    b = run_node(SeedVR2Upscale, _params(files, model=str(files / "seedvr2_3b_int8_convrot.safetensors"), window=9),
                 video=clip, runtime=rec).chunk(0, 1)
    assert any("int8 'convrot' layers made plain" in m for m in rec.messages())
    assert np.abs(a - b).max() < 0.05
