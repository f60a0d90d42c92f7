"""A trained video LoRA on disk: the file other tools read, and the training state beside it.

``name.safetensors`` is the LoRA in diffusers' layout, as ``WanPipeline.save_lora_weights`` and
``LTXPipeline.save_lora_weights`` write it: ``transformer.<module path>.lora_A.weight`` [rank, in]
and ``transformer.<module path>.lora_B.weight`` [out, rank], e.g.
``transformer.blocks.0.attn1.to_q.lora_A.weight``. The scale alpha / rank is folded into
``lora_B``, so every reader applies it at scale 1 whether or not it reads alpha (diffusers from a
state dict, ComfyUI without ``.alpha`` keys); the header's ``lora_adapter_metadata`` says rank and
alpha = rank for diffusers, and ``studio`` holds what the LoRA was trained from (base model and
family, rank and alpha as trained, steps, dataset hash, resolution, target modules).

``name.train.safetensors`` + ``name.train.json`` hold what a resume needs: the unscaled LoRA
weights, the optimizer's state tensors (and its param groups in the JSON), the random states, the
step, the loss history and the time spent. Never pickles."""
from __future__ import annotations

import json
import os
from typing import Any

import torch

from studio.core import json_limits
from studio.core.errors import StudioError

from nodes.training.shared import atomic_write

from ..base.registry import FAMILIES

FORMAT = "studio-video-lora"
STATE_FORMAT = "studio-video-lora-state"
PREFIX = "transformer"


def state_paths(path: str) -> tuple[str, str]:
    stem = os.path.splitext(path)[0]
    return stem + ".train.safetensors", stem + ".train.json"


def export_lora(path: str, weights: dict[str, torch.Tensor], rank: int, alpha: float, targets: list[str],
                info: dict[str, Any]) -> None:
    """Write the LoRA in diffusers' layout with alpha / rank folded into lora_B."""
    from safetensors.torch import save_file
    scale = float(alpha) / float(rank)
    out = {}
    for k, v in weights.items():
        t = v.detach().float()
        if ".lora_B." in k:
            t = t * scale
        out[f"{PREFIX}.{k}"] = t.cpu().contiguous()  # fp32: what was trained, exactly
    adapter = {f"{PREFIX}.r": int(rank), f"{PREFIX}.lora_alpha": int(rank),
               f"{PREFIX}.target_modules": sorted(targets), f"{PREFIX}.init_lora_weights": True}
    meta = {"format": "pt", "lora_adapter_metadata": json.dumps(adapter, sort_keys=True),
            "studio": json.dumps({"format": FORMAT, **info, "rank": int(rank), "alpha": float(alpha),
                                  "target_modules": sorted(targets)}, sort_keys=True)}
    atomic_write(path, lambda p: save_file(out, p, metadata=meta))
    plain = {k[len(PREFIX) + 1:]: v for k, v in out.items()}
    native, skipped = comfyui_keys(info.get("family", ""), plain)
    if native:  # the same LoRA in the layout ComfyUI (and the family's original code) reads
        cmeta = {"format": "pt", "studio": meta["studio"], "skipped_modules": json.dumps(skipped)}
        atomic_write(comfyui_path(path), lambda p: save_file(native, p, metadata=cmeta))


def comfyui_path(path: str) -> str:
    return os.path.splitext(path)[0] + ".comfyui.safetensors"


def comfyui_keys(family: str, weights: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], list[str]]:
    """The LoRA under the names of the family's original model, which ComfyUI loads, as its LoraTraining
    capability says: renamed by the family's own function (Wan's: families/wan/lora_names.py), or diffusers'
    names under ``diffusion_model.`` ('prefixed': LTX-Video); ({}, []) for a family with no such copy (CogVideoX)."""
    fam = FAMILIES.get(family)
    from ..base.capabilities import LoraTraining
    trained = fam.capability(LoraTraining) if fam is not None else None
    how = trained.comfyui if trained is not None else ""
    if callable(how):
        return how(weights)
    if how == "prefixed":
        return {f"diffusion_model.{k}": v for k, v in weights.items()}, []
    return {}, []


