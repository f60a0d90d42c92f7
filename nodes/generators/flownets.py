"""Networks of the dense-flow generator (``flowvideo``): a 2-D UNet with cross-attention to text
tokens (the key-frame denoiser and the flow generator are both one), the refinement network, a
temporal discriminator and a fixed feature network for the content loss."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .nets import STResBlock, groups, timestep_embedding


class CrossAttention(nn.Module):
    """Each position of a feature map ``[N, C, H, W]`` attends to tokens ``[N, L, D]`` (masked);
    zero-initialised output, so a fresh block is the identity."""

    def __init__(self, channels: int, token_dim: int, heads: int = 4):
        super().__init__()
        self.heads = heads if channels % heads == 0 else 1
        self.norm = nn.GroupNorm(groups(channels), channels)
        self.q = nn.Linear(channels, channels, bias=False)
        self.kv = nn.Linear(token_dim, 2 * channels, bias=False)
        self.out = nn.Linear(channels, channels)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        q = self.q(self.norm(x).flatten(2).transpose(1, 2))  # [N, HW, C]
        k, v = self.kv(tokens).chunk(2, dim=-1)  # [N, L, C]
        hd = c // self.heads

        def split(t):
            return t.reshape(n, -1, self.heads, hd).transpose(1, 2)
        a = F.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=mask[:, None, None, :].bool())
        a = a.transpose(1, 2).reshape(n, h * w, c)
        return x + self.out(a).transpose(1, 2).reshape(n, c, h, w)


class TokenMixer(nn.Module):
    """A 1-D convolution over the token sequence (a window wide enough to span one object's
    phrase), residual: lets a motion word reach the colour and shape words it belongs to before
    the image attends to them (measured: without it, binding colour to direction stalls)."""

    def __init__(self, dim: int, window: int = 9):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.conv = nn.Conv1d(dim, dim, window, padding=window // 2, groups=max(1, dim // 32))
        nn.init.zeros_(self.conv.weight)
        nn.init.zeros_(self.conv.bias)

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask[..., None].to(tokens.dtype)
        return tokens + self.conv((self.norm(tokens) * m).transpose(1, 2)).transpose(1, 2) * m


class AttnUNet(nn.Module):
    """``[N, Cin, H, W]`` -> ``[N, Cout, H, W]``: residual blocks with FiLM from an embedding
    (time step and pooled condition) and cross-attention to tokens below full resolution."""

    def __init__(self, cin: int, cout: int, base: int, mults, emb: int, token_dim: int, attn_from: int = 1,
                 heads: int = 4, zero_out: bool = True):
        super().__init__()
        chs = [base * m for m in mults]
        self.inp = nn.Conv2d(cin, chs[0], 3, padding=1)
        self.down, self.dattn, self.pools = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        c, skips = chs[0], []
        for i, co in enumerate(chs):
            self.down.append(STResBlock(c, co, emb, temporal=False))
            self.dattn.append(CrossAttention(co, token_dim, heads) if i >= attn_from else nn.Identity())
            c = co
            skips.append(c)
            self.pools.append(nn.Conv2d(c, c, 3, stride=2, padding=1) if i < len(chs) - 1 else nn.Identity())
        self.mid = STResBlock(c, c, emb, temporal=False)
        self.mattn = CrossAttention(c, token_dim, heads)
        self.up, self.uattn, self.ups = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for i, co in reversed(list(enumerate(chs))):
            self.up.append(STResBlock(c + skips[i], co, emb, temporal=False))
            self.uattn.append(CrossAttention(co, token_dim, heads) if i >= attn_from else nn.Identity())
            c = co
            self.ups.append(nn.Upsample(scale_factor=2, mode="nearest") if i > 0 else nn.Identity())
        self.out_n = nn.GroupNorm(groups(c), c)
        self.out = nn.Conv2d(c, cout, 3, padding=1)
        if zero_out:
            nn.init.zeros_(self.out.weight)
            nn.init.zeros_(self.out.bias)

    @staticmethod
    def _attn(blk, x, tokens, mask):
        return x if isinstance(blk, nn.Identity) else blk(x, tokens, mask)

    def forward(self, x, emb, tokens, mask):
        h = self.inp(x)
        skips = []
        for blk, at, pool in zip(self.down, self.dattn, self.pools):
            h = self._attn(at, blk(h, emb, 1), tokens, mask)
            skips.append(h)
            h = pool(h)
        h = self.mattn(self.mid(h, emb, 1), tokens, mask)
        for blk, at, up in zip(self.up, self.uattn, self.ups):
            h = self._attn(at, blk(torch.cat([h, skips.pop()], dim=1), emb, 1), tokens, mask)
            h = up(h)
        return self.out(F.silu(self.out_n(h)))


class Conditioner(nn.Module):
    """Pooled features -> an embedding; tokens -> mixed tokens; learned 'no condition' versions of
    both for classifier-free guidance."""

    def __init__(self, cond_dim: int, token_dim: int, emb: int, window: int = 9):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(cond_dim, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.null = nn.Parameter(torch.zeros(emb))
        self.null_token = nn.Parameter(torch.zeros(token_dim))
        self.mix = TokenMixer(token_dim, window)

    def forward(self, cond, tokens, mask, drop=None):
        e = self.mlp(cond)
        tokens = self.mix(tokens, mask)
        if drop is not None:
            e = torch.where(drop[:, None], self.null[None].expand_as(e), e)
            nt = self.null_token[None, None].expand_as(tokens)
            tokens = torch.where(drop[:, None, None], nt, tokens)
            mask = torch.where(drop[:, None], torch.zeros_like(mask), mask)
            mask[:, 0] = 1  # at least one token to attend to
        return e, tokens, mask


def time_embed(t: torch.Tensor, emb: int, mlp: nn.Module) -> torch.Tensor:
    return mlp(timestep_embedding(t, emb))


class TemporalDiscriminator(nn.Module):
    """Clips ``[B, 3, T, H, W]`` -> a realness score per clip: 3-D convolutions over space and time
    (the adversarial temporal discriminator of spatio-temporal GANs), spectral-normalised."""

    def __init__(self, base: int = 16):
        super().__init__()
        sn = nn.utils.spectral_norm
        self.net = nn.Sequential(
            sn(nn.Conv3d(3, base, (3, 4, 4), stride=(1, 2, 2), padding=(1, 1, 1))), nn.LeakyReLU(0.2),
            sn(nn.Conv3d(base, 2 * base, (3, 4, 4), stride=(2, 2, 2), padding=(1, 1, 1))), nn.LeakyReLU(0.2),
            sn(nn.Conv3d(2 * base, 4 * base, (3, 3, 3), stride=(2, 2, 2), padding=1)), nn.LeakyReLU(0.2),
            sn(nn.Conv3d(4 * base, 1, 1)))

    def forward(self, video: torch.Tensor) -> torch.Tensor:
        return self.net(video).mean(dim=(1, 2, 3, 4))


class FeatureNet(nn.Module):
    """A fixed multi-scale feature extractor for the content (feature/perceptual) loss. No
    pretrained image network ships with the app (nothing is downloaded), so its weights are random
    and fixed by a seed: random convolutional features still compare edges, colours and textures
    at several scales better than pixels do. Not saved (rebuilt from the seed)."""

    def __init__(self, seed: int = 1234):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.w = [torch.randn(16, 3, 3, 3, generator=g) / 3.0, torch.randn(32, 16, 3, 3, generator=g) / 12.0,
                  torch.randn(32, 32, 3, 3, generator=g) / 17.0]

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        out = []
        for i, w in enumerate(self.w):
            x = F.leaky_relu(F.conv2d(x, w.to(x), padding=1, stride=1 if i == 0 else 2), 0.2)
            out.append(x)
        return out
