"""MMAudio's network: a multimodal diffusion transformer predicting the flow of the sound's VAE latents from the
clip's CLIP features (8 a second), its Synchformer features (24 a second) and the prompt's CLIP text features.

Written after hkchengrex/MMAudio (MIT) @974010a026c731054592d8f777218bd9d85a6c24: mmaudio/model/networks.py
(MMAudio: the input projections, the conditions made once, predict_flow, the empty conditions of classifier-free
guidance), transformer_layers.py (MMDitSingleBlock, JointBlock, FinalBlock), low_level.py (MLP, ConvMLP,
ChannelLastConv1d), embeddings.py (TimestepEmbedder) and ext/rotary_embeddings.py. The parameters keep the
release's names, so kijai's ComfyUI-MMAudio files (mmaudio_large_44k_v2_fp16.safetensors...) load as they are.
diffusers 0.42.1 has no class of it (it carries MMAudio's VAE and vocoder only), hence this file."""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SYNC_FRAMES = 8  # feature frames each Synchformer segment gives (networks.py's sync_pos_emb)


def rope(length: int, dim: int, scaling: float = 1.0) -> torch.Tensor:
    """Rotations (1, length, dim / 2, 2, 2) of rotary position embedding, theta 10000 (rotary_embeddings.py)."""
    pos = torch.arange(length, dtype=torch.float32)
    freqs = 1.0 / (10000 ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim)) * scaling
    a = pos[:, None] * freqs[None]
    return torch.stack([a.cos(), -a.sin(), a.sin(), a.cos()], -1).view(1, length, dim // 2, 2, 2)


def apply_rope(x: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    pairs = x.float().view(*x.shape[:-1], -1, 1, 2)
    return (rot[..., 0] * pairs[..., 0] + rot[..., 1] * pairs[..., 1]).reshape(x.shape).to(x.dtype)


class Conv1dLast(nn.Conv1d):
    """A 1-D convolution over (batch, length, channels)."""

    def forward(self, x):
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


def _hidden(hidden: int, multiple: int = 256) -> int:
    h = int(2 * hidden / 3)
    return multiple * ((h + multiple - 1) // multiple)


class MLP(nn.Module):
    """SwiGLU feed-forward (w2(silu(w1 x) * w3 x)), its width 2/3 of ``hidden`` rounded up to 256."""

    def __init__(self, dim: int, hidden: int, kernel: int = 1):
        super().__init__()
        h = _hidden(hidden)
        if kernel == 1:
            self.w1, self.w2, self.w3 = (nn.Linear(dim, h, bias=False), nn.Linear(h, dim, bias=False),
                                         nn.Linear(dim, h, bias=False))
        else:
            pad = kernel // 2
            self.w1, self.w2, self.w3 = (Conv1dLast(dim, h, kernel, padding=pad, bias=False),
                                         Conv1dLast(h, dim, kernel, padding=pad, bias=False),
                                         Conv1dLast(dim, h, kernel, padding=pad, bias=False))

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class SelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.q_norm = nn.RMSNorm(dim // heads)
        self.k_norm = nn.RMSNorm(dim // heads)

    def qkv_of(self, x, rot):
        b, n, _ = x.shape
        q, k, v = self.qkv(x).view(b, n, self.heads, -1, 3).permute(4, 0, 2, 1, 3)  # 'b n (h d j)'
        q, k = self.q_norm(q), self.k_norm(k)
        if rot is not None:
            q, k = apply_rope(q, rot), apply_rope(k, rot)
        return q, k, v


def attention(q, k, v):
    out = F.scaled_dot_product_attention(q.contiguous(), k.contiguous(), v.contiguous())
    return out.transpose(1, 2).flatten(2)


def modulate(x, shift, scale):
    return x * (1 + scale) + shift


class Block(nn.Module):
    """MMDitSingleBlock: adaLN-modulated attention and feed-forward; ``pre_only``: only the attention's input (the
    last joint block's clip and text streams); kernel 1: linear layers, else convolutions over the sequence."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float = 4.0, pre_only: bool = False, kernel: int = 3):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=False)
        self.attn = SelfAttention(dim, heads)
        self.pre_only = pre_only
        if pre_only:
            self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))
            return
        self.linear1 = nn.Linear(dim, dim) if kernel == 1 else Conv1dLast(dim, dim, kernel, padding=kernel // 2)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=False)
        self.ffn = MLP(dim, int(dim * mlp_ratio), kernel)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))

    def pre(self, x, c, rot):
        mods = self.adaLN_modulation(c).chunk(2 if self.pre_only else 6, dim=-1)
        return self.attn.qkv_of(modulate(self.norm1(x), mods[0], mods[1]), rot), mods[2:]

    def post(self, x, out, mods):
        if self.pre_only:
            return x
        gate_msa, shift_mlp, scale_mlp, gate_mlp = mods
        x = x + self.linear1(out) * gate_msa
        return x + self.ffn(modulate(self.norm2(x), shift_mlp, scale_mlp)) * gate_mlp

    def forward(self, x, c, rot):
        qkv, mods = self.pre(x, c, rot)
        return self.post(x, attention(*qkv), mods)


class JointBlock(nn.Module):
    """The audio latents, the clip features and the text features attending together, each with its own weights."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float, pre_only: bool):
        super().__init__()
        self.latent_block = Block(dim, heads, mlp_ratio, False, 3)
        self.clip_block = Block(dim, heads, mlp_ratio, pre_only, 3)
        self.text_block = Block(dim, heads, mlp_ratio, pre_only, 1)
        self.pre_only = pre_only

    def forward(self, latent, clip_f, text_f, global_c, extended_c, latent_rot, clip_rot):
        x_qkv, x_mod = self.latent_block.pre(latent, extended_c, latent_rot)
        c_qkv, c_mod = self.clip_block.pre(clip_f, global_c, clip_rot)
        t_qkv, t_mod = self.text_block.pre(text_f, global_c, None)
        out = attention(*[torch.cat([x_qkv[i], c_qkv[i], t_qkv[i]], dim=2) for i in range(3)])
        n1, n2 = latent.shape[1], clip_f.shape[1]
        latent = self.latent_block.post(latent, out[:, :n1], x_mod)
        if not self.pre_only:
            clip_f = self.clip_block.post(clip_f, out[:, n1:n1 + n2], c_mod)
            text_f = self.text_block.post(text_f, out[:, n1 + n2:], t_mod)
        return latent, clip_f, text_f


class FinalBlock(nn.Module):
    def __init__(self, dim: int, out_dim: int):
        super().__init__()
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))
        self.norm = nn.LayerNorm(dim, elementwise_affine=False)
        self.conv = Conv1dLast(dim, out_dim, 7, padding=3)

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=-1)
        return self.conv(modulate(self.norm(x), shift, scale))


class TimestepEmbedder(nn.Module):
    def __init__(self, dim: int, freq_size: int, max_period: float):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(freq_size, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.freq_size, self.max_period = freq_size, max_period
        self.register_buffer("freqs", self.make_freqs(), persistent=False)

    def make_freqs(self) -> torch.Tensor:
        f = 1.0 / (10000 ** (torch.arange(0, self.freq_size, 2, dtype=torch.float32) / self.freq_size))
        return f * (10000 / self.max_period)

    def forward(self, t):
        args = t[:, None].float() * self.freqs[None]
        return self.mlp(torch.cat([args.cos(), args.sin()], dim=-1).to(t.dtype))


class MMAudioNet(nn.Module):
    """The network (networks.py's MMAudio); ``v2``: the later form (SiLU after the input projections, time embedded
    at the width's own frequencies with period 1) of mmaudio_large_44k_v2."""

    def __init__(self, *, latent_dim: int, clip_dim: int, sync_dim: int, text_dim: int, hidden_dim: int, depth: int,
                 fused_depth: int, num_heads: int, text_seq_len: int = 77, v2: bool = False, mlp_ratio: float = 4.0):
        super().__init__()
        self.config = dict(latent_dim=latent_dim, clip_dim=clip_dim, sync_dim=sync_dim, text_dim=text_dim,
                           hidden_dim=hidden_dim, depth=depth, fused_depth=fused_depth, num_heads=num_heads,
                           text_seq_len=text_seq_len, v2=v2)
        self.latent_dim, self.hidden_dim, self.num_heads = latent_dim, hidden_dim, num_heads
        act = nn.SiLU if v2 else nn.SELU
        h = hidden_dim
        self.audio_input_proj = nn.Sequential(Conv1dLast(latent_dim, h, 7, padding=3), act(), MLP(h, h * 4, 7))
        self.clip_input_proj = nn.Sequential(nn.Linear(clip_dim, h), *([nn.SiLU()] if v2 else []), MLP(h, h * 4, 3))
        self.sync_input_proj = nn.Sequential(Conv1dLast(sync_dim, h, 7, padding=3), act(), MLP(h, h * 4, 3))
        self.text_input_proj = nn.Sequential(nn.Linear(text_dim, h), *([nn.SiLU()] if v2 else []), MLP(h, h * 4))
        self.clip_cond_proj = nn.Linear(h, h)
        self.text_cond_proj = nn.Linear(h, h)
        self.global_cond_mlp = MLP(h, h * 4)
        self.sync_pos_emb = nn.Parameter(torch.zeros(1, 1, SYNC_FRAMES, sync_dim))
        self.final_layer = FinalBlock(h, latent_dim)
        self.t_embed = TimestepEmbedder(h, h, 1) if v2 else TimestepEmbedder(h, 256, 10000)
        joint = depth - fused_depth
        self.joint_blocks = nn.ModuleList([JointBlock(h, num_heads, mlp_ratio, i == joint - 1) for i in range(joint)])
        self.fused_blocks = nn.ModuleList([Block(h, num_heads, mlp_ratio, False, 3) for _ in range(fused_depth)])
        self.latent_mean = nn.Parameter(torch.zeros(1, 1, latent_dim), requires_grad=False)
        self.latent_std = nn.Parameter(torch.ones(1, 1, latent_dim), requires_grad=False)
        self.empty_string_feat = nn.Parameter(torch.zeros(text_seq_len, text_dim), requires_grad=False)
        self.empty_clip_feat = nn.Parameter(torch.zeros(1, clip_dim), requires_grad=False)
        self.empty_sync_feat = nn.Parameter(torch.zeros(1, sync_dim), requires_grad=False)

    def computed_buffers(self) -> None:
        """The buffers no file holds (the time embedding's frequencies), made again after a load onto the meta
        skeleton."""
        self.t_embed.freqs = self.t_embed.make_freqs().to(self.latent_mean.device)

    def conditions(self, clip_f, sync_f, text_f, latent_len: int) -> dict:
        """What does not change over the steps (networks.py's preprocess_conditions)."""
        b = clip_f.shape[0]
        sync_f = (sync_f.view(b, -1, SYNC_FRAMES, sync_f.shape[-1]) + self.sync_pos_emb).flatten(1, 2)
        clip_f, sync_f, text_f = self.clip_input_proj(clip_f), self.sync_input_proj(sync_f), self.text_input_proj(text_f)
        sync_f = F.interpolate(sync_f.transpose(1, 2), size=latent_len, mode="nearest-exact").transpose(1, 2)
        hd = self.hidden_dim // self.num_heads
        dev = clip_f.device
        return {"clip_f": clip_f, "sync_f": sync_f, "text_f": text_f,
                "clip_f_c": self.clip_cond_proj(clip_f.mean(dim=1)), "text_f_c": self.text_cond_proj(text_f.mean(dim=1)),
                "latent_rot": rope(latent_len, hd).to(dev),
                "clip_rot": rope(clip_f.shape[1], hd, latent_len / clip_f.shape[1]).to(dev)}

    def empty(self, batch: int, clip_len: int, sync_len: int, text_f=None) -> tuple:
        """(clip, sync, text) features of no condition: the learnt empty clip and sync features, the empty string's
        text features unless a negative prompt's are given."""
        return (self.empty_clip_feat[None].expand(batch, clip_len, -1),
                self.empty_sync_feat[None].expand(batch, sync_len, -1),
                self.empty_string_feat[None].expand(batch, -1, -1) if text_f is None else text_f)

    def forward(self, latent, t, cond: dict):
        """The flow at time ``t`` (networks.py's predict_flow)."""
        latent = self.audio_input_proj(latent)
        global_c = self.t_embed(t)[:, None] + self.global_cond_mlp(cond["clip_f_c"] + cond["text_f_c"])[:, None]
        extended_c = global_c + cond["sync_f"]
        clip_f, text_f = cond["clip_f"], cond["text_f"]
        for block in self.joint_blocks:
            latent, clip_f, text_f = block(latent, clip_f, text_f, global_c, extended_c, cond["latent_rot"],
                                           cond["clip_rot"])
        for block in self.fused_blocks:
            latent = block(latent, extended_c, cond["latent_rot"])
        return self.final_layer(latent, global_c)  # global_c, as the release (its issue #55)


def config_from_shapes(shapes: dict) -> dict:
    """The network's settings from its tensors' shapes (``name -> shape``); KeyError for a name not there."""
    h = shapes["audio_input_proj.0.bias"][0]
    head = shapes["joint_blocks.0.latent_block.attn.q_norm.weight"][0]
    joint = 1 + max(int(k.split(".")[1]) for k in shapes if k.startswith("joint_blocks."))
    fused = 1 + max((int(k.split(".")[1]) for k in shapes if k.startswith("fused_blocks.")), default=-1)
    return dict(latent_dim=shapes["audio_input_proj.0.weight"][1], clip_dim=shapes["clip_input_proj.0.weight"][1],
                sync_dim=shapes["sync_input_proj.0.weight"][1], text_dim=shapes["text_input_proj.0.weight"][1],
                hidden_dim=h, depth=joint + fused, fused_depth=fused, num_heads=h // head,
                text_seq_len=shapes["empty_string_feat"][0], v2=shapes["t_embed.mlp.0.weight"][1] == h)


def euler(net: MMAudioNet, x, cond: dict, empty: dict, cfg: float, steps: int, step_done=None):
    """x from noise (t 0) to data (t 1) in ``steps`` even Euler steps, the flow guided: cfg * conditioned +
    (1 - cfg) * empty (flow_matching.py's 'euler', networks.py's ode_wrapper; min_sigma 0)."""
    ts = torch.linspace(0, 1, steps + 1)
    for i in range(steps):
        t = torch.full((x.shape[0],), float(ts[i]), device=x.device, dtype=x.dtype)
        flow = net(x, t, cond)
        if cfg >= 1.0:
            flow = cfg * flow + (1 - cfg) * net(x, t, empty)
        x = x + (ts[i + 1] - ts[i]).item() * flow
        if step_done:
            step_done(i + 1, steps)
    return x


def seq_lengths(duration: float, sample_rate: int, hop: int) -> dict:
    """The sequences' lengths for ``duration`` seconds (sequence_config.py): latents of 2 mel frames, clip features
    at 8 a second, Synchformer segments of 16 frames at 25 a second stepping 8, 8 features a segment."""
    latent = int(math.ceil(duration * sample_rate / hop / 2))
    sync_frames = duration * 25
    segments = int((sync_frames - 16) // 8 + 1)
    return {"latent": latent, "clip": int(duration * 8), "sync": segments * SYNC_FRAMES, "samples": latent * hop * 2,
            "segments": segments, "sync_frames": int(sync_frames), "clip_frames": int(duration * 8)}
