"""The Mel-Band RoFormer network (voice_model.py says what it is and where its layout comes from): its modules named
and shaped as the checkpoints kijai's ComfyUI-MelBandRoFormer loads hold them, written for Studio after the MIT
reference (lucidrains/BS-RoFormer, bs_roformer/mel_band_roformer.py @ 4056daf5). Imported only when a model is
built (torch)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

ROTARY_THETA = 10000.0


class RMSNorm(nn.Module):
    def __init__(self, d: int):
        super().__init__()
        self.scale = d ** 0.5
        self.gamma = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return F.normalize(x, dim=-1) * self.scale * self.gamma


class Rotary(nn.Module):
    """Rotary positions over the sequence axis, on interleaved pairs of a head's features (the checkpoint holds
    the frequencies as 'freqs')."""
    def __init__(self, d: int):
        super().__init__()
        inv = 1.0 / (ROTARY_THETA ** (torch.arange(0, d, 2)[: d // 2].float() / d))
        self.freqs = nn.Parameter(inv, requires_grad=False)

    def forward(self, t):  # t: [..., n, d]
        n = t.shape[-2]
        ang = torch.arange(n, device=t.device, dtype=self.freqs.dtype)[:, None] * self.freqs[None, :]
        ang = ang.repeat_interleave(2, dim=-1).to(t.dtype)
        pairs = t.unflatten(-1, (-1, 2))
        turned = torch.stack((-pairs[..., 1], pairs[..., 0]), dim=-1).flatten(-2)
        return t * ang.cos() + turned * ang.sin()


class Attention(nn.Module):
    """Attention with rotary positions and a sigmoid gate per head."""
    def __init__(self, cfg, rotary: Rotary):
        super().__init__()
        self.heads, self.dim_head = cfg.heads, cfg.dim_head
        inner = cfg.heads * cfg.dim_head
        self.rotary_embed = rotary
        self.norm = RMSNorm(cfg.dim)
        self.to_qkv = nn.Linear(cfg.dim, inner * 3, bias=False)
        self.to_gates = nn.Linear(cfg.dim, cfg.heads)
        self.to_out = nn.Sequential(nn.Linear(inner, cfg.dim, bias=False))

    def forward(self, x):
        x = self.norm(x)
        b, n, _ = x.shape
        q, k, v = self.to_qkv(x).view(b, n, 3, self.heads, self.dim_head).permute(2, 0, 3, 1, 4)
        q, k = self.rotary_embed(q), self.rotary_embed(k)
        out = F.scaled_dot_product_attention(q, k, v)
        out = out * self.to_gates(x).sigmoid().transpose(1, 2)[..., None]
        return self.to_out(out.transpose(1, 2).reshape(b, n, -1))


class FeedForward(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.net = nn.Sequential(RMSNorm(dim), nn.Linear(dim, dim * 4), nn.GELU(), nn.Dropout(0.0),
                                 nn.Linear(dim * 4, dim), nn.Dropout(0.0))

    def forward(self, x):
        return self.net(x)


class Transformer(nn.Module):
    def __init__(self, cfg, depth: int, rotary: Rotary):
        super().__init__()
        self.layers = nn.ModuleList([nn.ModuleList([Attention(cfg, rotary), FeedForward(cfg.dim)])
                                     for _ in range(depth)])
        self.norm = RMSNorm(cfg.dim)

    def forward(self, x):
        for attn, ff in self.layers:
            x = attn(x) + x
            x = ff(x) + x
        return self.norm(x)


def mlp(d_in: int, d_out: int, hidden: int, depth: int) -> nn.Sequential:
    """Linear layers with Tanh between them: ``depth`` hidden layers of ``hidden``."""
    dims = (d_in, *([hidden] * depth), d_out)
    layers: list[nn.Module] = []
    for i in range(len(dims) - 1):
        layers.append(nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


class BandSplit(nn.Module):
    """Each band's bins (both channels, real and imaginary) projected to ``dim`` features."""
    def __init__(self, dim: int, sizes: list[int]):
        super().__init__()
        self.sizes = sizes
        self.to_features = nn.ModuleList([nn.Sequential(RMSNorm(s), nn.Linear(s, dim)) for s in sizes])

    def forward(self, x):
        return torch.stack([f(p) for p, f in zip(x.split(self.sizes, dim=-1), self.to_features)], dim=-2)


