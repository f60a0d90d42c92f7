"""FlashVSR's one-step streaming DiT pass over the modules of diffusers' ``WanTransformer3DModel``
(its weights: Wan 2.1 T2V 1.3B distilled), written after the release's ``model_fn_wan_video`` and
``__call__`` in ``diffsynth/pipelines/flashvsr_tiny.py`` and the ``DiTBlock`` / ``SelfAttention`` /
``CrossAttention`` of ``diffsynth/models/wan_video_dit.py`` (OpenImagingLab/FlashVSR@ccac0ac,
Apache-2.0). diffusers' own forward does not serve: FlashVSR adds the low-resolution tokens before the
first block, attends in 2x8x8 windows through the locality-constrained block mask (attention.py),
keeps each block's keys and values of the last ``kv_ratio`` time windows between steps (the streaming
cache), places RoPE's time index at 4 + 2 x step, and uses one fixed prompt's cross-attention keys.

One step: the first takes 6 latent frames, each later one 2; the model runs once at timestep 1000
and the latents are ``noise - prediction`` (the release's one-step DMD sampler)."""
from __future__ import annotations

import torch

from . import attention as A

TIMESTEP = 1000.0


def sinusoid(dim: int, t: float) -> torch.Tensor:
    half = dim // 2
    freqs = torch.pow(10000.0, -torch.arange(half, dtype=torch.float64) / half)
    ang = t * freqs
    return torch.cat([torch.cos(ang), torch.sin(ang)])[None].float()


