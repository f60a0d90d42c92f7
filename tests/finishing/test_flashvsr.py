"""FlashVSR Upscale on tiny random models built from configs and written as the release's files (a Wan
DiT in the original layout, LQ_proj_in.ckpt and posi_prompt.pth saved by torch, a TCDecoder
.safetensors): x4 shapes, the clip and the version changing the output, determinism, the stream's
memory bounded on a long clip, frames asked again remade the same, and a wrong file refused in words
before anything is loaded; the attention's block mask and the pieces' shapes by hand."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from nodes.finishing.flashvsr import attention as A
from nodes.finishing.flashvsr import files, pipeline
from nodes.finishing.flashvsr.lq_proj import LQProjection
from nodes.finishing.flashvsr.tc_decoder import TCDecoder
from nodes.finishing.flashvsr_upscale import FlashVSRError, FlashVSRUpscale
from nodes.video_models.families.wan_s2v.convert import original_name
from studio.engine.clip import ArrayClip
from tests.node_run import run_node

DIT = dict(patch_size=(1, 2, 2), num_attention_heads=1, attention_head_dim=128, in_channels=16, out_channels=16,
           text_dim=32, freq_dim=256, ffn_dim=64, num_layers=2)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from diffusers import WanTransformer3DModel
    d = tmp_path_factory.mktemp("flashvsr")
    torch.manual_seed(0)
    dit = WanTransformer3DModel(**DIT)
    for prm in dit.parameters():
        prm.data = torch.randn_like(prm) * 0.2
    save_file({original_name(k): v.contiguous() for k, v in dit.state_dict().items()}, str(d / "dit.safetensors"))
    lq = LQProjection(128, hidden1=16, hidden2=16, layers=1)
    torch.save(lq.state_dict(), d / "LQ_proj_in.ckpt")
    dec = TCDecoder((8, 8, 8, 8))
    for prm in dec.parameters():
        prm.data = torch.randn_like(prm) * 0.15
    dec.decoder[26].bias.data.fill_(0.5)  # frames about mid-grey, not clamped to 0
    save_file({k: v.contiguous() for k, v in dec.state_dict().items()}, str(d / "tcdecoder.safetensors"))
    torch.save(torch.randn(1, 5, 32), d / "posi_prompt.pth")
    return d


def _params(d, **kw):
    p = {"dit": str(d / "dit.safetensors"), "lq_projection": str(d / "LQ_proj_in.ckpt"),
         "decoder": str(d / "tcdecoder.safetensors"), "prompt": str(d / "posi_prompt.pth")}
    p.update(kw)
    return p


def _clip(n=22, h=24, w=32, seed=3):
    return ArrayClip(np.random.default_rng(seed).random((n, h, w, 3), dtype=np.float32), 24.0)


def test_plan_and_sizes_by_hand():
    assert pipeline.plan(21) == (25, 1)  # 21 frames out of one step
    assert pipeline.plan(22) == (33, 2)  # 29 out, 22 kept: no input frame dropped
    assert pipeline.plan(5) == (25, 1)  # a short clip padded with its last frame
    assert pipeline.plan(100) == (105, 11) and 105 - 4 >= 100
    assert pipeline.work_size(96, 128) == (128, 128) and pipeline.work_size(1920, 1080) == (1920, 1152)


def test_block_mask_by_hand():
    near = A.local_mask(1, 4, 3)  # four blocks in a row, each sees itself and its neighbours
    assert near.int().tolist() == [[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1]]
    torch.manual_seed(0)
    q, k = torch.randn(4, 128, 8), torch.randn(4, 128, 8)
    m = A.block_mask(q, k, 1, 4, near, topk=3)
    assert m.sum() == 3 and not (m & ~near).any()  # the top 3 of the whole matrix, only among neighbours
    full = A.block_mask(q, k, 1, 4, near, topk=100)
    assert torch.equal(full[0], near)  # a large top-k: every neighbour
    v = torch.randn(4, 128, 8)
    dense = torch.nn.functional.scaled_dot_product_attention(q.reshape(1, 512, 8), k.reshape(1, 512, 8),
                                                             v.reshape(1, 512, 8))
    got = A.attend(q, k, v, 1, torch.ones(1, 4, 4, dtype=torch.bool))
    assert torch.allclose(got.reshape(1, 512, 8), dense, atol=1e-5)
    none = torch.zeros(1, 4, 4, dtype=torch.bool)
    none[0, 0, 0] = True
    out = A.attend(q, k, v, 1, none)
    assert out[1:].abs().max() == 0 and out[0].abs().max() > 0  # a query block given no key block: zeros


def test_kernel_path_matches_the_dense_equivalent(monkeypatch):
    # the CUDA kernel's call (the release's layout: [tokens, heads, d], cu_seqlens, one mask type a head,
    # the block mask [1, heads, nq, nk]) checked on the CPU by a stand-in computing it token by token
    def stand_in(q, k, v, cu_q, cu_k, head_types, streaming, blockmask, max_q, max_k, p, **kw):
        assert cu_q.tolist() == [0, q.shape[0]] and cu_k.tolist() == [0, k.shape[0]] and p == 0.0
        assert head_types.tolist() == [1] * q.shape[1] and streaming is None and max_q == q.shape[0]
        m = blockmask[0].repeat_interleave(128, 1).repeat_interleave(128, 2)  # [heads, Lq, Lk]
        s = torch.einsum("qhd,khd->hqk", q, k) / q.shape[-1] ** 0.5
        w = s.masked_fill(~m, float("-inf")).softmax(-1).nan_to_num(0.0)
        return torch.einsum("hqk,khd->qhd", w, v)
    torch.manual_seed(1)
    q, k, v = torch.randn(4, 128, 16), torch.randn(6, 128, 16), torch.randn(6, 128, 16)
    mask = A.block_mask(q, k, 2, 2, A.local_mask(1, 2, 1), topk=5)
    dense = A.attend(q, k, v, 2, mask)
    monkeypatch.setattr(A, "kernel", lambda device: stand_in)
    assert torch.allclose(A.attend(q, k, v, 2, mask), dense, atol=1e-5)


def test_lq_projection_and_decoder_shapes():
    torch.manual_seed(0)
    p11 = LQProjection(24, 16, 16, 1, version="1.1")
    p10 = LQProjection(24, 16, 16, 1, version="1.0")
    p10.load_state_dict(p11.state_dict())
    v = torch.rand(1, 3, 9, 64, 32) * 2 - 1
    assert p11.step(v[:, :, :1]) is None and p10.step(v[:, :, :1]) is None
    a, b = p11.step(v[:, :, 1:5])[0], p10.step(v[:, :, 1:5])[0]
    assert a.shape == (1, 4 * 2, 24)  # 4 frames -> 1 token frame, 64x32 / 16 -> 4x2 tokens
    assert not torch.allclose(a, b)  # the versions' caches differ
    dec = TCDecoder((8, 8, 8, 8))
    y = dec.decode(torch.randn(1, 6, 16, 4, 4), torch.rand(1, 3, 21, 32, 32))
    assert y.shape == (1, 21, 3, 32, 32)  # 6 latents -> 24 frames, the first call's 3 trimmed
    assert dec.decode(torch.randn(1, 2, 16, 4, 4), torch.rand(1, 3, 8, 32, 32)).shape == (1, 8, 3, 32, 32)


def test_x4_shapes_clip_and_version_change_output_determinism(tiny):
    clip = _clip()
    out = run_node(FlashVSRUpscale, _params(tiny), video=clip)
    assert (len(out), out.width, out.height) == (22, 128, 96)
    a = out.chunk(0, 22)
    assert a.shape == (22, 96, 128, 3) and 0 <= a.min() and a.max() <= 1
    again = run_node(FlashVSRUpscale, _params(tiny), video=clip).chunk(0, 22)
    assert np.array_equal(a, again)
    other = run_node(FlashVSRUpscale, _params(tiny), video=_clip(seed=4)).chunk(0, 22)
    assert np.abs(other - a).mean() > 1e-3
    v10 = run_node(FlashVSRUpscale, _params(tiny, version="1.0"), video=clip).chunk(0, 22)
    assert np.abs(v10 - a).mean() > 1e-4
    nofix = run_node(FlashVSRUpscale, _params(tiny, color_fix="none"), video=clip).chunk(0, 22)
    assert np.abs(nofix - a).mean() > 1e-4


def _models(tiny):
    cfg, mapping = files.dit_plan(str(tiny / "dit.safetensors"))[:2]
    model = files.load_dit(str(tiny / "dit.safetensors"), cfg, mapping, torch.float32, "cpu")
    lq = files.build_lq(files.lq_state(str(tiny / "LQ_proj_in.ckpt"), "", {})[0], "x", "1.1", 128, "cpu",
                        torch.float32)
    dec = files.build_decoder(str(tiny / "tcdecoder.safetensors"), 16, "cpu", torch.float32)
    return model, lq, dec


def test_the_seed_changes_the_noise(tiny):
    model, lq, dec = _models(tiny)
    clip = np.random.default_rng(0).random((21, 16, 16, 3), dtype=np.float32)

    def run(seed):
        fr = pipeline.Frames(lambda a, b: clip[a:b], 21, 64, 64, "cpu", torch.float32)
        return np.concatenate(list(pipeline.stream(model, lq, dec, torch.randn(1, 5, 32, generator=torch.Generator().manual_seed(1)),
                                                   fr, generator=torch.Generator().manual_seed(seed), kv_ratio=3.0,
                                                   local_range=11, sparse_ratio=2.0, fix="none")))
    a, b = run(0), run(1)
    assert a.shape == (21, 64, 64, 3) and np.abs(a - b).mean() > 1e-4 and np.array_equal(a, run(0))


def test_frames_asked_again_are_remade_the_same(tiny):
    out = run_node(FlashVSRUpscale, _params(tiny), video=_clip(n=30))
    first = out.chunk(0, 3)
    late = out.chunk(25, 30)
    assert np.array_equal(out.chunk(0, 3), first) and np.array_equal(out.chunk(25, 30), late)


def test_long_clip_memory_bounded(tiny):
    model, lq, dec = _models(tiny)
    clip = np.random.default_rng(0).random((70, 16, 16, 3), dtype=np.float32)
    fr = pipeline.Frames(lambda a, b: clip[a:b], 70, 64, 64, "cpu", torch.float32)
    seen, made = [], 0
    from nodes.finishing.flashvsr import dit_stream
    orig = dit_stream.Stream.step
    caches = []

    def spy(self, latents, tokens):
        r = orig(self, latents, tokens)
        caches.append(max(c[0].shape[0] for c in self.cache))
        return r
    dit_stream.Stream.step = spy
    try:
        for chunk in pipeline.stream(model, lq, dec, torch.randn(1, 5, 32), fr, generator=torch.Generator().manual_seed(0),
                                     kv_ratio=3.0, local_range=11, sparse_ratio=2.0, fix="adain"):
            seen.append(len(fr.kept))
            made += len(chunk)
    finally:
        dit_stream.Stream.step = orig
    assert made == 70
    assert max(seen) <= 4  # the frames read ahead of the decoder only
    assert max(caches) == 3  # kv_ratio 3: three time windows of one spatial block kept per DiT block


def test_wrong_file_refused_in_words_before_loading(tiny, monkeypatch):
    def never(*a, **k):
        raise AssertionError("loaded")
    monkeypatch.setattr(files, "build_decoder", never)
    monkeypatch.setattr(files, "load_dit", never)
    with pytest.raises(FlashVSRError, match="FlashVSR Upscale: 'tcdecoder.safetensors' is not a Wan 2.1 DiT"):
        run_node(FlashVSRUpscale, _params(tiny, dit=str(tiny / "tcdecoder.safetensors")), video=_clip())
    with pytest.raises(FlashVSRError, match="no file chosen for 'decoder'"):
        run_node(FlashVSRUpscale, _params(tiny, decoder=""), video=_clip())
    with pytest.raises(FlashVSRError, match="is not FlashVSR's LQ projection"):
        run_node(FlashVSRUpscale, _params(tiny, lq_projection=str(tiny / "tcdecoder.safetensors")), video=_clip())
    assert FlashVSRUpscale.preflight(_params(tiny), None) == []
    assert "not a Wan 2.1 DiT" in FlashVSRUpscale.preflight(_params(tiny, dit=str(tiny / "tcdecoder.safetensors")),
                                                              None)[0]
