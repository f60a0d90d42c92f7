"""SeedVR2's NaDiT (the 3B and the 7B) in the reference's state-dict names, so the released files
(numz/SeedVR2_comfyUI's ``seedvr2_ema_3b_fp16.safetensors`` / ``seedvr2_ema_7b_fp16.safetensors``,
ComfyUI's converted files) load as they are.

Follows ByteDance-Seed/SeedVR (Apache-2.0) at commit 673b563:
- 3B: ``models/dit_v2/nadit.py`` (NaDiT), ``nablocks/mmsr_block.py``, ``nablocks/attention/mmattn.py``
  (NaSwinAttention), ``rope.py`` (NaMMRotaryEmbedding3d: 'lang' rotary frequencies on video and text,
  the video's time axis offset by the text's length), ``mlp.py`` (SwiGLU), ``modulation.py``
  (AdaSingle), ``window.py``, ``embedding.py``, ``patch/patch_v1.py``; ``configs_3b/main.yaml``.
- 7B: ``models/dit/nadit.py``, ``nablocks/mmsr_block.py`` + ``blocks/mmdit_window_block.py``
  (every block with separate video and text weights, GELU MLP), ``rope.py`` (RotaryEmbedding3d:
  'pixel' frequencies on the video only); ``configs_7b/main.yaml``.
The rotary maths is rotary-embedding-torch 0.5.3's (the release's pin), written here.

Checked once against the release's own NaDiT code (673b563, flash attention replaced by an SDPA loop
per segment, apex norms by 'rms', its bf16 casts made no-ops, rotary-embedding-torch 0.5.3): tiny 3B
and 7B configs on grids up to 5x24x40 agree to 4e-7 (3B) and 8e-7 (7B) of the output's magnitude, and
the real configs built on meta hold the same 603 / 1092 names and shapes (the reference's extra
``attn.rope.rope.freqs`` buffers aside). The tests compare against a transcription (no flash_attn here).

The model takes one sample: ``vid`` [T, H, W, 33] (noise, condition latent, mask channel), ``txt``
[L, 5120], a timestep; it returns [T, H, W, 16]. Attention runs per window (the reference's varlen
flash attention per window); windows of the same shape are batched into one SDPA call.
"""
from __future__ import annotations

import math
from math import ceil

import torch
import torch.nn.functional as F
from torch import nn

# configs_3b/main.yaml and configs_7b/main.yaml (dit.model); 'arch' tells dit_v2 (3B) from dit (7B)
CONFIG_3B = dict(arch="v2", vid_in_channels=33, vid_out_channels=16, vid_dim=2560, txt_in_dim=5120,
                 heads=20, head_dim=128, expand_ratio=4, norm_eps=1e-5, qk_bias=False, patch_size=(1, 2, 2),
                 num_layers=32, mm_layers=10, mlp_type="swiglu", rope_dim=128, vid_out_norm=True,
                 window=(4, 3, 3))
CONFIG_7B = dict(arch="v1", vid_in_channels=33, vid_out_channels=16, vid_dim=3072, txt_in_dim=5120,
                 heads=24, head_dim=128, expand_ratio=4, norm_eps=1e-5, qk_bias=False, patch_size=(1, 2, 2),
                 num_layers=36, mm_layers=36, mlp_type="normal", rope_dim=64, vid_out_norm=False,
                 window=(4, 3, 3))
WINDOW_METHODS = ("720pwin_by_size_bysize", "720pswin_by_size_bysize")  # alternating, even blocks first
T_MAX = 1000.0  # diffusion.schedule.T (lerp)


# ------------------------------------------------------------------ windows (window.py)
def _win_sizes(size, num_windows):
    t, h, w = size
    nt_, nh_, nw_ = num_windows
    scale = math.sqrt((45 * 80) / (h * w))  # the windows are counted as if at 720p
    rh, rw = round(h * scale), round(w * scale)
    return ceil(rh / nh_), ceil(rw / nw_), ceil(min(t, 30) / nt_)


