"""Helpers shared by the encoder and fusion nodes: seeded construction, safetensors checkpoints
(+ JSON config, never pickles), and turning Features into tensors aligned over frames."""
from __future__ import annotations

import json
import os
from typing import Any, Callable

import torch

from studio.core import json_limits
from studio.core.errors import StudioError
from studio.core.values import Features


def seeded(ctor: Callable[[], torch.nn.Module], seed: int) -> torch.nn.Module:
    """Build a module with weights drawn from ``seed`` without touching the global RNG state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        return ctor()


def save_checkpoint(module: torch.nn.Module, config: dict[str, Any], path: str) -> None:
    """Write ``path`` (safetensors) and ``path`` + '.json' (the config that rebuilds the module)."""
    from safetensors.torch import save_file
    os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    state = {k: v.detach().contiguous().cpu() for k, v in module.state_dict().items()}
    save_file(state, path, metadata={"config": json.dumps(config)})
    with open(path + ".json", "w", encoding="utf-8") as f:
        json.dump(config, f, indent=1)


def read_checkpoint(path: str, kind: str) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """(config, state dict) of a checkpoint written by :func:`save_checkpoint`. Clear errors for a
    missing file, a non-safetensors file or a checkpoint of another kind of network."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file
    if not os.path.isfile(path):
        raise StudioError(f"checkpoint not found: {path}")
    try:
        state = load_file(path)
    except (SafetensorError, OSError, ValueError) as e:
        raise StudioError(f"cannot read checkpoint '{os.path.basename(path)}' "
                          f"(expected a .safetensors file): {e}") from None
    cfg_path = path + ".json"
    if os.path.isfile(cfg_path):
        try:
            with open(cfg_path, encoding="utf-8") as f:
                config = json_limits.loads(f.read())
        except ValueError as e:
            raise StudioError(f"'{os.path.basename(cfg_path)}' is not a checkpoint's config: {e}") from None
    else:
        from safetensors import safe_open
        with safe_open(path, "pt") as f:
            meta = f.metadata() or {}
        if "config" not in meta:
            raise StudioError(f"checkpoint '{os.path.basename(path)}' has no config "
                              f"(expected {os.path.basename(cfg_path)} beside it)")
        try:
            config = json_limits.loads(meta["config"])
        except ValueError as e:
            raise StudioError(f"checkpoint '{os.path.basename(path)}': its config is damaged: {e}") from None
    if not isinstance(config, dict):
        raise StudioError(f"checkpoint '{os.path.basename(path)}': its config is not a table of settings")
    if config.get("kind") != kind:
        raise StudioError(f"checkpoint '{os.path.basename(path)}' holds a '{config.get('kind')}' "
                          f"network, not a '{kind}'")
    return config, state


def load_state(module: torch.nn.Module, state: dict[str, torch.Tensor], path: str) -> None:
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as e:
        first = str(e).splitlines()[0] if str(e) else "shapes differ"
        raise StudioError(f"checkpoint '{os.path.basename(path)}' does not fit the network: {first}") from None


def check_finite(t: torch.Tensor, what: str) -> torch.Tensor:
    if not torch.isfinite(t).all():
        raise ValueError(f"{what} contains NaN or infinite values")
    return t


def features_tensor(f: Any, what: str) -> torch.Tensor:
    """The float32 tensor of a Features (or a bare tensor / array)."""
    data = f.data if isinstance(f, Features) else f
    t = torch.as_tensor(data).detach().float() if not isinstance(data, torch.Tensor) else data.float()
    if t.ndim == 0 or t.numel() == 0:
        raise ValueError(f"{what} is empty")
    return check_finite(t, what)
