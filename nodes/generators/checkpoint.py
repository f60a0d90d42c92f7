"""Checkpoints: weights as safetensors plus a JSON config beside them (never pickles).

``name.safetensors`` holds ``model.*`` (trained weights), ``ema.*`` (their moving average, used
for sampling), ``opt.<name>.<param index>.<state>`` (optimiser state, for an exact resume) and
``rng`` (the trainer's random state). ``name.json`` holds the config that rebuilds the network
(family, architecture, clip size, conditioning), the dataset hash, the step and the loss history.
"""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import copy
import json
import os
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from studio.core import json_limits
from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Path
from studio.core.spec import SOURCE, In, Node, Out
from studio.core.values import ModelRef

from nodes.training.shared import atomic_write

FORMAT = "studio-generator-checkpoint"
VERSION = 1
# config keys that decide whether weights fit a network / mean the same thing
ARCH_KEYS = ("family", "frames", "width", "height", "cond_dim", "base", "mults", "emb", "motion",
             "timesteps", "latent_channels", "zdim", "motion_dim", "ground", "latent", "key_frame", "image_concat",
             "patch", "flow_patch", "guide_radius", "tokens", "token_dim", "flow_base", "refine_base", "mix")
COND_KEYS = ("kind", "encoder", "dim")


# Every number a config read from a file may hold, bounded before it sizes anything (a sidecar is
# a text file anyone can edit: 'base': 4096 would allocate gigabytes, 'timesteps': 1e9 eight).
INT_BOUNDS = {"frames": (1, 1024), "width": (4, 4096), "height": (4, 4096), "cond_dim": (1, 65536),
              "base": (1, 1024), "emb": (1, 4096), "timesteps": (1, 100_000), "latent_channels": (1, 1024),
              "zdim": (1, 4096), "motion_dim": (1, 4096), "dim": (1, 65536), "size": (1, 4096),
              "mels": (1, 1024), "mfcc": (1, 1024), "blocks": (0, 64), "in_channels": (1, 64), "heads": (1, 64),
              "tokens": (1, 1024), "flow_base": (1, 1024), "refine_base": (1, 1024), "layers": (0, 64),
              "mix": (1, 64), "token_dim": (1, 65536), "objects": (1, 16), "patch": (1, 16),
              "flow_patch": (1, 16), "guide_radius": (0, 16)}
LIST_BOUNDS = {"mults": (1, 64, 8), "maps": (1, 65536, 4)}  # element range, most elements
MAX_PIXELS = 1 << 26  # frames x width x height of a clip the model makes (256 frames at 512x512)
NUMBER_LIMIT = 1e7  # any other number in a config


def _bad(where: str, key: str, want: str, got) -> StudioError:
    shown = repr(got) if len(repr(got)) <= 40 else repr(got)[:37] + "..."
    kind = type(got).__name__ if not isinstance(got, str) else "text"
    return StudioError(f"checkpoint config '{where}': '{key}' must be {want}, got {shown} ({kind})")


def check_config(cfg, where: str, _path: str = "") -> None:
    """Refuse a config whose numbers are not numbers or out of bounds, naming the file and field.
    Runs before anything is built from it."""
    if not isinstance(cfg, dict):
        raise StudioError(f"checkpoint config '{where}': {'config' if not _path else repr(_path)} must be an "
                          f"object, got {type(cfg).__name__}")
    for k, v in cfg.items():
        key = f"{_path}.{k}" if _path else str(k)
        if isinstance(v, dict):
            check_config(v, where, key)
        elif k in INT_BOUNDS:
            lo, hi = INT_BOUNDS[k]
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise _bad(where, key, f"a whole number from {lo} to {hi}", v)
        elif k in LIST_BOUNDS:
            lo, hi, most = LIST_BOUNDS[k]
            if not isinstance(v, list) or not 1 <= len(v) <= most or \
                    any(isinstance(x, bool) or not isinstance(x, int) or not lo <= x <= hi for x in v):
                raise _bad(where, key, f"a list of 1 to {most} whole numbers from {lo} to {hi}", v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            if not (abs(v) <= NUMBER_LIMIT):  # also NaN
                raise _bad(where, key, f"a number of at most {NUMBER_LIMIT:g} in size", v)
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, (int, float)) and not isinstance(x, bool) and not abs(x) <= NUMBER_LIMIT:
                    raise _bad(where, key, f"a list of numbers of at most {NUMBER_LIMIT:g} in size", v)
    if not _path:
        for k in ("family", "frames", "width", "height", "cond_dim"):
            if k not in cfg:
                raise StudioError(f"checkpoint config '{where}' has no '{k}' in its 'config'")
        if cfg["frames"] * cfg["width"] * cfg["height"] > MAX_PIXELS:
            raise StudioError(f"checkpoint config '{where}': {cfg['frames']} frames of {cfg['width']}x"
                              f"{cfg['height']} is more than the {MAX_PIXELS:,} pixels per clip allowed")
        if not isinstance(cfg.get("conditioning") or {}, dict):
            raise _bad(where, "conditioning", "an object", cfg["conditioning"])