def windows_720p(size, num_windows):
    """window.py make_720Pwindows_bysize: slices (t, h, w), width outermost, time innermost."""
    t, h, w = size
    wh, ww, wt = _win_sizes(size, num_windows)
    nt, nh, nw = ceil(t / wt), ceil(h / wh), ceil(w / ww)
    return [(slice(it * wt, min((it + 1) * wt, t)), slice(ih * wh, min((ih + 1) * wh, h)),
             slice(iw * ww, min((iw + 1) * ww, w)))
            for iw in range(nw) if min((iw + 1) * ww, w) > iw * ww
            for ih in range(nh) if min((ih + 1) * wh, h) > ih * wh
            for it in range(nt) if min((it + 1) * wt, t) > it * wt]


def _shifted_axis(n, size):
    """One axis of make_shifted_720Pwindows_bysize: (start, stop) pairs, shifted half a window
    where the axis holds more than one window."""
    s = 0.5 if size < n else 0
    count = ceil((n - s) / size) + 1 if s > 0 else 1
    out = []
    for i in range(count):
        a, b = max(int((i - s) * size), 0), min(int((i - s + 1) * size), n)
        if b > a:
            out.append(slice(a, b))
    return out


def windows_720p_shifted(size, num_windows):
    """window.py make_shifted_720Pwindows_bysize (the same order as the unshifted windows)."""
    t, h, w = size
    wh, ww, wt = _win_sizes(size, num_windows)
    ts, hs, ws = _shifted_axis(t, wt), _shifted_axis(h, wh), _shifted_axis(w, ww)
    return [(st, sh, sw) for sw in ws for sh in hs for st in ts]


def window_slices(method: str, size, num_windows):
    if method == WINDOW_METHODS[0]:
        return windows_720p(size, num_windows)
    if method == WINDOW_METHODS[1]:
        return windows_720p_shifted(size, num_windows)
    raise ValueError(f"unknown window method {method}")