class MaskEstimator(nn.Module):
    """Each band's features back to a complex mask over its bins (an MLP, then a GLU)."""
    def __init__(self, cfg, sizes: list[int]):
        super().__init__()
        self.to_freqs = nn.ModuleList([
            nn.Sequential(mlp(cfg.dim, s * 2, cfg.dim * 4, cfg.mask_depth), nn.GLU(dim=-1)) for s in sizes])

    def forward(self, x):
        return torch.cat([f(band) for band, f in zip(x.unbind(dim=-2), self.to_freqs)], dim=-1)


class MelBandRoformer(nn.Module):
    """[b, channels, n] sound -> [b, stems, channels, n'] (n' whole hops): its STFT masked per bin."""
    def __init__(self, cfg, bands):
        super().__init__()
        ch = 2 if cfg.stereo else 1
        self.channels = ch
        self.stft = {"n_fft": cfg.n_fft, "hop_length": cfg.hop, "win_length": cfg.win}
        t_rot, f_rot = Rotary(cfg.dim_head), Rotary(cfg.dim_head)
        self.layers = nn.ModuleList([nn.ModuleList([Transformer(cfg, cfg.time_depth, t_rot),
                                                    Transformer(cfg, cfg.freq_depth, f_rot)])
                                     for _ in range(cfg.depth)])
        bands = torch.from_numpy(bands)
        idx = torch.arange(bands.shape[1])[None, :].expand_as(bands)[bands]
        idx = (idx[:, None] * ch + torch.arange(ch)[None, :]).reshape(-1)  # (bin, channel) interleaved
        self.register_buffer("freq_indices", idx, persistent=False)
        self.register_buffer("bands_per_bin", bands.sum(0), persistent=False)
        sizes = [2 * int(n) * ch for n in bands.sum(1).tolist()]
        self.band_split = BandSplit(cfg.dim, sizes)
        self.mask_estimators = nn.ModuleList([MaskEstimator(cfg, sizes) for _ in range(cfg.num_stems)])

    def _features(self, spec, b: int, frames: int):
        """The bands' features after the time and band transformers: [b, t, bands, d]."""
        x = torch.view_as_real(spec[:, self.freq_indices])  # [b, f, t, 2]
        x = self.band_split(x.permute(0, 2, 1, 3).reshape(b, frames, -1))
        for time_tf, freq_tf in self.layers:
            nb = x.shape[2]
            x = x.permute(0, 2, 1, 3).reshape(b * nb, frames, -1)
            x = time_tf(x).view(b, nb, frames, -1).permute(0, 2, 1, 3).reshape(b * frames, nb, -1)
            x = freq_tf(x).view(b, frames, nb, -1)
        return x

    def forward(self, audio):
        b, ch, n = audio.shape
        win = torch.hann_window(self.stft["win_length"], device=audio.device)
        spec = torch.stft(audio.reshape(b * ch, n), **self.stft, window=win, return_complex=True)
        frames = spec.shape[-1]
        spec = spec.view(b, ch, -1, frames).permute(0, 2, 1, 3).reshape(b, -1, frames)  # [b, (bin ch), t]
        x = self._features(spec, b, frames)
        denom = self.bands_per_bin.repeat_interleave(ch).clamp(min=1).to(torch.float32)[:, None]
        outs = []
        for est in self.mask_estimators:
            m = torch.view_as_complex(est(x).view(b, frames, -1, 2).permute(0, 2, 1, 3).contiguous().float())
            summed = torch.zeros_like(spec).index_add_(1, self.freq_indices, m)  # masks averaged where bands overlap
            masked = (spec * (summed / denom)).view(b, -1, ch, frames).permute(0, 2, 1, 3)
            wav = torch.istft(masked.reshape(b * ch, -1, frames), **self.stft, window=win)
            outs.append(wav.view(b, ch, -1))
        return torch.stack(outs, dim=1)