class CheckpointMismatchError(StudioError):
    def __init__(self, path: str, diffs: list[str]):
        super().__init__(f"checkpoint '{os.path.basename(path)}' does not match: " + "; ".join(diffs))
        self.diffs = diffs


def build_model(config: dict):
    fam = config.get("family")
    if fam == "diffusion" and (config.get("conditioning") or {}).get("kind") == "audio+image":
        from .av_conditioning import AVDiffusion
        return AVDiffusion(config)
    if fam == "diffusion" and config.get("motion", "dense-flow") == "dense-flow" and not config.get("latent"):
        from .flowvideo import FlowVideoDiffusion
        return FlowVideoDiffusion(config)
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
    # how the step is computed (fused, foreach, capturable) belongs to this run's device, not to
    # the one that saved the state (a checkpoint trained on a GPU resumes on the CPU)
    mine = opt.param_groups
    groups = [{**g, **{k: mine[i][k] for k in IMPL_KEYS if i < len(mine) and k in mine[i]}}
              for i, g in enumerate(meta["param_groups"])]
    opt.load_state_dict({"state": state, "param_groups": groups})


IMPL_KEYS = ("fused", "foreach", "capturable", "differentiable")


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
    # the weights carry their own architecture: a sidecar edited to claim another size is caught
    arch = json.dumps({k: model.config[k] for k in ARCH_KEYS if k in model.config})
    atomic_write(path, lambda p: save_file(tensors, p, metadata={"format": FORMAT, "step": str(step), "arch": arch}))
    atomic_write(json_path(path), lambda p: open(p, "w", encoding="utf-8").write(json.dumps(meta, indent=1)))


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
            meta = json_limits.loads(fh.read())
    except (OSError, ValueError) as e:
        raise StudioError(f"checkpoint config '{os.path.basename(jp)}' is unreadable: {e}") from None
    name = os.path.basename(jp)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise StudioError(f"'{name}' is not a Studio generator checkpoint config")
    if "config" not in meta:
        raise StudioError(f"checkpoint config '{name}' has no 'config' field (the network's architecture): "
                          "the file is damaged or not from a Train Generator node")
    check_config(meta["config"], name)
    step = meta.get("step", 0)
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= 10**9:
        raise _bad(name, "step", "a whole number from 0 to 1000000000", step)
    for k, typ in (("history", list), ("train", dict), ("optimizers", dict)):
        if k in meta and not isinstance(meta[k], typ):
            raise _bad(name, k, "a list" if typ is list else "an object", meta[k])
    return meta


def _check_against_weights(path: str, cfg: dict) -> None:
    """The sidecar's architecture against the one the weights were saved with (in the
    safetensors header, read without loading the tensors)."""
    md = _header(path).get("__metadata__") or {}
    if not isinstance(md, dict) or "arch" not in md:
        return  # written before the header carried it: the tensor shapes are checked below
    try:
        if not isinstance(md["arch"], str):
            raise ValueError
        arch = json_limits.loads(md["arch"])
        if not isinstance(arch, dict):
            raise ValueError
    except ValueError:
        raise StudioError(f"checkpoint '{os.path.basename(path)}' has a damaged header") from None
    diffs = [f"{k}: the config beside it says {cfg.get(k)!r}, the weights were trained with {v!r}"
             for k, v in arch.items() if cfg.get(k) != v]
    if diffs:
        raise CheckpointMismatchError(path, diffs)


def load_checkpoint(path: str, expect: dict | None = None, device: torch.device | str = "cpu") -> dict:
    """Read a checkpoint: returns {model, ema, meta, tensors}. ``expect`` (a partial config)
    must match, else :class:`CheckpointMismatchError` lists every difference."""
    meta = read_meta(path)
    cfg = meta["config"]
    _check_against_weights(path, cfg)
    if expect:
        diffs = config_diffs(cfg, expect)
        if diffs:
            raise CheckpointMismatchError(path, diffs)
    name = os.path.basename(path)
    shapes = _header_shapes(path)
    # the shapes first, on a network without storage (nothing allocated yet)
    skeleton = _skeleton(cfg, path)
    want = {k: tuple(v.shape) for k, v in skeleton.state_dict().items()}
    del skeleton
    for prefix in ("model.", "ema."):
        have = {k[len(prefix):]: v for k, v in shapes.items() if k.startswith(prefix)}
        if prefix == "ema." and not have:
            continue  # no EMA saved: the raw weights stand in
        _compare_shapes(path, have, want)
    from studio.core.checked_open import library_path
    try:  # the header proven above; safetensors maps the checked file (studio.core.checked_open)
        with library_path(path, "checkpoint") as opened:
            tensors = load_file(opened, device="cpu")
    except StudioError:
        raise
    except Exception as e:  # noqa: BLE001 - safetensors raises its own types (their text may quote the file)
        raise StudioError(f"checkpoint '{name}' is corrupt or not safetensors ({type(e).__name__})") from None
    model = _build(cfg, path)
    ema = copy.deepcopy(model)
    for prefix, m in (("model.", model), ("ema.", ema)):
        sd = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        if prefix == "ema." and not sd:
            sd = {k[6:]: v for k, v in tensors.items() if k.startswith("model.")}
        m.load_state_dict(sd)
    model.to(device)
    ema.to(device).eval()
    return {"model": model, "ema": ema, "meta": meta, "tensors": tensors}