def read_info(path: str) -> dict[str, Any]:
    """The ``studio`` header of a LoRA written here ({} for a LoRA from elsewhere)."""
    from safetensors import safe_open
    try:
        with safe_open(path, framework="pt") as f:
            md = f.metadata() or {}
        return json_limits.loads(md.get("studio", "{}"))
    except Exception:  # noqa: BLE001 - not ours, or damaged: no info
        return {}


def save_state(path: str, weights: dict[str, torch.Tensor], opt: torch.optim.Optimizer, param_names: list[str],
               gens: dict[str, torch.Generator], step: int, history: list, info: dict[str, Any]) -> None:
    """The resume state beside the LoRA: tensors in safetensors, everything else in JSON."""
    from safetensors.torch import save_file
    tpath, jpath = state_paths(path)
    tensors = {f"lora.{k}": v.detach().float().cpu().contiguous() for k, v in weights.items()}
    sd = opt.state_dict()
    for idx, st in sd["state"].items():
        for k, v in st.items():
            t = v if isinstance(v, torch.Tensor) else torch.tensor(v)
            tensors[f"opt.{param_names[idx]}.{k}"] = t.detach().cpu().contiguous()
    for name, g in gens.items():
        tensors[f"rng.{name}"] = g.get_state().cpu()
    groups = [{k: v for k, v in g.items() if k != "params"} for g in sd["param_groups"]]
    meta = {"format": STATE_FORMAT, "step": int(step), "history": history, "param_groups": groups,
            "params": param_names, **info}
    # tensors first, then the JSON: a reader never sees a step newer than its tensors
    atomic_write(tpath, lambda p: save_file(tensors, p, metadata={"format": STATE_FORMAT, "step": str(step)}))
    atomic_write(jpath, lambda p: open(p, "w", encoding="utf-8").write(json.dumps(meta, indent=1)))


def load_state(path: str) -> dict[str, Any] | None:
    """The resume state beside ``path``, or None when there is none. A damaged one is an error."""
    from safetensors.torch import load_file
    tpath, jpath = state_paths(path)
    if not (os.path.isfile(tpath) and os.path.isfile(jpath)):
        return None
    name = os.path.basename(jpath)
    try:
        with open(jpath, encoding="utf-8") as fh:
            meta = json_limits.loads(fh.read())
        tensors = load_file(tpath)
    except Exception as e:  # noqa: BLE001 - json and safetensors raise their own types
        raise StudioError(f"the training state '{name}' is unreadable ({e}): turn resume off or delete it") from None
    if not isinstance(meta, dict) or meta.get("format") != STATE_FORMAT:
        raise StudioError(f"'{name}' is not a Train Video LoRA state: turn resume off or choose another file")
    step = meta.get("step")
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= 10**9:
        raise StudioError(f"'{name}': 'step' must be a whole number, got {step!r}")
    meta["tensors"] = tensors
    return meta


def restore_optimizer(opt: torch.optim.Optimizer, param_names: list[str], state: dict[str, Any]) -> None:
    tensors = state["tensors"]
    index = {n: i for i, n in enumerate(param_names)}
    per: dict[int, dict[str, torch.Tensor]] = {}
    for key, t in tensors.items():
        if not key.startswith("opt."):
            continue
        name, k = key[4:].rsplit(".", 1)
        if name not in index:
            raise StudioError(f"the training state has optimizer state for '{name}', which this LoRA does not have")
        per.setdefault(index[name], {})[k] = t
    groups = opt.state_dict()["param_groups"]
    saved = state.get("param_groups") or []
    for g, sg in zip(groups, saved):
        g.update({k: v for k, v in sg.items() if k != "params"})
    opt.load_state_dict({"state": per, "param_groups": groups})
