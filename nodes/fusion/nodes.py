"""The fusion nodes (see the package docstring for the inputs and the ``extras`` keys)."""
from __future__ import annotations

import torch

from studio.core.params import Int, Path, Seed
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Features, ModelRef
from nodes.encoders.common import features_tensor, load_state, read_checkpoint, save_checkpoint, seeded

from .modules import (ConcatFusion, CrossAttentionFusion, FiLMFusion, FusionBase, GatedFusion,
                      TensorFusion, build_fusion)

NAMES = ("a", "b", "c", "d")


def to_input(f, name: str) -> tuple[torch.Tensor, str, float | None]:
    """A Features value -> (tensor with a batch axis, kind, fps)."""
    if not isinstance(f, Features):
        raise ValueError(f"input '{name}' is {type(f).__name__}, not Features")
    x = features_tensor(f, f"input '{name}'")
    if f.per_frame:
        if x.ndim == 4:  # feature maps [T, C, h, w]
            x = x.mean(dim=(2, 3))
        if x.ndim != 2:
            raise ValueError(f"input '{name}' is per-frame but has shape {tuple(x.shape)} (expected [T, D])")
        return x[None], "frame", f.fps
    if x.ndim == 3:  # maps of one image [C, h, w]
        x = x.mean(dim=(1, 2))
    if x.ndim == 1:
        return x[None], "clip", None
    if x.ndim == 2:
        return x[None], "seq", None
    raise ValueError(f"input '{name}' has shape {tuple(x.shape)} (expected [D], [L, D] or [T, D])")


def save_fusion(module: FusionBase, path: str) -> None:
    save_checkpoint(module, module.config(), path)


def load_fusion(path: str, kind: str) -> FusionBase:
    config, state = read_checkpoint(path, kind)
    m = build_fusion(config)
    load_state(m, state, path)
    return m


class _Fusion(Node):
    category = "Fusion"
    timing = CLIP
    code_version = 1
    module_cls: type[FusionBase] = FusionBase
    inputs = tuple(In(n, "Features", optional=True, help=h) for n, h in zip(NAMES, (
        "first input", "second input", "third input", "fourth input")))
    outputs = (Out("features", "Features", help="fused [T, D] (or [D]); extras say which input dominates"),
               Out("model", "Model", help="the fusion network (to train with a generator)"))
    common = (Int("dim", 64, min=4, max=4096, help="width every input is projected to"),
              Path("checkpoint", "", mode="open", filters="Safetensors (*.safetensors)",
                   help="trained weights; empty: initialised from the seed"),
              Seed("seed", 0, help="initialises the network"))
    params = common

    def module_kwargs(self, p) -> dict:
        return {}

    def run(self, ctx, **inputs):
        p = ctx.params
        xs, kinds, fps = [], [], None
        for n in NAMES:
            f = inputs.get(n)
            if f is None:
                xs.append(None)
                kinds.append(None)
                continue
            x, k, f_fps = to_input(f, n)
            xs.append(x)
            kinds.append(k)
            fps = fps or f_fps
        if all(x is None for x in xs):
            raise ValueError("no inputs: connect at least one Features input")
        if p.checkpoint:
            module = load_fusion(p.checkpoint, "fusion." + self.module_cls.kind)
            for n, x, d in zip(NAMES, xs, module.in_dims):
                if x is not None and d is not None and x.shape[-1] != d:
                    raise ValueError(f"input '{n}' has {x.shape[-1]} features; the checkpoint expects {d}")
                if x is not None and d is None:
                    raise ValueError(f"input '{n}' was not used when the checkpoint was trained: disconnect it")
        else:
            dims = [x.shape[-1] if x is not None else None for x in xs]
            kw = self.module_kwargs(p)
            module = seeded(lambda: self.module_cls(dims, p.dim, NAMES, **kw), ctx.seed)
        module = module.to(ctx.device).eval()
        with torch.no_grad():
            out, info = module([x.to(ctx.device) if x is not None else None for x in xs], kinds)
        per_frame = any(k == "frame" for k in kinds)
        extras = {"modalities": list(NAMES), "present": [x is not None for x in xs]}
        for k, v in info.items():
            if isinstance(v, torch.Tensor):
                v = v[0].detach().float().cpu()
                extras[k] = v if per_frame else v[0]
            else:
                extras[k] = v
        if "token_owner" in extras:
            own = extras["token_owner"]
            labels = []
            for j, o in enumerate(own):
                k = own[:j].count(o)
                words = getattr(inputs.get(NAMES[o]), "extras", {}).get("tokens")
                if own.count(o) == 1:
                    labels.append(NAMES[o])
                elif isinstance(words, list) and len(words) == own.count(o):
                    labels.append(f"{NAMES[o]}:{words[k]}")
                else:
                    labels.append(f"{NAMES[o]}[{k}]")
            extras["token_labels"] = labels
        data = out[0].detach().float().cpu()
        feats = Features(data if per_frame else data[0], per_frame=per_frame, fps=fps if per_frame else None,
                         extras=extras)
        return {"features": feats, "model": ModelRef(module, module.config(), module.config()["kind"])}


class ConcatNode(_Fusion):
    """Project each input to the same width and concatenate them (D = 4 x dim)."""
    id = "fusion.concat"
    title = "Concat Fusion"
    module_cls = ConcatFusion


class GatedNode(_Fusion):
    """A sigmoid gate per input, computed from all inputs, weighs each one's contribution.
    The gates show which input dominates, frame by frame."""
    id = "fusion.gated"
    title = "Gated Fusion"
    module_cls = GatedFusion


class CrossAttentionNode(_Fusion):
    """Multi-head cross-attention: input 'a' queries the tokens of b, c and d frame by frame
    (text tokens attend individually). The attention weights show what each frame looks at."""
    id = "fusion.cross_attention"
    title = "Cross-Attention Fusion"
    module_cls = CrossAttentionFusion
    params = _Fusion.common + (Int("heads", 4, min=1, max=64, help="attention heads (dim must divide)"),)

    def module_kwargs(self, p):
        if p.dim % p.heads:
            raise ValueError(f"dim {p.dim} is not divisible by heads {p.heads}")
        return {"heads": p.heads}


class TensorNode(_Fusion):
    """Low-rank tensor fusion: multiplicative interactions between all inputs, at rank R."""
    id = "fusion.tensor"
    title = "Tensor Fusion"
    module_cls = TensorFusion
    params = _Fusion.common + (Int("rank", 4, min=1, max=64, help="rank of the factorised fusion tensor"),)

    def module_kwargs(self, p):
        return {"rank": p.rank}


class FiLMNode(_Fusion):
    """FiLM: input 'a' is scaled and shifted feature-wise by b, c and d."""
    id = "fusion.film"
    title = "FiLM Fusion"
    module_cls = FiLMFusion


__all__ = ["save_fusion", "load_fusion", "to_input"]