def _skeleton(cfg: dict, path: str):
    """The network built on the meta device (shapes, no storage). torch caches the factory functions
    a device context redirects the first time one is used (``torch.utils._device``, an lru_cache),
    and transformers' ``from_pretrained`` swaps ``torch.linspace`` for a CPU-pinned wrapper while it
    builds a model: a first device context inside that caches the wrapper, and from then on
    ``torch.linspace`` makes CPU tensors in a meta context (a text encoder loaded earlier in the
    process made this load fail with "Tensor on device cpu is not on the expected device meta").
    The cache is rebuilt when it lacks the real functions; a build that still mixes devices (such a
    load running on another thread at this moment) is made on the CPU instead."""
    try:
        from torch.utils import _device
        if torch.linspace not in _device._device_constructors():
            _device._device_constructors.cache_clear()
    except (ImportError, AttributeError):  # torch's private module moved: the fallback below still holds
        pass
    try:
        with meta_device():
            return _build(cfg, path)
    except RuntimeError as e:
        if "device" not in str(e):
            raise
        return _build(cfg, path)


def _header(path: str) -> dict:
    """The checkpoint's safetensors header, proven by Studio's own reader (studio.core.safetensors_header: the
    checked open, types and bounds; safetensors' own errors quote the header's text)."""
    from studio.core.errors import ModelError
    from studio.core.safetensors_header import read_safetensors_header
    try:
        return read_safetensors_header(path)[0]
    except ModelError as e:
        raise StudioError(f"checkpoint '{os.path.basename(path)}' is corrupt or not safetensors: {e}") from None


def _header_shapes(path: str) -> dict[str, tuple]:
    return {k: tuple(v["shape"]) for k, v in _header(path).items() if k != "__metadata__"}


def _build(cfg: dict, path: str):
    try:
        return build_model(cfg)
    except StudioError:
        raise
    except (ValueError, KeyError, TypeError) as e:
        what = f"no '{e.args[0]}'" if isinstance(e, KeyError) else str(e)
        raise StudioError(f"checkpoint config '{os.path.basename(json_path(path))}' cannot build a network: "
                          f"{what}") from None


def _compare_shapes(path: str, have: dict, want: dict) -> None:
    missing = sorted(set(want) - set(have))
    extra = sorted(set(have) - set(want))
    bad = [k for k in want if k in have and tuple(have[k]) != tuple(want[k])]
    if missing or extra or bad:
        parts = []
        if missing:
            parts.append(f"missing {len(missing)} tensors (e.g. {missing[0]})")
        if extra:
            parts.append(f"{len(extra)} unexpected tensors (e.g. {extra[0]})")
        if bad:
            parts.append(f"{len(bad)} tensors of another shape (e.g. {bad[0]}: "
                         f"{tuple(have[bad[0]])} vs {tuple(want[bad[0]])})")
        raise CheckpointMismatchError(path, parts)


def restore_training(ck: dict, opts: dict, gen: torch.Generator | None) -> None:
    meta, tensors = ck["meta"], ck["tensors"]
    for name, opt in opts.items():
        if name in meta.get("optimizers", {}):
            _unflatten_optimizer(name, opt, tensors, meta["optimizers"][name])
    if gen is not None and "rng" in tensors:
        try:
            gen.set_state(tensors["rng"])
        except RuntimeError:  # saved on another kind of device (a CPU state on a CUDA generator): a
            # seed from the saved state, so a resume is still repeatable on this device
            import hashlib
            gen.manual_seed(int.from_bytes(hashlib.sha256(tensors["rng"].numpy().tobytes()).digest()[:8], "little"))


def model_ref(ema, meta_or_config: dict, path: str | None = None) -> ModelRef:
    cfg = meta_or_config.get("config", meta_or_config)
    info = {**cfg}
    if "config" in meta_or_config and "step" in meta_or_config:
        info["trained_steps"] = int(meta_or_config["step"])
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
        c, cc = meta["config"], meta["config"].get("conditioning") or {}
        info = (f"{ref.summary()}, step {meta['step']}, {c['frames']} frames {c['width']}x{c['height']}, "
                f"conditioning {cc.get('kind')} ({cc.get('encoder')}, {c['cond_dim']}-d)")
        return {"model": ref, "info": info}
