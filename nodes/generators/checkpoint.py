"""Checkpoints: weights as safetensors plus a JSON config beside them (never pickles).

``name.safetensors`` holds ``model.*`` (trained weights), ``ema.*`` (their moving average, used
for sampling), ``opt.<name>.<param index>.<state>`` (optimiser state, for an exact resume) and
``rng`` (the trainer's random state). ``name.json`` holds the config that rebuilds the network
(family, architecture, clip size, conditioning), the dataset hash, the step and the loss history.
"""
from __future__ import annotations

import copy
import json
import os
import tempfile
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Path
from studio.core.spec import SOURCE, In, Node, Out
from studio.core.values import ModelRef

FORMAT = "studio-generator-checkpoint"
VERSION = 1
# config keys that decide whether weights fit a network / mean the same thing
ARCH_KEYS = ("family", "frames", "width", "height", "cond_dim", "base", "mults", "emb", "motion",
             "timesteps", "latent_channels", "zdim", "motion_dim", "ground", "latent", "key_frame", "image_concat")
COND_KEYS = ("kind", "encoder", "dim")


class CheckpointMismatchError(StudioError):
    def __init__(self, path: str, diffs: list[str]):
        super().__init__(f"checkpoint '{os.path.basename(path)}' does not match: " + "; ".join(diffs))
        self.diffs = diffs


def build_model(config: dict):
    fam = config.get("family")
    if fam == "diffusion" and (config.get("conditioning") or {}).get("kind") == "audio+image":
        from .av_conditioning import AVDiffusion
        return AVDiffusion(config)
    if fam == "diffusion":
        from .diffusion import VideoDiffusion
        return VideoDiffusion(config)
    if fam == "vae":
        from .vae import VideoVAE
        return VideoVAE(config)
    if fam == "gan":
        from .gan import VideoGAN
        return VideoGAN(config)
    raise StudioError(f"unknown generator family '{fam}' (known: diffusion, vae, gan)")


def config_diffs(have: dict, want: dict) -> list[str]:
    """What differs between two configs in architecture and conditioning, in words. Only keys
    that ``want`` names are compared."""
    out = []
    for k in ARCH_KEYS:
        if k in want and k in have and have[k] != want[k]:
            out.append(f"{k}: checkpoint has {have[k]!r}, expected {want[k]!r}")
        elif k in want and k not in have:
            out.append(f"{k}: checkpoint has none, expected {want[k]!r}")
    hc, wc = have.get("conditioning") or {}, want.get("conditioning") or {}
    for k in COND_KEYS:
        if k in wc and hc.get(k) != wc[k]:
            out.append(f"conditioning {k}: checkpoint has {hc.get(k)!r}, expected {wc[k]!r}")
    return out


def json_path(path: str) -> str:
    return os.path.splitext(path)[0] + ".json"


def _flatten_optimizer(name: str, opt: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    sd = opt.state_dict()
    tensors = {}
    for idx, st in sd["state"].items():
        for k, v in st.items():
            t = v if isinstance(v, torch.Tensor) else torch.tensor(v)
            tensors[f"opt.{name}.{idx}.{k}"] = t.detach().cpu().contiguous()
    return tensors, {"param_groups": sd["param_groups"]}


def _unflatten_optimizer(name: str, opt: torch.optim.Optimizer, tensors: dict, meta: dict) -> None:
    state: dict[int, dict] = {}
    pre = f"opt.{name}."
    for key, t in tensors.items():
        if key.startswith(pre):
            idx, k = key[len(pre):].split(".", 1)
            state.setdefault(int(idx), {})[k] = t
    opt.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def _atomic_write(path: str, write) -> None:
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.splitext(path)[1], dir=d)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def save_checkpoint(path: str, model, ema=None, opts: dict | None = None, gen: torch.Generator | None = None,
                    step: int = 0, history: list | None = None, train: dict | None = None) -> None:
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    if ema is not None:
        tensors.update({f"ema.{k}": v.detach().cpu().contiguous() for k, v in ema.state_dict().items()})
    opt_meta = {}
    for name, opt in (opts or {}).items():
        t, m = _flatten_optimizer(name, opt)
        tensors.update(t)
        opt_meta[name] = m
    if gen is not None:
        tensors["rng"] = gen.get_state()
    meta = {"format": FORMAT, "version": VERSION, "config": model.config, "step": int(step),
            "history": history or [], "train": train or {}, "optimizers": opt_meta}
    # weights first, then the JSON: a reader never sees a config newer than its weights
    _atomic_write(path, lambda p: save_file(tensors, p, metadata={"format": FORMAT, "step": str(step)}))
    _atomic_write(json_path(path), lambda p: open(p, "w", encoding="utf-8").write(json.dumps(meta, indent=1)))


