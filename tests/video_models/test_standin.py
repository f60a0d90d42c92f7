"""Stand-In (issue 112): diffusers' Wan 2.1 T2V forward with Studio's processor and the reference's cached keys
against the release's joint forward written out here step for step (WeChatCV/Stand-In@cceec58
models/wan_video_dit.py: the video's and the reference's tokens in one sequence, the reference's at timestep 0
and frame -1, the low-rank terms on its q/k/v, the video attending to both, the reference to itself); the face
changing the output; determinism; a wrong file refused in words naming the node, from its header. Tiny random
models and files built here."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from nodes.video_models.families.wan.standin.standin import (StandInError, build_module, read_file,  # noqa: E402
                                                            reference_rotary, standin_applied)

HEADS, HEAD_DIM, LAYERS, RANK = 2, 12, 2, 4
DIM = HEADS * HEAD_DIM


def _transformer(seed=0):
    from diffusers import WanTransformer3DModel
    torch.manual_seed(seed)
    tr = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=HEADS, attention_head_dim=HEAD_DIM,
                               in_channels=16, out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32,
                               num_layers=LAYERS, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                               rope_max_seq_len=32)
    with torch.no_grad():  # diffusers zeroes nothing that matters here, but the output head starts small: scale up
        for p in tr.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    return tr.eval()


def _state(seed=1, layers=LAYERS, dim=DIM, rank=RANK, prefix="diffusion_model."):
    g = torch.Generator().manual_seed(seed)
    st = {}
    for i in range(layers):
        for p in "qkv":
            st[f"{prefix}blocks.{i}.self_attn.{p}_loras.down.weight"] = torch.randn(rank, dim, generator=g) * 0.3
            st[f"{prefix}blocks.{i}.self_attn.{p}_loras.up.weight"] = torch.randn(dim, rank, generator=g) * 0.3
    return st


def _file(tmp_path, name="standin.safetensors", **kw):
    from safetensors.torch import save_file
    path = str(tmp_path / name)
    save_file(_state(**kw), path)
    return path


def _inputs(seed=2, frames=2, h=4, w=6, face=4):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(1, 16, frames, h, w, generator=g), torch.randn(1, 7, 32, generator=g),
            torch.randn(1, 16, 1, face, face, generator=g))


def _with_standin(tr, module, latents, text, face, t=500.0, offset=1):
    grid = (latents.shape[3] // 2, latents.shape[4] // 2)
    with torch.no_grad(), standin_applied(tr, module, face, grid, offset) as ref:
        first = tr(latents, torch.tensor([t]), text, return_dict=False)[0]
        assert ref.made == LAYERS
        again = tr(latents, torch.tensor([t]), text, return_dict=False)[0]  # the kept keys: the same output
        assert ref.made == LAYERS and torch.equal(first, again)
    return first


def _release_forward(tr, lora, latents, text, face, t=500.0):
    """The release's WanModel.forward with ip_image, in diffusers' module names, written out (wan_video_dit.py:
    DiTBlock.forward, SelfAttention.forward's first call, the freqs of x_ip at frame -1, rows H.., columns W..)."""
    import torch.nn.functional as F
    with torch.no_grad():
        b, _, f, hh, ww = latents.shape
        fh, fw = hh // 2, ww // 2
        x = tr.patch_embedding(latents).flatten(2).transpose(1, 2)
        xi = tr.patch_embedding(face)
        ih, iw = xi.shape[3:]
        xi = xi.flatten(2).transpose(1, 2)
        n_main = x.shape[1]
        temb, proj, ctx, _ = tr.condition_embedder(torch.tensor([t]), text)
        _, proj0, _, _ = tr.condition_embedder(torch.tensor([0.0]), text)
        proj, proj0 = proj.unflatten(1, (6, -1)), proj0.unflatten(1, (6, -1))
        # complex rotary tables from position -1 (the release's precompute_freqs_cis: arange(-1, end))
        d = HEAD_DIM

        def table(dim, end=40):
            freqs = 1.0 / (10000 ** (torch.arange(0, dim, 2)[: dim // 2].double() / dim))
            return torch.polar(torch.ones(end + 1, dim // 2, dtype=torch.float64),
                               torch.outer(torch.arange(-1, end).double(), freqs))
        tf, th, tw = table(d - 4 * (d // 6)), table(2 * (d // 6)), table(2 * (d // 6))
        main = torch.cat([tf[1:f + 1].view(f, 1, 1, -1).expand(f, fh, fw, -1),
                          th[1:fh + 1].view(1, fh, 1, -1).expand(f, fh, fw, -1),
                          tw[1:fw + 1].view(1, 1, fw, -1).expand(f, fh, fw, -1)], -1).reshape(-1, d // 2)
        ip = torch.cat([tf[0].view(1, 1, 1, -1).expand(1, ih, iw, -1),
                        th[fh + 1:fh + 1 + ih].view(1, ih, 1, -1).expand(1, ih, iw, -1),
                        tw[fw + 1:fw + 1 + iw].view(1, 1, iw, -1).expand(1, ih, iw, -1)], -1).reshape(-1, d // 2)
        freqs = torch.cat([main, ip])

        def rope(z, fr):
            zc = torch.view_as_complex(z.double().reshape(*z.shape[:2], HEADS, -1, 2))
            return torch.view_as_real(zc * fr[None, :, None]).flatten(3).to(z.dtype)

        def attn(q, k, v):
            return F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2),
                                                  v.transpose(1, 2)).transpose(1, 2).flatten(2)
        for block, lb in zip(tr.blocks, lora.blocks):
            m = (block.scale_shift_table + proj).chunk(6, dim=1)
            mi = (block.scale_shift_table + proj0).chunk(6, dim=1)
            a = block.attn1
            xin = block.norm1(x) * (1 + m[1]) + m[0]
            iin = block.norm1(xi) * (1 + mi[1]) + mi[0]
            qm, km, vm = a.norm_q(a.to_q(xin)), a.norm_k(a.to_k(xin)), a.to_v(xin)
            qi = a.norm_q(a.to_q(iin) + lb.q_loras.up(lb.q_loras.down(iin)))
            ki = a.norm_k(a.to_k(iin) + lb.k_loras.up(lb.k_loras.down(iin)))
            vi = a.to_v(iin) + lb.v_loras.up(lb.v_loras.down(iin))
            sh = (1, -1, HEADS, HEAD_DIM)
            qm, km, vm = rope(qm.view(sh), freqs[:n_main]), rope(km.view(sh), freqs[:n_main]), vm.view(sh)
            qi, ki, vi = rope(qi.view(sh), freqs[n_main:]), rope(ki.view(sh), freqs[n_main:]), vi.view(sh)
            main_out = a.to_out[0](attn(qm, torch.cat([km, ki], 1), torch.cat([vm, vi], 1)))
            ip_out = a.to_out[0](attn(qi, ki, vi))
            x = x + main_out * m[2]
            x = x + block.attn2(block.norm2(x), ctx)
            x = x + block.ffn(block.norm3(x) * (1 + m[4]) + m[3]) * m[5]
            xi = xi + ip_out * mi[2]
            xi = xi + block.ffn(block.norm3(xi) * (1 + mi[4]) + mi[3]) * mi[5]
        from nodes.video_models.families.wan.own_pipeline import video_out
        return video_out(tr, x, temb, (f, fh, fw), False)[0]


def test_the_forward_matches_the_release_written_out(tmp_path):
    tr = _transformer()
    module = build_module(read_file(_file(tmp_path), DIM, LAYERS), LAYERS)
    latents, text, face = _inputs()
    got = _with_standin(tr, module, latents, text, face)
    want = _release_forward(tr, module, latents, text, face)
    assert got.shape == latents.shape
    assert torch.allclose(got, want, atol=1e-4), (got - want).abs().max()


def test_the_face_changes_the_output_and_the_processors_are_put_back(tmp_path):
    tr = _transformer()
    module = build_module(read_file(_file(tmp_path), DIM, LAYERS), LAYERS)
    latents, text, face = _inputs()
    with torch.no_grad():
        plain = tr(latents, torch.tensor([500.0]), text, return_dict=False)[0]
    one = _with_standin(tr, module, latents, text, face)
    other = _with_standin(tr, module, latents, text, _inputs(seed=9)[2])
    assert (one - plain).abs().max() > 1e-3
    assert (one - other).abs().max() > 1e-3
    with torch.no_grad():  # diffusers' processors back after the call: the plain output again
        again = tr(latents, torch.tensor([500.0]), text, return_dict=False)[0]
    assert torch.equal(again, plain)
    assert torch.equal(_with_standin(tr, module, latents, text, face), one)  # deterministic


def test_the_strength_and_the_frame_offset_are_read(tmp_path):
    tr = _transformer()
    state = read_file(_file(tmp_path), DIM, LAYERS)
    latents, text, face = _inputs()
    full = _with_standin(tr, build_module(state, LAYERS), latents, text, face)
    half = _with_standin(tr, build_module(state, LAYERS, strength=0.5), latents, text, face)
    far = _with_standin(tr, build_module(state, LAYERS), latents, text, face, offset=3)
    assert (full - half).abs().max() > 1e-4
    assert (full - far).abs().max() > 1e-4


def test_the_reference_rotary_is_frame_minus_one_past_the_video_grid():
    tr = _transformer()
    cos, sin = reference_rotary(tr.rope, (2, 3), (1, 2, 2), 1)
    t, h = tr.rope.t_dim, tr.rope.h_dim
    assert cos.shape == (1, 4, 1, HEAD_DIM)
    assert torch.equal(cos[0, 0, 0, :t], tr.rope.freqs_cos[1, :t])  # cos(-a) = cos(a)
    assert torch.equal(sin[0, 0, 0, :t], -tr.rope.freqs_sin[1, :t])  # sin(-a) = -sin(a)
    assert torch.equal(cos[0, 0, 0, t:t + h], tr.rope.freqs_cos[2, t:t + h])  # row H = 2
    assert torch.equal(cos[0, 3, 0, t + h:], tr.rope.freqs_cos[4, t + h:])  # last column: W + 1 = 4


def test_a_wrong_file_is_refused_in_words_naming_the_node(tmp_path):
    from safetensors.torch import save_file
    other = str(tmp_path / "lora.safetensors")
    save_file({"diffusion_model.blocks.0.self_attn.q.lora_A.weight": torch.zeros(4, DIM)}, other)
    with pytest.raises(StandInError, match="Stand-In: 'lora.safetensors' is not a Stand-In file"):
        read_file(other, DIM, LAYERS)
    with pytest.raises(StandInError, match="Stand-In: .*'blocks.0.self_attn.q_loras.down.weight' is \\[4, 24\\], "
                                           "a 40-wide model's is \\[4, 40\\]"):
        read_file(_file(tmp_path, "a.safetensors"), 40, LAYERS)
    with pytest.raises(StandInError, match="more blocks than the model's 1"):
        read_file(_file(tmp_path, "b.safetensors"), DIM, 1)
    with pytest.raises(StandInError, match="lacks 6 of the 18"):
        read_file(_file(tmp_path, "c.safetensors"), DIM, 3)
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x00" * 16)
    with pytest.raises(StandInError, match="cannot be read as safetensors"):
        read_file(str(broken), DIM, LAYERS)


def test_the_release_names_without_a_prefix_read_too(tmp_path):
    a = read_file(_file(tmp_path, "a.safetensors", prefix=""), DIM, LAYERS)
    b = read_file(_file(tmp_path, "b.safetensors"), DIM, LAYERS)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# -- the node -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def node_models(tmp_path_factory, tiny):
    from safetensors.torch import save_file
    d = tmp_path_factory.mktemp("standin")
    save_file(_state(3), str(d / "standin.safetensors"))
    return tiny("wan-t2v"), str(d / "standin.safetensors")


FACES: dict = {}


def _face(params):
    return FACES[params.name]


def _node_graph(model_dir, path, face="a", **p):
    from studio.core.params import String

    from tests.sources import source

    from .graphs import model_graph
    return model_graph(model_dir, "video_models.standin", {"standin": path, "width": 32, "height": 32, "frames": 5,
                       "steps": 2, "guidance": 2.0, "prompt": "a face", "face_size": 32, "previews": False,
                       "preview_size": "off", **p},
                       face=(source("test.standin_face", "image", "Image", _face, (String("name", "a"),)), "image",
                             {"name": face}))


def _run(g):
    from studio.engine.executor import Executor
    return Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")


def test_the_node_keeps_the_face_it_is_given_and_is_deterministic(node_models):
    import numpy as np
    model_dir, path = node_models
    g = np.random.default_rng(0)
    FACES.update(a=g.random((40, 24, 3), dtype=np.float32) * 0.2, b=1 - g.random((40, 24, 3), dtype=np.float32) * 0.2)
    one = _run(_node_graph(model_dir, path, strength=10.0))
    assert one.n_frames == 5 and (one.width, one.height) == (32, 32)
    again = _run(_node_graph(model_dir, path, strength=10.0))
    other = _run(_node_graph(model_dir, path, face="b", strength=10.0))
    assert np.array_equal(one.frames, again.frames)
    assert not np.allclose(one.frames, other.frames, atol=1e-4)
    weaker = _run(_node_graph(model_dir, path, strength=0.0))  # the kept weights given this run's strength
    assert not np.allclose(one.frames, weaker.frames, atol=1e-4)


def test_the_node_refuses_a_wrong_file_and_an_image_model_in_words(node_models, tmp_path, tiny):
    from safetensors.torch import save_file

    from studio.core.errors import StudioError
    model_dir, path = node_models
    FACES.setdefault("a", __import__("numpy").ones((8, 8, 3), "float32"))
    wrong = str(tmp_path / "other.safetensors")
    save_file({"diffusion_model.blocks.0.self_attn.q.lora_A.weight": torch.zeros(4, DIM)}, wrong)
    with pytest.raises(StudioError, match="Stand-In: 'other.safetensors' is not a Stand-In file"):
        _run(_node_graph(model_dir, wrong))
    with pytest.raises(StudioError, match="Stand-In: model .* is not Wan 2.1 T2V"):
        _run(_node_graph(tiny("wan-i2v"), path))
    with pytest.raises(StudioError, match="Stand-In: model .* has two experts"):
        _run(_node_graph(tiny("wan22-a14b"), path))
    with pytest.raises(StudioError, match="Stand-In: 'face_size' 40 must be a multiple of 16"):
        _run(_node_graph(model_dir, path, face_size=40))


def test_a_bfloat16_model_runs_with_the_float32_weights_close_to_float32(tmp_path):
    tr = _transformer()
    module = build_module(read_file(_file(tmp_path), DIM, LAYERS), LAYERS)
    latents, text, face = _inputs()
    want = _with_standin(tr, module, latents, text, face)
    half = tr.to(torch.bfloat16)
    got = _with_standin(half, module, latents.bfloat16(), text.bfloat16(), face)  # the face latent left in float32
    assert got.dtype == torch.bfloat16
    assert (got.float() - want).abs().max() < 0.1 * want.abs().max()


def test_the_node_is_listed_among_the_models_studio_reads():
    from studio.core.registry import default_registry
    rows = [r for r in default_registry().model_families() if r["name"].startswith("Stand-In")]
    assert len(rows) == 1 and rows[0]["tasks"] == ["text and face to video"]
