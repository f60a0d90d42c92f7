"""A transcription of the SeedVR2 NaDiT forward as the release writes it (ByteDance-Seed/SeedVR,
Apache-2.0, commit 673b563: models/dit_v2/nadit.py, nablocks/mmsr_block.py,
nablocks/attention/mmattn.py, na.py, rope.py, window.py, modulation.py; models/dit/ for the 7B),
for one sample, reading the weights of Studio's module by name. Kept in the release's own shape:
flattened sequences, index partitions (na.window_idx, na.repeat_concat_idx), the Cache whose keys
make vid_out_ada read the blocks' 'attn' slice, rotary-embedding-torch 0.5.3's get_axial_freqs then sliced, and the varlen attention as a loop over cu_seqlens."""
from __future__ import annotations

import math
from itertools import chain
from math import ceil

import torch
import torch.nn.functional as F
from einops import rearrange, repeat


def win(size, num):  # window.py make_720Pwindows_bysize
    t, h, w = size
    rnt, rnh, rnw = num
    scale = math.sqrt((45 * 80) / (h * w))
    rh, rw = round(h * scale), round(w * scale)
    wh, ww = ceil(rh / rnh), ceil(rw / rnw)
    wt = ceil(min(t, 30) / rnt)
    nt, nh, nw = ceil(t / wt), ceil(h / wh), ceil(w / ww)
    return [(slice(it * wt, min((it + 1) * wt, t)), slice(ih * wh, min((ih + 1) * wh, h)),
             slice(iw * ww, min((iw + 1) * ww, w)))
            for iw in range(nw) if min((iw + 1) * ww, w) > iw * ww
            for ih in range(nh) if min((ih + 1) * wh, h) > ih * wh
            for it in range(nt) if min((it + 1) * wt, t) > it * wt]


def swin(size, num):  # window.py make_shifted_720Pwindows_bysize
    t, h, w = size
    rnt, rnh, rnw = num
    scale = math.sqrt((45 * 80) / (h * w))
    rh, rw = round(h * scale), round(w * scale)
    wh, ww = ceil(rh / rnh), ceil(rw / rnw)
    wt = ceil(min(t, 30) / rnt)
    st, sh, sw = (0.5 if wt < t else 0, 0.5 if wh < h else 0, 0.5 if ww < w else 0)
    nt, nh, nw = ceil((t - st) / wt), ceil((h - sh) / wh), ceil((w - sw) / ww)
    nt, nh, nw = (nt + 1 if st > 0 else 1, nh + 1 if sh > 0 else 1, nw + 1 if sw > 0 else 1)
    return [(slice(max(int((it - st) * wt), 0), min(int((it - st + 1) * wt), t)),
             slice(max(int((ih - sh) * wh), 0), min(int((ih - sh + 1) * wh), h)),
             slice(max(int((iw - sw) * ww), 0), min(int((iw - sw + 1) * ww), w)))
            for iw in range(nw) if min(int((iw - sw + 1) * ww), w) > max(int((iw - sw) * ww), 0)
            for ih in range(nh) if min(int((ih - sh + 1) * wh), h) > max(int((ih - sh) * wh), 0)
            for it in range(nt) if min(int((it - st + 1) * wt), t) > max(int((it - st) * wt), 0)]


