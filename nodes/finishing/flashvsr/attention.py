"""FlashVSR's locality-constrained sparse attention, written after the release's
``diffsynth/models/wan_video_dit.py`` (OpenImagingLab/FlashVSR@ccac0ac, Apache-2.0:
``SelfAttention.forward``, ``generate_draft_block_mask``, ``build_local_block_mask_shifted_vec_normal_slide``).

Tokens are grouped in 3-D windows of 2x8x8 latent tokens (128 tokens: one block of the
Block-Sparse-Attention kernel). A query block may attend to a key block when the key's spatial block
lies within ``local_range`` x ``local_range`` blocks around the query's (at any cached time), and is among
the top-k of those by the score of the windows' mean query and key (softmax over keys, the top-k taken
over each head's and query time-window's whole block matrix, as the release does). ``attend`` computes
this exactly with a dense boolean token mask and ``scaled_dot_product_attention`` (the CPU path, and any
device without the kernel); a query block given no key block outputs zeros. On CUDA, where
mit-han-lab's ``block_sparse_attn`` imports, its kernel takes the same block mask (called as the
release's ``flash_attention`` calls it); tests check that path's plumbing on the CPU against the dense
one. Plain unmasked attention is not used: the release's README says it degrades quality at high
resolution."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

WINDOW = (2, 8, 8)
BLOCK = WINDOW[0] * WINDOW[1] * WINDOW[2]


def partition(x: torch.Tensor, f: int, h: int, w: int) -> torch.Tensor:
    """[1, f*h*w, D] tokens -> [windows, 128, D], windows ordered (time, rows, columns)."""
    wf, wh, ww = WINDOW
    d = x.shape[-1]
    x = x.reshape(f // wf, wf, h // wh, wh, w // ww, ww, d).permute(0, 2, 4, 1, 3, 5, 6)
    return x.reshape(-1, BLOCK, d)


def reverse(x: torch.Tensor, f: int, h: int, w: int) -> torch.Tensor:
    wf, wh, ww = WINDOW
    d = x.shape[-1]
    x = x.reshape(f // wf, h // wh, w // ww, wf, wh, ww, d).permute(0, 3, 1, 4, 2, 5, 6)
    return x.reshape(1, f * h * w, d)


def local_mask(rows: int, cols: int, span: int, device=None) -> torch.Tensor:
    """[rows*cols, rows*cols]: key block j near query block i (within span // 2 blocks each way)."""
    r = torch.arange(rows, device=device).repeat_interleave(cols)
    c = torch.arange(cols, device=device).repeat(rows)
    half = span // 2
    near_r = (r[None, :] >= (r - half)[:, None]) & (r[None, :] <= (r - half + span - 1)[:, None])
    near_c = (c[None, :] >= (c - half)[:, None]) & (c[None, :] <= (c - half + span - 1)[:, None])
    return near_r & near_c


def block_mask(q_w: torch.Tensor, k_w: torch.Tensor, heads: int, spatial: int, near: torch.Tensor,
               topk: int) -> torch.Tensor:
    """[heads, query blocks, key blocks] bool: the blocks each query block attends to."""
    nq, nk = q_w.shape[0], k_w.shape[0]
    mq = q_w.float().mean(1).reshape(nq, heads, -1).transpose(0, 1)
    mk = k_w.float().mean(1).reshape(nk, heads, -1).transpose(0, 1)
    scores = mq @ mk.transpose(1, 2) / math.sqrt(mq.shape[-1])
    allowed = near.repeat(nq // spatial, nk // spatial)
    scores = scores.masked_fill(~allowed, float("-inf"))
    prob = scores.softmax(-1)
    flat = prob.reshape(heads * (nq // spatial), spatial * nk)
    k = min(flat.shape[1] - 1, topk)
    thresh = torch.topk(flat, k + 1, dim=1).values[:, -1:]
    return (flat > thresh).reshape(heads, nq, nk)


def kernel(device) -> object | None:
    """Block-Sparse-Attention's function on a CUDA device where the package imports, else None."""
    if torch.device(device).type != "cuda":
        return None
    try:
        from block_sparse_attn import block_sparse_attn_func
    except ImportError:
        return None
    return block_sparse_attn_func


def attend(q_w: torch.Tensor, k_w: torch.Tensor, v_w: torch.Tensor, heads: int, mask: torch.Tensor) -> torch.Tensor:
    """Windows [nq, 128, D] attending to [nk, 128, D] through the block mask [heads, nq, nk]: the kernel
    where there is one, else per head densely."""
    nq, nk = q_w.shape[0], k_w.shape[0]
    fn = kernel(q_w.device)
    if fn is not None:
        d = q_w.shape[-1] // heads
        q, k, v = (t.reshape(-1, heads, d) for t in (q_w, k_w, v_w))
        dev = q.device
        out = fn(q, k, v, torch.tensor([0, q.shape[0]], device=dev, dtype=torch.int32),
                 torch.tensor([0, k.shape[0]], device=dev, dtype=torch.int32),
                 torch.ones(heads, device=dev, dtype=torch.int32), None, mask[None], q.shape[0], k.shape[0], 0.0,
                 deterministic=False, softmax_scale=None, is_causal=False, exact_streaming=False,
                 return_attn_probs=False)
        return out.reshape(nq, BLOCK, heads * d)
    d = q_w.shape[-1] // heads
    q = q_w.reshape(nq * BLOCK, heads, d).transpose(0, 1)
    k = k_w.reshape(nk * BLOCK, heads, d).transpose(0, 1)
    v = v_w.reshape(nk * BLOCK, heads, d).transpose(0, 1)
    out = torch.empty_like(q)
    for hd in range(heads):
        m = mask[hd]
        some = m.any(1)
        tok = m.repeat_interleave(BLOCK, 0).repeat_interleave(BLOCK, 1)
        tok[~some.repeat_interleave(BLOCK)] = True  # rows without keys: computed, then zeroed
        o = F.scaled_dot_product_attention(q[hd][None], k[hd][None], v[hd][None], attn_mask=tok[None])[0]
        out[hd] = o * some.repeat_interleave(BLOCK)[:, None].to(o.dtype)
    return out.transpose(0, 1).reshape(nq, BLOCK, heads * d)