def rope_freqs(head_dim: int, positions: torch.Tensor) -> torch.Tensor:
    """[len(positions), parts] complex rotations for one axis of ``head_dim`` values."""
    inv = 1.0 / (10000.0 ** (torch.arange(0, head_dim, 2)[: head_dim // 2].double() / head_dim))
    ang = torch.outer(positions.double(), inv)
    return torch.polar(torch.ones_like(ang), ang)


def grid_freqs(head_dim: int, f0: int, f: int, h: int, w: int) -> torch.Tensor:
    """[f*h*w, head_dim/2] complex: time from f0, rows and columns from 0 (the release's 3-D split:
    time head_dim - 2*(head_dim//3) values, rows and columns head_dim//3 each)."""
    dh = head_dim // 3
    ft = rope_freqs(head_dim - 2 * dh, torch.arange(f0, f0 + f))
    fh = rope_freqs(dh, torch.arange(h))
    fw = rope_freqs(dh, torch.arange(w))
    return torch.cat([ft[:, None, None].expand(f, h, w, -1), fh[None, :, None].expand(f, h, w, -1),
                      fw[None, None, :].expand(f, h, w, -1)], dim=-1).reshape(f * h * w, -1)


def rope(x: torch.Tensor, freqs: torch.Tensor, heads: int) -> torch.Tensor:
    b, s, d = x.shape
    xc = torch.view_as_complex(x.double().reshape(b, s, heads, -1, 2))
    return torch.view_as_real(xc * freqs[None, :, None].to(xc.device)).reshape(b, s, d).to(x.dtype)


class Stream:
    """The DiT's state across the steps of one clip: the cross-attention keys and values of the fixed
    prompt, the time modulation, and each block's cached self-attention windows."""

    def __init__(self, model, context: torch.Tensor, *, kv_ratio: float, local_range: int, sparse_ratio: float,
                 out_pixels: int):
        self.m = model
        cfg = model.config
        self.heads, self.head_dim = cfg.num_attention_heads, cfg.attention_head_dim
        p = next(model.parameters())
        with torch.no_grad():
            emb = model.condition_embedder
            self.t = emb.time_embedder(sinusoid(cfg.freq_dim, TIMESTEP).to(p))
            self.t_mod = emb.time_proj(emb.act_fn(self.t)).unflatten(1, (6, -1))
            ctx = emb.text_embedder(context.to(p))
            self.cross = [(blk.attn2.norm_k(blk.attn2.to_k(ctx)), blk.attn2.to_v(ctx)) for blk in model.blocks]
        self.cache: list[tuple[torch.Tensor, torch.Tensor] | None] = [None] * len(model.blocks)
        self.kv_len = int(kv_ratio)
        self.local_range = local_range
        self.topk_ratio = sparse_ratio * 768 * 1280 / out_pixels  # the release's scaling to its training size
        self.steps = 0

    def _self_attn(self, i: int, blk, x: torch.Tensor, freqs, f: int, h: int, w: int, near) -> torch.Tensor:
        a = blk.attn1
        q = rope(a.norm_q(a.to_q(x)), freqs, self.heads)
        k = rope(a.norm_k(a.to_k(x)), freqs, self.heads)
        v = a.to_v(x)
        q_w, k_w, v_w = A.partition(q, f, h, w), A.partition(k, f, h, w), A.partition(v, f, h, w)
        per_time = q_w.shape[0] // (f // A.WINDOW[0])
        if self.cache[i] is not None:
            k_w = torch.cat([self.cache[i][0], k_w])
            v_w = torch.cat([self.cache[i][1], v_w])
        spatial = (h // 8) * (w // 8)
        topk = int(spatial * spatial * self.topk_ratio) - 1
        mask = A.block_mask(q_w, k_w, self.heads, spatial, near, topk)
        out = A.attend(q_w, k_w, v_w, self.heads, mask)
        if k_w.shape[0] // per_time > self.kv_len:  # the oldest time window dropped
            k_w, v_w = k_w[per_time:], v_w[per_time:]
        self.cache[i] = (k_w, v_w)
        return a.to_out[0](A.reverse(out, f, h, w))

    def _cross_attn(self, i: int, blk, x: torch.Tensor) -> torch.Tensor:
        a = blk.attn2
        k, v = self.cross[i]
        q = a.norm_q(a.to_q(x))
        b, s, d = q.shape
        hd = d // self.heads
        o = torch.nn.functional.scaled_dot_product_attention(
            q.view(b, s, self.heads, hd).transpose(1, 2), k.view(b, -1, self.heads, hd).transpose(1, 2),
            v.view(b, -1, self.heads, hd).transpose(1, 2))
        return a.to_out[0](o.transpose(1, 2).reshape(b, s, d))

    @torch.no_grad()
    def step(self, latents: torch.Tensor, lq_tokens: list[torch.Tensor] | None) -> torch.Tensor:
        """Noise latents [1, C, f, h, w] (f: 6 at the first step, 2 after) -> denoised latents."""
        m = self.m
        f, lh, lw = latents.shape[2:]
        if f % 2 or lh % 16 or lw % 16:
            raise ValueError(f"FlashVSR's windows need an even number of latent frames and latent sides in "
                             f"multiples of 16 (got {f}x{lh}x{lw})")
        x = m.patch_embedding(latents.to(self.t))
        _, _, f, h, w = x.shape
        x = x.flatten(2).transpose(1, 2)
        f0 = 0 if self.steps == 0 else 4 + 2 * self.steps
        freqs = grid_freqs(self.head_dim, f0, f, h, w)
        near = A.local_mask(h // 8, w // 8, self.local_range, x.device)
        for i, blk in enumerate(m.blocks):
            if lq_tokens is not None and i < len(lq_tokens):
                x = x + lq_tokens[i].to(x)
            sh_a, sc_a, g_a, sh_m, sc_m, g_m = (blk.scale_shift_table.to(x) + self.t_mod).chunk(6, dim=1)
            y = blk.norm1(x.float()).to(x.dtype) * (1 + sc_a) + sh_a
            x = x + g_a * self._self_attn(i, blk, y, freqs, f, h, w, near)
            x = x + self._cross_attn(i, blk, blk.norm2(x.float()).to(x.dtype))
            y = blk.norm3(x.float()).to(x.dtype) * (1 + sc_m) + sh_m
            x = x + g_m * blk.ffn(y)
        shift, scale = (m.scale_shift_table.to(x) + self.t[:, None]).chunk(2, dim=1)
        x = m.proj_out(m.norm_out(x.float()).to(x.dtype) * (1 + scale) + shift)
        pt, ph, pw = m.config.patch_size
        c = x.shape[-1] // (pt * ph * pw)
        x = x.reshape(1, f, h, w, pt, ph, pw, c).permute(0, 7, 1, 4, 2, 5, 3, 6).reshape(1, c, f * pt, h * ph, w * pw)
        self.steps += 1
        return latents - x.to(latents.dtype)

