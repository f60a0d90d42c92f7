"""Synchformer's visual feature extractor as MMAudio uses it: a MotionFormer (a ViT-B/16 of divided space-time
attention over segments of 16 frames at 224 px, 2 frames a patch), its patch tokens pooled frame by frame by one
transformer encoder layer with a class token: 8 features of 768 a segment.

Written after hkchengrex/MMAudio (MIT) @974010a026c731054592d8f777218bd9d85a6c24: mmaudio/ext/synchformer/
synchformer.py (only ``vfeat_extractor``), motionformer.py (MotionFormer with extract_features, factorize_space_time,
SpatialTransformerEncoderLayer, the time aggregation an identity), video_model_builder.py (VisionTransformer's
forward_features, 'separate' position embeddings) and vit_helper.py (DividedSpaceTimeBlock: time attention, then
space attention, then the MLP; DividedAttention: the class token attends to all, each patch to its own frame or
place with the class token); MotionFormer's settings from its divided_224_16x4.yaml (Synchformer: MIT, v-iashin).
The names are the release's under ``vfeat_extractor.``."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

HEAD_DIM = 64  # ViT-B's 768 / 12 heads: the head count is in no tensor's shape


class DividedAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, over_time: bool, frames: int):
        """``x``: (B, 1 + frames * places, D); each patch attends to the class token and to the patches of its own
        place (``over_time``) or of its own frame."""
        b, n, d = x.shape
        h = self.heads
        q, k, v = (t.view(b, n, h, -1).transpose(1, 2) for t in self.qkv(x).chunk(3, dim=-1))  # (B, H, N, d)
        cls_out = F.scaled_dot_product_attention(q[:, :, :1], k, v)
        places = (n - 1) // frames

        def grouped(t):  # (B, H, F*P, d) -> (B*G, H, L, d): G groups of L tokens
            t = t.reshape(b, h, frames, places, -1)
            t = t.permute(0, 3, 1, 2, 4) if over_time else t.permute(0, 2, 1, 3, 4)
            return t.reshape(-1, h, t.shape[3], t.shape[4])
        groups = places if over_time else frames
        qs, ks, vs = grouped(q[:, :, 1:]), grouped(k[:, :, 1:]), grouped(v[:, :, 1:])
        ks = torch.cat([k[:, :, :1].repeat_interleave(groups, 0), ks], dim=2)
        vs = torch.cat([v[:, :, :1].repeat_interleave(groups, 0), vs], dim=2)
        out = F.scaled_dot_product_attention(qs, ks, vs)  # (B*G, H, L, d)
        out = out.reshape(b, groups, h, out.shape[2], -1)
        out = out.permute(0, 2, 3, 1, 4) if over_time else out.permute(0, 2, 1, 3, 4)  # (B, H, F, P, d)
        out = torch.cat([cls_out, out.reshape(b, h, frames * places, -1)], dim=2)
        return self.proj(out.transpose(1, 2).reshape(b, n, d))


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class SpaceTimeBlock(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: int = 4):
        super().__init__()
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(dim, eps=1e-6) for _ in range(3))
        self.attn, self.timeattn = DividedAttention(dim, heads), DividedAttention(dim, heads)
        self.mlp = Mlp(dim, dim * mlp_ratio)

    def forward(self, x, frames: int):
        x = x + self.timeattn(self.norm3(x), True, frames)
        x = x + self.attn(self.norm1(x), False, frames)
        return x + self.mlp(self.norm2(x))


class FramePool(nn.TransformerEncoderLayer):
    """SpatialTransformerEncoderLayer: a frame's patch features with a class token through one pre-norm encoder
    layer; the class token's output is the frame's feature."""

    def __init__(self, dim: int, heads: int, mlp_ratio: int = 4):
        super().__init__(d_model=dim, nhead=heads, dim_feedforward=dim * mlp_ratio, dropout=0.0, activation=F.gelu,
                         layer_norm_eps=1e-6, batch_first=True, norm_first=True)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))

    def forward(self, x):  # (N, L, D) -> (N, D)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        return super().forward(x)[:, 0]


class PatchEmbed3D(nn.Module):
    def __init__(self, dim: int, patch: int, temporal: int):
        super().__init__()
        self.proj = nn.Conv3d(3, dim, (temporal, patch, patch), stride=(temporal, patch, patch))


class MotionFormer(nn.Module):
    def __init__(self, dim: int = 768, depth: int = 12, patch: int = 16, temporal: int = 2, frames: int = 8,
                 places: int = 196):
        super().__init__()
        heads = dim // HEAD_DIM
        self.frames = frames
        self.patch_embed_3d = PatchEmbed3D(dim, patch, temporal)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, places + 1, dim))
        self.temp_embed = nn.Parameter(torch.zeros(1, frames, dim))
        self.blocks = nn.ModuleList([SpaceTimeBlock(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.spatial_attn_agg = FramePool(dim, heads)

    def forward(self, x):
        """``x``: (N, 3, 16, 224, 224) segments in [-1, 1] -> (N, 8, D)."""
        x = self.patch_embed_3d.proj(x)  # (N, D, t, h, w)
        n, d, t, hh, ww = x.shape
        x = x.flatten(2).transpose(1, 2)  # (N, t*h*w, D), frame by frame
        places = hh * ww
        pos = self.pos_embed[:, 1:].repeat(1, t, 1) + self.temp_embed[:, :t].repeat_interleave(places, 1)
        x = torch.cat([self.cls_token.expand(n, -1, -1) + self.pos_embed[:, :1], x + pos], dim=1)
        for blk in self.blocks:
            x = blk(x, t)
        x = self.norm(x[:, 1:])  # (N, t*P, D)
        x = self.spatial_attn_agg(x.reshape(n * t, places, d))
        return x.view(n, t, d)


class Synchformer(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.vfeat_extractor = MotionFormer(**kw)

    def forward(self, segments):
        """(N, 16, 3, 224, 224) -> (N, 8, D)."""
        return self.vfeat_extractor(segments.permute(0, 2, 1, 3, 4))


def config_from_shapes(shapes: dict) -> dict:
    """MotionFormer's settings from the file's shapes (names under ``vfeat_extractor.``); KeyError for one not there."""
    p = "vfeat_extractor."
    w = shapes[p + "patch_embed_3d.proj.weight"]  # (D, 3, t, p, p)
    return dict(dim=w[0], depth=1 + max(int(k.split(".")[2]) for k in shapes if k.startswith(p + "blocks.")),
                patch=w[3], temporal=w[2], frames=shapes[p + "temp_embed"][1], places=shapes[p + "pos_embed"][1] - 1)