def read_meta(path: str) -> dict:
    if not path:
        raise StudioError("no checkpoint file chosen")
    if not os.path.exists(path):
        raise StudioError(f"checkpoint not found: {path}")
    jp = json_path(path)
    if not os.path.exists(jp):
        raise StudioError(f"checkpoint '{os.path.basename(path)}' has no config beside it ({os.path.basename(jp)})")
    try:
        with open(jp, encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError) as e:
        raise StudioError(f"checkpoint config '{os.path.basename(jp)}' is unreadable: {e}") from None
    if meta.get("format") != FORMAT:
        raise StudioError(f"'{os.path.basename(jp)}' is not a Studio generator checkpoint config")
    return meta


def load_checkpoint(path: str, expect: dict | None = None, device: torch.device | str = "cpu") -> dict:
    """Read a checkpoint: returns {model, ema, meta, tensors}. ``expect`` (a partial config)
    must match, else :class:`CheckpointMismatchError` lists every difference."""
    meta = read_meta(path)
    cfg = meta["config"]
    if expect:
        diffs = config_diffs(cfg, expect)
        if diffs:
            raise CheckpointMismatchError(path, diffs)
    try:
        tensors = load_file(path, device="cpu")
    except Exception as e:  # noqa: BLE001 - safetensors raises its own types
        raise StudioError(f"checkpoint '{os.path.basename(path)}' is corrupt or not safetensors: {e}") from None
    model = build_model(cfg)
    ema = copy.deepcopy(model)
    for prefix, m in (("model.", model), ("ema.", ema)):
        sd = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        if prefix == "ema." and not sd:
            sd = {k[6:]: v for k, v in tensors.items() if k.startswith("model.")}
        want = m.state_dict()
        missing = sorted(set(want) - set(sd))
        extra = sorted(set(sd) - set(want))
        bad = [k for k in want if k in sd and tuple(sd[k].shape) != tuple(want[k].shape)]
        if missing or extra or bad:
            parts = []
            if missing:
                parts.append(f"missing {len(missing)} tensors (e.g. {missing[0]})")
            if extra:
                parts.append(f"{len(extra)} unexpected tensors (e.g. {extra[0]})")
            if bad:
                parts.append(f"{len(bad)} tensors of another shape (e.g. {bad[0]}: "
                             f"{tuple(sd[bad[0]].shape)} vs {tuple(want[bad[0]].shape)})")
            raise CheckpointMismatchError(path, parts)
        m.load_state_dict(sd)
    model.to(device)
    ema.to(device).eval()
    return {"model": model, "ema": ema, "meta": meta, "tensors": tensors}


def restore_training(ck: dict, opts: dict, gen: torch.Generator | None) -> None:
    meta, tensors = ck["meta"], ck["tensors"]
    for name, opt in opts.items():
        if name in meta.get("optimizers", {}):
            _unflatten_optimizer(name, opt, tensors, meta["optimizers"][name])
    if gen is not None and "rng" in tensors:
        gen.set_state(tensors["rng"])


def model_ref(ema, meta_or_config: dict, path: str | None = None) -> ModelRef:
    cfg = meta_or_config.get("config", meta_or_config)
    info = {**cfg}
    if path:
        info["checkpoint"] = os.path.abspath(path)
    return ModelRef(ema.eval(), info, kind=f"video {cfg['family']}")


class LoadCheckpoint(Node):
    """A trained generator from a .safetensors checkpoint and its JSON config. Checks that the
    architecture and conditioning are what you expect and says what differs."""
    id = "gen.load_checkpoint"
    title = "Load Generator Checkpoint"
    category = "Generate"
    timing = SOURCE
    inputs = (In("like", "Model", optional=True, help="must match this model's architecture and conditioning"),
              In("features", "Features", optional=True, help="must match this conditioning's size"))
    outputs = (Out("model", "Model"), Out("info", "Text"))
    params = (Path("path", "", mode="open", filters="Checkpoint (*.safetensors)"),
              Choice("expect_family", "any", choices=("any", "diffusion", "vae", "gan")),
              Choice("expect_conditioning", "any", choices=("any", "text", "caption-parser", "audio+image")),
              Bool("use_ema", True, help="the averaged weights (better samples) or the raw ones"))

    def run(self, ctx, like=None, features=None):
        p = ctx.params
        expect: dict[str, Any] = {}
        if like is not None:
            expect.update({k: like.config[k] for k in ARCH_KEYS if k in like.config})
            expect["conditioning"] = dict(like.config.get("conditioning") or {})
        if p.expect_family != "any":
            expect["family"] = p.expect_family
        if p.expect_conditioning != "any":
            expect.setdefault("conditioning", {})["kind"] = p.expect_conditioning
        if features is not None:
            expect["cond_dim"] = int(features.dim)
        ck = load_checkpoint(p.path, expect, ctx.device)
        m = ck["ema"] if p.use_ema else ck["model"].eval()
        meta = ck["meta"]
        ref = model_ref(m, meta, p.path)
        info = (f"{ref.summary()}, step {meta['step']}, {meta['config']['frames']} frames "
                f"{meta['config']['width']}x{meta['config']['height']}, conditioning "
                f"{meta['config']['conditioning']['kind']} ({meta['config']['conditioning']['encoder']}, "
                f"{meta['config']['cond_dim']}-d)")
        return {"model": ref, "info": info}
