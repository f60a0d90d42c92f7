"""Fusion networks. Plain ``torch.nn.Module``s, differentiable end to end, usable without the
graph (a generator can own one and train it).

Every module is built with the feature size of each modality (``None`` for a modality that is
never present) and called with a list of tensors, one per modality, each

* ``[B, T, D]`` per-frame features (kind ``"frame"``),
* ``[B, D]`` clip-level features, broadcast over the frames (kind ``"clip"``),
* ``[B, L, D]`` a token sequence shared by every frame (kind ``"seq"``, e.g. text tokens;
  cross-attention attends over its tokens, the others mean-pool it),
* or ``None``: the modality is missing and its learned null embedding stands in.

``forward`` returns ``(fused [B, T, out_dim], info)``; ``info['dominance']`` is ``[B, T, M]``,
non-negative, summing to 1 over the modalities: how much each input drives the result.
Per-frame inputs must agree on T; T is 1 when no input is per-frame.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

KINDS = ("frame", "clip", "seq")


def infer_kind(x: torch.Tensor | None) -> str | None:
    if x is None:
        return None
    return {2: "clip", 3: "frame"}.get(x.ndim) or _bad_rank(x)


def _bad_rank(x):
    raise ValueError(f"fusion inputs must be [B, D], [B, T, D] or [B, L, D]; got shape {tuple(x.shape)}")


class FusionBase(nn.Module):
    kind = "fusion"

    def __init__(self, in_dims: Sequence[int | None], dim: int = 64, names: Sequence[str] | None = None):
        super().__init__()
        if not in_dims:
            raise ValueError("fusion needs at least one modality")
        self.in_dims = [int(d) if d else None for d in in_dims]
        self.dim = int(dim)
        self.names = list(names) if names else [f"m{i}" for i in range(len(in_dims))]
        self.proj = nn.ModuleList(nn.Linear(d, dim) if d else nn.Identity() for d in self.in_dims)
        self.null = nn.Parameter(torch.randn(len(in_dims), dim) * 0.02)
        self.out_dim = dim

    @property
    def n(self) -> int:
        return len(self.in_dims)

    def config(self) -> dict:
        return {"kind": "fusion." + self.kind, "in_dims": self.in_dims, "dim": self.dim, "names": self.names}

    # -- inputs -------------------------------------------------------------------------
    def _check(self, xs, kinds):
        if len(xs) != self.n:
            raise ValueError(f"expected {self.n} inputs (one per modality, None when missing), got {len(xs)}")
        kinds = list(kinds) if kinds is not None else [infer_kind(x) for x in xs]
        b, t = None, None
        for i, (x, k) in enumerate(zip(xs, kinds)):
            if x is None:
                continue
            name = self.names[i]
            if self.in_dims[i] is None:
                raise ValueError(f"input '{name}' was absent when the fusion was built; rebuild it with its size")
            if k not in KINDS:
                raise ValueError(f"input '{name}': unknown kind {k!r}")
            if x.shape[-1] != self.in_dims[i]:
                raise ValueError(f"input '{name}' has {x.shape[-1]} features, the fusion was built for {self.in_dims[i]}")
            if (k == "clip") != (x.ndim == 2):
                raise ValueError(f"input '{name}' of kind '{k}' has shape {tuple(x.shape)}")
            if b is not None and x.shape[0] != b:
                raise ValueError(f"input '{name}' has batch {x.shape[0]}, another input has {b}")
            b = x.shape[0]
            if k == "frame":
                if t is not None and x.shape[1] != t:
                    raise ValueError(f"mismatched frame counts: input '{name}' has {x.shape[1]} frames, "
                                     f"another per-frame input has {t}")
                t = x.shape[1]
        return kinds, (b or 1), (t or 1)

    def embed(self, xs, kinds=None):
        """Projected modalities ``h [B, T, M, dim]`` (sequences mean-pooled), and B, T."""
        kinds, b, t = self._check(xs, kinds)
        hs = []
        for i, (x, k) in enumerate(zip(xs, kinds)):
            if x is None:
                h = self.null[i].expand(b, t, self.dim)
            else:
                h = self.proj[i](x)
                if k == "clip":
                    h = h[:, None].expand(b, t, self.dim)
                elif k == "seq":
                    h = h.mean(1, keepdim=True).expand(b, t, self.dim)
            hs.append(h)
        return torch.stack(hs, dim=2), b, t

    @staticmethod
    def shares(w: torch.Tensor) -> torch.Tensor:
        w = w.clamp_min(0)
        return w / w.sum(-1, keepdim=True).clamp_min(1e-12)


class ConcatFusion(FusionBase):
    """Project each modality to ``dim`` and concatenate: out_dim = M * dim."""
    kind = "concat"

    def __init__(self, in_dims, dim=64, names=None):
        super().__init__(in_dims, dim, names)
        self.out_dim = dim * self.n

    def forward(self, xs, kinds=None):
        h, b, t = self.embed(xs, kinds)
        return h.reshape(b, t, -1), {"dominance": self.shares(h.norm(dim=-1))}


class GatedFusion(FusionBase):
    """A sigmoid gate per modality (from all modalities) weighs tanh-projected features:
    out = sum_m g_m * tanh(h_m)  (a gated multimodal unit with M inputs)."""
    kind = "gated"

    def __init__(self, in_dims, dim=64, names=None):
        super().__init__(in_dims, dim, names)
        self.gate = nn.Linear(self.n * dim, self.n)

    def forward(self, xs, kinds=None):
        h, b, t = self.embed(xs, kinds)
        g = torch.sigmoid(self.gate(h.reshape(b, t, -1)))
        out = (g[..., None] * torch.tanh(h)).sum(2)
        return out, {"gates": g, "dominance": self.shares(g)}


class CrossAttentionFusion(FusionBase):
    """Multi-head attention: the first modality queries, per frame, the tokens of the others
    (one token per per-frame or clip-level input, every token of a sequence input; a missing
    modality gives its null token). out = LayerNorm(q + attn) + MLP, residual."""
    kind = "cross_attention"

    def __init__(self, in_dims, dim=64, names=None, heads=4):
        super().__init__(in_dims, dim, names)
        if self.n < 2:
            raise ValueError("cross-attention needs a query input and at least one other input")
        if dim % heads:
            raise ValueError(f"dim {dim} is not divisible by heads {heads}")
        self.heads = heads
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def config(self):
        return {**super().config(), "heads": self.heads}

    def forward(self, xs, kinds=None):
        kinds, b, t = self._check(xs, kinds)
        if xs[0] is None:
            q = self.null[0].expand(b, t, self.dim)
        else:
            q = self.proj[0](xs[0])
            if kinds[0] == "clip":
                q = q[:, None]
            elif kinds[0] == "seq":
                q = q.mean(1, keepdim=True)
            q = q.expand(b, t, self.dim)
        toks, owner = [], []
        for i in range(1, self.n):
            x, k = xs[i], kinds[i]
            if x is None:
                toks.append(self.null[i].expand(b, t, 1, self.dim))
                n_tok = 1
            else:
                h = self.proj[i](x)
                if k == "frame":
                    toks.append(h[:, :, None])
                    n_tok = 1
                elif k == "clip":
                    toks.append(h[:, None, None].expand(b, t, 1, self.dim))
                    n_tok = 1
                else:
                    toks.append(h[:, None].expand(b, t, h.shape[1], self.dim))
                    n_tok = h.shape[1]
            owner += [i] * n_tok
        kv = torch.cat(toks, dim=2).reshape(b * t, -1, self.dim)
        a, w = self.attn(q.reshape(b * t, 1, self.dim), kv, kv, need_weights=True, average_attn_weights=False)
        x = self.norm1(q + a.reshape(b, t, self.dim))
        out = self.norm2(x + self.mlp(x))
        w = w.reshape(b, t, self.heads, -1)  # [B, T, heads, K]
        own = torch.tensor(owner, device=w.device)
        per_mod = torch.zeros(b, t, self.n, device=w.device, dtype=w.dtype)
        per_mod = per_mod.index_add(2, own, w.mean(2))  # [B, T, M]; the query's own slot stays 0
        return out, {"attention": w.mean(2), "attention_heads": w, "token_owner": owner,
                     "modality_weights": per_mod[..., 1:],
                     "dominance": self.shares(per_mod)}


class TensorFusion(FusionBase):
    """Low-rank multimodal tensor fusion (Liu et al. 2018): the outer product of the
    [h_m, 1] vectors, through rank-R factors, without forming the tensor.
    Dominance: how far the output moves when a modality is replaced by its null embedding."""
    kind = "tensor"

    def __init__(self, in_dims, dim=64, names=None, rank=4):
        super().__init__(in_dims, dim, names)
        self.rank = rank
        self.factors = nn.Parameter(torch.randn(self.n, rank, dim + 1, dim) * (dim + 1) ** -0.5)
        self.rank_weights = nn.Parameter(torch.full((rank,), 1.0 / rank))
        self.bias = nn.Parameter(torch.zeros(dim))

    def config(self):
        return {**super().config(), "rank": self.rank}

    def fuse(self, h: torch.Tensor) -> torch.Tensor:
        z = torch.cat([h, torch.ones_like(h[..., :1])], dim=-1)  # [B, T, M, dim+1]
        f = torch.einsum("btmi,mrio->btmro", z, self.factors)    # [B, T, M, R, out]
        return torch.einsum("btro,r->bto", f.prod(dim=2), self.rank_weights) + self.bias

    def forward(self, xs, kinds=None):
        h, b, t = self.embed(xs, kinds)
        out = self.fuse(h)
        with torch.no_grad():
            infl = []
            for m in range(self.n):
                hm = h.detach().clone()
                hm[:, :, m] = self.null[m]
                infl.append((self.fuse(hm) - out.detach()).norm(dim=-1))
            infl = torch.stack(infl, -1)
        return out, {"influence": infl, "dominance": self.shares(infl)}


class FiLMFusion(FusionBase):
    """Feature-wise linear modulation: the first modality is modulated by the others,
    out = (1 + sum_m G_m c_m) * h_0 + sum_m B_m c_m."""
    kind = "film"

    def __init__(self, in_dims, dim=64, names=None):
        super().__init__(in_dims, dim, names)
        if self.n < 2:
            raise ValueError("FiLM needs the features to modulate and at least one conditioning input")
        self.gamma = nn.ModuleList(nn.Linear(dim, dim) for _ in range(self.n - 1))
        self.beta = nn.ModuleList(nn.Linear(dim, dim) for _ in range(self.n - 1))
        for lin in list(self.gamma) + list(self.beta):  # start near the identity modulation
            nn.init.normal_(lin.weight, std=0.02)
            nn.init.zeros_(lin.bias)

    def forward(self, xs, kinds=None):
        h, b, t = self.embed(xs, kinds)
        x = h[:, :, 0]
        dg = torch.stack([g(h[:, :, m + 1]) for m, g in enumerate(self.gamma)], 2)  # [B, T, M-1, dim]
        db = torch.stack([f(h[:, :, m + 1]) for m, f in enumerate(self.beta)], 2)
        gamma, beta = 1 + dg.sum(2), db.sum(2)
        out = gamma * x + beta
        contrib = torch.cat([x.norm(dim=-1)[..., None],
                             (dg * x[:, :, None]).norm(dim=-1) + db.norm(dim=-1)], dim=-1)
        return out, {"gamma": gamma, "beta": beta, "dominance": self.shares(contrib)}


MODULES = {c.kind: c for c in (ConcatFusion, GatedFusion, CrossAttentionFusion, TensorFusion, FiLMFusion)}


def build_fusion(config: dict) -> FusionBase:
    kind = config["kind"].split(".", 1)[-1]
    if kind not in MODULES:
        raise ValueError(f"unknown fusion kind '{config['kind']}'")
    kw = {k: v for k, v in config.items() if k not in ("kind",)}
    return MODULES[kind](**kw)