# ------------------------------------------------------------------ rotary (rope.py, rotary-embedding-torch 0.5.3)
def rope_base_freqs(dim: int, kind: str) -> torch.Tensor:
    """RotaryEmbedding(dim).freqs: 'lang' 1 / 10000^(2i/dim); 'pixel' linspace(1, 256/2, dim/2) * pi."""
    cpu = torch.device("cpu")  # made on the CPU even while the model is built on the meta device
    if kind == "lang":
        return 1.0 / (10000 ** (torch.arange(0, dim, 2, device=cpu)[: dim // 2].float() / dim))
    return torch.linspace(1.0, 256 / 2, dim // 2, device=cpu) * math.pi


def axis_angles(pos: torch.Tensor, freqs: torch.Tensor) -> torch.Tensor:
    """forward(pos): pos x freqs, each frequency repeated twice (interleaved pairs)."""
    return torch.repeat_interleave(pos.float()[:, None] * freqs[None], 2, dim=-1)


def axial_angles(dims, freqs: torch.Tensor, kind: str) -> torch.Tensor:
    """get_axial_freqs(*dims): per axis positions (0..n-1 for 'lang', linspace(-1, 1, n) for
    'pixel'), their angles broadcast over the grid and concatenated: [*dims, len(dims) * 2F]."""
    parts = []
    for i, n in enumerate(dims):
        pos = torch.linspace(-1, 1, n) if kind == "pixel" else torch.arange(n)
        a = axis_angles(pos, freqs)
        shape = [1] * len(dims) + [a.shape[-1]]
        shape[i] = n
        parts.append(a.view(shape).expand(*dims, a.shape[-1]))
    return torch.cat(parts, dim=-1)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    x = x.unflatten(-1, (-1, 2))
    return torch.stack((-x[..., 1], x[..., 0]), dim=-1).flatten(-2)


def apply_rotary(angles: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """apply_rotary_emb: the first angles.shape[-1] features rotated (in float32), the rest kept."""
    n = angles.shape[-1]
    xf = x.float()
    mid = xf[..., :n] * angles.cos() + rotate_half(xf[..., :n]) * angles.sin()
    return torch.cat((mid, xf[..., n:]), dim=-1).to(x.dtype)


# ------------------------------------------------------------------ layers
class RMSNorm(nn.Module):
    """apex FusedRMSNorm: x / sqrt(mean(x^2) + eps) (x weight when affine), computed in float32."""

    def __init__(self, dim: int, eps: float, affine: bool):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim)) if affine else None

    def forward(self, x):
        xf = x.float()
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        if self.weight is not None:
            y = y * self.weight.float()
        return y.to(x.dtype)


class Pair(nn.Module):
    """mm.py MMModule: one module for video and text ('all', shared weights) or one each ('vid',
    'txt'); ``vid_only`` leaves the text as it came."""

    def __init__(self, make, shared: bool, vid_only: bool = False):
        super().__init__()
        self.shared, self.vid_only = shared, vid_only
        if shared:
            self.all = make("vid")
        else:
            self.vid = make("vid")
            self.txt = None if vid_only else make("txt")

    def pick(self, branch):
        return self.all if self.shared else getattr(self, branch)

    def forward(self, vid, txt, *args, **kwargs):
        vid = self.pick("vid")(vid, *args, **kwargs)
        if not self.vid_only:
            txt = self.pick("txt")(txt, *args, **kwargs)
        return vid, txt


class AdaSingle(nn.Module):
    """modulation.py AdaSingle: emb [6 * dim] read as (d, layer, 3) -> shift, scale, gate, each
    added to its learned vector; 'in': x * scale + shift, 'out': x * gate."""

    def __init__(self, dim: int, layers, modes=("in", "out")):
        super().__init__()
        self.layers = list(layers)
        for name in layers:
            if "in" in modes:
                setattr(self, f"{name}_shift", nn.Parameter(torch.zeros(dim)))
                setattr(self, f"{name}_scale", nn.Parameter(torch.ones(dim)))
            if "out" in modes:
                setattr(self, f"{name}_gate", nn.Parameter(torch.zeros(dim)))

    def forward(self, hid, emb, layer: str, mode: str):
        e = emb.view(emb.shape[-1] // (3 * len(self.layers)), len(self.layers), 3)[:, self.layers.index(layer)]
        if mode == "in":
            return hid * (e[:, 1] + getattr(self, f"{layer}_scale")) + (e[:, 0] + getattr(self, f"{layer}_shift"))
        return hid * (e[:, 2] + getattr(self, f"{layer}_gate"))


class MLP(nn.Module):
    """mlp.py MLP (GELU tanh, with biases) or SwiGLUMLP (no biases, hidden rounded up to 256)."""

    def __init__(self, dim: int, expand_ratio: int, kind: str):
        super().__init__()
        self.kind = kind
        if kind == "swiglu":
            hidden = int(2 * dim * expand_ratio / 3)
            hidden = 256 * ((hidden + 255) // 256)
            self.proj_in_gate = nn.Linear(dim, hidden, bias=False)
            self.proj_out = nn.Linear(hidden, dim, bias=False)
            self.proj_in = nn.Linear(dim, hidden, bias=False)
        else:
            self.proj_in = nn.Linear(dim, dim * expand_ratio)
            self.proj_out = nn.Linear(dim * expand_ratio, dim)

    def forward(self, x):
        if self.kind == "swiglu":
            return self.proj_out(F.silu(self.proj_in_gate(x)) * self.proj_in(x))
        return self.proj_out(F.gelu(self.proj_in(x), approximate="tanh"))


class TimeEmbedding(nn.Module):
    """embedding.py TimeEmbedding: diffusers' get_timestep_embedding (256, sin first) and three linears."""

    def __init__(self, hidden: int, out: int):
        super().__init__()
        self.proj_in = nn.Linear(256, hidden)
        self.proj_hid = nn.Linear(hidden, hidden)
        self.proj_out = nn.Linear(hidden, out)

    def forward(self, t: torch.Tensor, dtype):
        half = 128  # get_timestep_embedding(t, 256, flip_sin_to_cos=False, downscale_freq_shift=0)
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
        a = t.float()[:, None] * freqs[None]
        e = torch.cat([torch.sin(a), torch.cos(a)], dim=-1).to(dtype)
        return self.proj_out(F.silu(self.proj_hid(F.silu(self.proj_in(e)))))


class PatchLinear(nn.Module):
    """patch_v1.py NaPatchIn / NaPatchOut's ``proj``."""

    def __init__(self, n_in: int, n_out: int):
        super().__init__()
        self.proj = nn.Linear(n_in, n_out)


def rms(x, eps):
    """The blocks' attn_norm / mlp_norm: RMSNorm without weights."""
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)


# ------------------------------------------------------------------ attention (mmattn.py NaSwinAttention)
class SwinAttention(nn.Module):
    """Joint attention of each video window with the whole text: the video's tokens cut into the
    block's windows, each window attending to itself and the text; the text's outputs averaged over
    the windows (repeat_concat_idx's coalesce). 3B: 'lang' rotary on video (its time axis offset by
    the text's length) and text; 7B: 'pixel' rotary on the video only."""

    def __init__(self, c: dict, shared: bool, method: str):
        super().__init__()
        dim, inner, hd = c["vid_dim"], c["heads"] * c["head_dim"], c["head_dim"]
        self.heads, self.head_dim, self.method, self.window = c["heads"], hd, method, tuple(c["window"])
        self.proj_qkv = Pair(lambda b: nn.Linear(dim, 3 * inner, bias=c["qk_bias"]), shared)
        self.proj_out = Pair(lambda b: nn.Linear(inner, dim), shared)
        self.norm_q = Pair(lambda b: RMSNorm(hd, c["norm_eps"], True), shared)
        self.norm_k = Pair(lambda b: RMSNorm(hd, c["norm_eps"], True), shared)
        self.mm_rope = c["arch"] == "v2"
        self.register_buffer("rope_freqs", rope_base_freqs(c["rope_dim"] // 3, "lang" if self.mm_rope else "pixel"),
                             persistent=False)

    def vid_angles(self, shape, txt_len: int, device) -> torch.Tensor:
        """The rotary angles of a window of ``shape`` [f*h*w, 1, n], kept per shape and device."""
        key = (shape, txt_len, str(device))
        cache = self.__dict__.setdefault("_angles", {})
        if key not in cache:
            if len(cache) > 64:
                cache.clear()
            cache[key] = self.make_vid_angles(shape, txt_len).to(device)
        return cache[key]

    def make_vid_angles(self, shape, txt_len: int) -> torch.Tensor:
        f, h, w = shape
        if self.mm_rope:  # get_axial_freqs(1024, 128, 128)[l:l + f, :h, :w]
            a = axial_angles((txt_len + f, h, w), self.rope_freqs.float().cpu(), "lang")[txt_len:]
        else:
            a = axial_angles((f, h, w), self.rope_freqs.float().cpu(), "pixel")
        return a.reshape(f * h * w, 1, -1)

    def forward(self, vid, txt, grid):
        T, H, W = grid
        L, heads, hd = txt.shape[0], self.heads, self.head_dim
        vqkv, tqkv = self.proj_qkv(vid, txt)
        vq, vk, vv = vqkv.view(T, H, W, 3, heads, hd).unbind(3)
        tq, tk, tv = tqkv.view(L, 3, heads, hd).unbind(1)
        vq, tq = self.norm_q(vq, tq)
        vk, tk = self.norm_k(vk, tk)
        if self.mm_rope:  # txt_freqs[:l].repeat(1, 3)
            ta = axis_angles(torch.arange(L), self.rope_freqs.float().cpu()).repeat(1, 3)[:, None].to(txt.device)
            tq, tk = apply_rotary(ta, tq), apply_rotary(ta, tk)
        groups: dict = {}
        for s in window_slices(self.method, (T, H, W), self.window):
            shape = tuple(x.stop - x.start for x in s)
            groups.setdefault(shape, []).append(s)
        out = torch.empty_like(vv)
        txt_sum = torch.zeros(L, heads, hd, device=txt.device, dtype=torch.float32)
        count = 0
        for shape, slices in groups.items():
            n, m = len(slices), shape[0] * shape[1] * shape[2]
            ang = self.vid_angles(shape, L, vid.device)
            q = torch.stack([apply_rotary(ang, vq[s].reshape(m, heads, hd)) for s in slices])
            k = torch.stack([apply_rotary(ang, vk[s].reshape(m, heads, hd)) for s in slices])
            v = torch.stack([vv[s].reshape(m, heads, hd) for s in slices])
            q = torch.cat([q, tq.expand(n, L, heads, hd)], 1).transpose(1, 2)
            k = torch.cat([k, tk.expand(n, L, heads, hd)], 1).transpose(1, 2)
            v = torch.cat([v, tv.expand(n, L, heads, hd)], 1).transpose(1, 2)
            o = F.scaled_dot_product_attention(q, k, v).transpose(1, 2)  # [n, m + L, heads, hd]
            for j, s in enumerate(slices):
                out[s] = o[j, :m].view(*shape, heads, hd)
            txt_sum += o[:, m:].float().sum(0)
            count += n
        vo = out.reshape(T * H * W, heads * hd)
        to = (txt_sum / count).to(txt.dtype).reshape(L, heads * hd)
        return self.proj_out(vo, to)


# ------------------------------------------------------------------ blocks and the model
class Block(nn.Module):
    """mmsr_block.py NaMMSRTransformerBlock: norm, modulate, attend, gate, add; the same for the
    MLP. 3B: blocks from ``mm_layers`` on share one set of weights for video and text ('all') and
    the last block's MLP and modulation see the video only; 7B: separate weights everywhere."""

    def __init__(self, c: dict, i: int):
        super().__init__()
        shared = c["arch"] == "v2" and i >= c["mm_layers"]
        last = c["arch"] == "v2" and i == c["num_layers"] - 1
        dim, self.eps = c["vid_dim"], c["norm_eps"]
        self.last = last
        self.attn = SwinAttention(c, shared, WINDOW_METHODS[i % 2])
        self.mlp = Pair(lambda b: MLP(dim, c["expand_ratio"], c["mlp_type"]), shared, vid_only=last)
        self.ada = Pair(lambda b: AdaSingle(dim, ["attn", "mlp"]), shared, vid_only=last)

    def forward(self, vid, txt, grid, emb):
        va, ta = self.ada(rms(vid, self.eps), rms(txt, self.eps), emb, "attn", "in")
        va, ta = self.attn(va, ta, grid)
        va, ta = self.ada(va, ta, emb, "attn", "out")
        va, ta = va + vid, ta + txt
        vm, tm = self.ada(rms(va, self.eps), ta if self.last else rms(ta, self.eps), emb, "mlp", "in")
        vm, tm = self.mlp(vm, tm)
        vm, tm = self.ada(vm, tm, emb, "mlp", "out")
        return vm + va, tm + ta


class SeedVR2DiT(nn.Module):
    """nadit.py NaDiT for one sample: ``forward(vid [T, H, W, C], txt [L, txt_in_dim], timestep)``
    -> [T, H, W, vid_out_channels] (the v_lerp prediction). The 3B's output norm is modulated by
    the time embedding's 'attn' slice: the release's vid_out_ada reads the blocks' cached
    ``emb_repeat_0_vid`` (Cache keys by layer index and branch), not a slice of its own."""

    def __init__(self, config: dict):
        super().__init__()
        c = self.config = dict(config)
        pt, ph, pw = c["patch_size"]
        if pt != 1:
            raise ValueError("SeedVR2 DiT: a temporal patch size other than 1 is not one of the released configs")
        dim = c["vid_dim"]
        self.vid_in = PatchLinear(c["vid_in_channels"] * ph * pw, dim)
        self.txt_in = nn.Linear(c["txt_in_dim"], dim)
        self.emb_in = TimeEmbedding(dim, 6 * dim)
        self.blocks = nn.ModuleList(Block(c, i) for i in range(c["num_layers"]))
        if c["vid_out_norm"]:
            self.vid_out_norm = RMSNorm(dim, c["norm_eps"], True)
            self.vid_out_ada = AdaSingle(dim, ["out"], modes=("in",))
        self.vid_out = PatchLinear(dim, c["vid_out_channels"] * ph * pw)

    def forward(self, vid: torch.Tensor, txt: torch.Tensor, timestep) -> torch.Tensor:
        c = self.config
        _, ph, pw = c["patch_size"]
        T, H, W, C = vid.shape
        h, w = H // ph, W // pw
        x = vid.view(T, h, ph, w, pw, C).permute(0, 1, 3, 2, 4, 5).reshape(T, h, w, ph * pw * C)
        x = self.vid_in.proj(x).reshape(T * h * w, -1)
        t = self.txt_in(txt)
        ts = torch.as_tensor(timestep, dtype=torch.float32, device=vid.device).reshape(1)
        emb = self.emb_in(ts, x.dtype)[0]
        for blk in self.blocks:
            x, t = blk(x, t, (T, h, w), emb)
        if c["vid_out_norm"]:
            e = emb.view(-1, 2, 3)[:, 0]
            x = self.vid_out_norm(x)
            x = x * (e[:, 1] + self.vid_out_ada.out_scale) + (e[:, 0] + self.vid_out_ada.out_shift)
        y = self.vid_out.proj(x).view(T, h, w, ph, pw, -1)
        return y.permute(0, 1, 3, 2, 4, 5).reshape(T, H, W, -1)