# rotary-embedding-torch 0.5.3
def rot_freqs(dim, kind):
    if kind == "lang":
        return 1. / (10000 ** (torch.arange(0, dim, 2)[:(dim // 2)].float() / dim))
    return torch.linspace(1., 256 / 2, dim // 2) * math.pi


def rot_forward(freqs, t):
    f = torch.einsum("..., f -> ... f", t.type(freqs.dtype), freqs)
    return repeat(f, "... n -> ... (n r)", r=2)


def get_axial_freqs(freqs, kind, *dims):
    out = []
    for ind, dim in enumerate(dims):
        pos = torch.linspace(-1, 1, steps=dim) if kind == "pixel" else torch.arange(dim)
        f = rot_forward(freqs, pos)
        axis = [None] * len(dims)
        axis[ind] = slice(None)
        out.append(f[(Ellipsis, *axis, slice(None))])
    return torch.cat(torch.broadcast_tensors(*out), dim=-1)


def rotate_half(x):
    x = rearrange(x, "... (d r) -> ... d r", r=2)
    x1, x2 = x.unbind(dim=-1)
    return rearrange(torch.stack((-x2, x1), dim=-1), "... d r -> ... (d r)")


def apply_rotary_emb(freqs, t):
    rot = freqs.shape[-1]
    mid, right = t[..., :rot], t[..., rot:]
    mid = mid * freqs.cos() + rotate_half(mid) * freqs.sin()
    return torch.cat((mid, right), dim=-1)


def rms(x, w=None, eps=1e-5):
    y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return y if w is None else y * w


def lin(P, name, x):
    return F.linear(x, P[name + ".weight"], P.get(name + ".bias"))


def branch(P, base, b):
    return f"{base}.all" if any(k.startswith(f"{base}.all.") for k in P) else f"{base}.{b}"


def ada(P, base, b, hid, emb, layer, mode, cache, L):
    key = f"emb_repeat_{['attn', 'mlp'].index(layer) if layer != 'out' else 0}_{b}"
    if key not in cache:  # the release's Cache: keyed by index and branch only
        nl = 1 if layer == "out" else 2
        idx = 0 if layer == "out" else ["attn", "mlp"].index(layer)
        e = rearrange(emb, "b (d l g) -> b d l g", l=nl, g=3)[..., idx, :]
        cache[key] = torch.cat([x.repeat(L, 1, 1) for x in e])
    shiftA, scaleA, gateA = cache[key].unbind(-1)
    if mode == "in":
        return hid * (scaleA + P[f"{base}.{layer}_scale"]) + (shiftA + P[f"{base}.{layer}_shift"])
    return hid * (gateA + P[f"{base}.{layer}_gate"])


def mlp(P, base, x, kind):
    if kind == "swiglu":
        return lin(P, base + ".proj_out", F.silu(lin(P, base + ".proj_in_gate", x)) * lin(P, base + ".proj_in", x))
    return lin(P, base + ".proj_out", F.gelu(lin(P, base + ".proj_in", x), approximate="tanh"))


def attention(P, c, i, vid, txt, vid_shape, txt_len):
    """mmattn.py NaSwinAttention.forward (3B) / models/dit NaSwinAttention (7B) for one sample."""
    pre = f"blocks.{i}.attn"
    hd = c["head_dim"]
    vqkv = lin(P, branch(P, pre + ".proj_qkv", "vid"), vid)
    tqkv = lin(P, branch(P, pre + ".proj_qkv", "txt"), txt)
    method = swin if i % 2 else win
    T, H, W = vid_shape
    idx = torch.arange(T * H * W).view(T, H, W)
    parts = [idx[s] for s in method((T, H, W), c["window"])]
    tgt = torch.cat([p.flatten() for p in parts])
    shapes = [tuple(p.shape) for p in parts]
    src = torch.argsort(tgt)
    vw = rearrange(vqkv[tgt], "l (o h d) -> l o h d", o=3, d=hd)
    tw = rearrange(tqkv, "l (o h d) -> l o h d", o=3, d=hd)
    vq, vk, vv = vw.unbind(1)
    tq, tk, tv = tw.unbind(1)
    vq = rms(vq, P[branch(P, pre + ".norm_q", "vid") + ".weight"])
    tq = rms(tq, P[branch(P, pre + ".norm_q", "txt") + ".weight"])
    vk = rms(vk, P[branch(P, pre + ".norm_k", "vid") + ".weight"])
    tk = rms(tk, P[branch(P, pre + ".norm_k", "txt") + ".weight"])
    n = len(shapes)
    if c["arch"] == "v2":  # NaMMRotaryEmbedding3d.get_freqs on the windows' shapes, text repeated
        fr = rot_freqs(c["rope_dim"] // 3, "lang")
        # the release takes get_axial_freqs(1024, 128, 128) and slices it; 'lang' positions are
        # 0..n-1 on every axis, so the grid up to what is sliced holds the same values (8 GB less)
        mf, mh, mw = (max(s[j] for s in shapes) for j in range(3))
        vf_all, tf_all = get_axial_freqs(fr, "lang", txt_len + mf, mh, mw), get_axial_freqs(fr, "lang", 1024)
        vf = torch.cat([vf_all[txt_len:txt_len + f, :h, :w].reshape(-1, vf_all.size(-1)) for f, h, w in shapes])
        tf = torch.cat([tf_all[:txt_len].repeat(1, 3)] * n)
        tq_r, tk_r = torch.cat([tq] * n), torch.cat([tk] * n)
        rot = lambda f, x: rearrange(apply_rotary_emb(f, rearrange(x, "L h d -> h L d")), "h L d -> L h d")
        vq, vk, tq_r, tk_r = rot(vf, vq), rot(vf, vk), rot(tf, tq_r), rot(tf, tk_r)
    else:  # NaRotaryEmbedding3d on the video only
        fr = rot_freqs(c["rope_dim"] // 3, "pixel")
        vf = torch.cat([get_axial_freqs(fr, "pixel", f, h, w).reshape(-1, 3 * 2 * (len(fr))) for f, h, w in shapes])
        rot = lambda f, x: rearrange(apply_rotary_emb(f, rearrange(x, "L h d -> h L d")), "h L d -> L h d")
        vq, vk = rot(vf, vq), rot(vf, vk)
        tq_r, tk_r = torch.cat([tq] * n), torch.cat([tk] * n)
    tv_r = torch.cat([tv] * n)
    # repeat_concat: [win0, txt, win1, txt, ...], then varlen attention per cu_seqlens segment
    lens = [f * h * w for f, h, w in shapes]
    vs = lambda x: torch.split(x, lens)
    ts = lambda x: torch.split(x, [txt_len] * n)
    q = torch.cat(list(chain(*zip(vs(vq), ts(tq_r)))))
    k = torch.cat(list(chain(*zip(vs(vk), ts(tk_r)))))
    v = torch.cat(list(chain(*zip(vs(vv), ts(tv_r)))))
    out, start = [], 0
    for m in lens:
        e = start + m + txt_len
        qq, kk, vv_ = (rearrange(x[start:e], "l h d -> h l d") for x in (q, k, v))
        a = torch.softmax(qq @ kk.transpose(-1, -2) / math.sqrt(hd), -1) @ vv_
        out.append(rearrange(a, "h l d -> l h d"))
        start = e
    segs = list(chain(*[(o[:m], o[m:]) for o, m in zip(out, lens)]))
    vid_o = torch.cat(segs[0::2])
    txt_o = torch.stack(segs[1::2]).mean(0)  # the coalesce: repeated text averaged
    vid_o = rearrange(vid_o, "l h d -> l (h d)")[src]
    txt_o = rearrange(txt_o, "l h d -> l (h d)")
    return (lin(P, branch(P, pre + ".proj_out", "vid"), vid_o), lin(P, branch(P, pre + ".proj_out", "txt"), txt_o))


def nadit_forward(model, vid, txt, timestep):
    """nadit.py NaDiT.forward on [T, H, W, C] with patch (1, 2, 2)."""
    from diffusers.models.embeddings import get_timestep_embedding
    c = model.config
    P = {k: v.float() for k, v in model.state_dict().items()}
    T, H, W, C = vid.shape
    x = rearrange(vid, "(T t) (H h) (W w) c -> T H W (t h w c)", t=1, h=2, w=2)
    grid = x.shape[:3]
    x = lin(P, "vid_in.proj", x.flatten(0, 2))
    t = lin(P, "txt_in", txt)
    e = get_timestep_embedding(torch.tensor([float(timestep)]), 256, flip_sin_to_cos=False, downscale_freq_shift=0)
    e = lin(P, "emb_in.proj_in", e)
    e = lin(P, "emb_in.proj_hid", F.silu(e))
    emb = lin(P, "emb_in.proj_out", F.silu(e))
    cache: dict = {}
    L, n = txt.shape[0], len(model.blocks)
    for i in range(n):
        b = f"blocks.{i}"
        last = c["arch"] == "v2" and i == n - 1
        ab = lambda br: branch(P, b + ".ada", br)
        va = ada(P, ab("vid"), "vid", rms(x), emb, "attn", "in", cache, x.shape[0])
        ta = rms(t) if last else ada(P, ab("txt"), "txt", rms(t), emb, "attn", "in", cache, L)
        va, ta = attention(P, c, i, va, ta, grid, L)
        va = ada(P, ab("vid"), "vid", va, emb, "attn", "out", cache, x.shape[0])
        ta = ta if last else ada(P, ab("txt"), "txt", ta, emb, "attn", "out", cache, L)
        va, ta = va + x, ta + t
        vm = ada(P, ab("vid"), "vid", rms(va), emb, "mlp", "in", cache, x.shape[0])
        vm = mlp(P, branch(P, b + ".mlp", "vid"), vm, c["mlp_type"])
        vm = ada(P, ab("vid"), "vid", vm, emb, "mlp", "out", cache, x.shape[0])
        if last:
            tm = ta
        else:
            tm = ada(P, ab("txt"), "txt", rms(ta), emb, "mlp", "in", cache, L)
            tm = mlp(P, branch(P, b + ".mlp", "txt"), tm, c["mlp_type"])
            tm = ada(P, ab("txt"), "txt", tm, emb, "mlp", "out", cache, L)
        x, t = vm + va, tm + ta
    if c["vid_out_norm"]:
        x = rms(x, P["vid_out_norm.weight"])
        x = ada(P, "vid_out_ada", "vid", x, emb, "out", "in", cache, x.shape[0])
    y = lin(P, "vid_out.proj", x).view(*grid, -1)
    return rearrange(y, "T H W (t h w c) -> (T t) (H h) (W w) c", t=1, h=2, w=2)
