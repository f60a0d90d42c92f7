"""LoRAs on MiniMax H3's transformer (diffusers' MiniMaxH3Transformer3DModel, or Studio's curve form of it:
curve.py) in ComfyUI's names, for one run: the templates' turbo LoRAs (minimax_h3_fl2v_turbo_8step,
minimax_h3_ref2v_turbo_4step) and the like.

The forms read, as ComfyUI reads them (comfyanonymous/ComfyUI: comfy/lora.py ``load_lora`` and
comfy/ldm/minimax/pruned_lora.py at commit 1c9cf9665571; read for meaning, nothing copied), keys with or
without ``diffusion_model.`` / ``model.diffusion_model.``:

- low-rank pairs ``<layer>.lora_A.weight`` / ``lora_B.weight`` (or ``lora_down`` / ``lora_up``) with an
  optional ``<layer>.alpha`` (the delta B·A scaled by alpha / rank);
- ``<layer>.diff`` (a whole-weight offset) and ``<layer>.diff_b`` (a 1-D bias offset);
- ``<layer>.set_weight`` and, for a pruned LoRA (curve form), the bare full values ``adaln_t_table`` and
  ``blocks.N.adaln_proj.linear.weight`` / ``.bias`` (and the final layer's): replacements, applied as
  ComfyUI's ``merge_adaln_patches`` does: weight = current + strength * (new - base), so two stacked LoRAs
  add their changes; the table itself is kept from the model (ComfyUI's rule: "the table itself is kept
  from the existing/base model"), a LoRA table that differs from it said, its result then approximate.

ComfyUI's names are turned into diffusers' by the DiT file's own key map (comfy_file.diffusers_names:
diffusers' converter). A pair on ComfyUI's fused ``attn.qkv_proj`` goes on diffusers' to_q, to_k and to_v:
B's rows cut in three [q; k; v], A shared; on ``mlp.fc1`` B's row halves swapped ([gate; value] ->
[value; gate]), as comfy_file swaps the weight; offsets and replacements of those layers likewise.

Refused in words, naming the file, before anything is read into memory or changed (the header's shapes
only): the legacy DoRA form of MiniMax's node package (a 2-D ``diff_b``, or a ``diff_b`` beside a pair:
ComfyUI refuses it too), DoRA's ``dora_scale`` (not read here), keys that name no layer (a few named), and
shapes that do not fit the layer.

Applied for the run and taken off after it, however it ends (the cached model is never left changed):
the pairs as PEFT adapters (diffusers' ``load_lora_adapter``, alpha / rank folded into lora_B, the
strength as the adapter's weight; an int8 layer (comfy_int8.Int8Linear, a Linear) takes its adapter beside
its int8 weight); offsets and replacements written into the parameters, their values kept and put back
after; an offset on an int8 weight added to the layer's output instead (its weight stays int8)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field

from ...base.errors import ModelError

PREFIXES = ("model.diffusion_model.", "diffusion_model.")
SUFFIXES = ((".lora_A.weight", "A"), (".lora_down.weight", "A"), (".lora_B.weight", "B"), (".lora_up.weight", "B"),
            (".alpha", "alpha"), (".diff_b", "diff_b"), (".diff", "diff"), (".set_weight", "set"),
            (".dora_scale", "dora"))
TABLE = "adaln_t_table"
BARE_SETS = (".adaln_proj.linear.weight", ".adaln_proj.linear.bias")  # a pruned LoRA's full values
SHOWN = 4


def split_key(key: str) -> tuple[str, str]:
    """(ComfyUI's layer or parameter name, what the tensor is: 'A', 'B', 'alpha', 'diff', 'diff_b', 'set',
    'dora', 'full' (a bare full value) or '' (unknown))."""
    for pre in PREFIXES:
        if key.startswith(pre):
            key = key[len(pre):]
            break
    for tail, what in SUFFIXES:
        if key.endswith(tail):
            return key[: -len(tail)], what
    if key == TABLE or key.endswith(BARE_SETS):
        return key, "full"
    return key, ""


def _names(param: str, cfg: dict) -> tuple[list[str], str]:
    """(diffusers' names of ComfyUI's parameter ``param``, the row operation: 'split' (qkv: [q; k; v]),
    'swap' (fc1: [gate; value] -> [value; gate]) or '')."""
    if param == TABLE:
        return ["time_embedder.table"], ""
    from .comfy_file import diffusers_names
    layer = param.rsplit(".", 1)[0]
    op = "split" if layer.endswith(".attn.qkv_proj") else "swap" if layer.endswith(".mlp.fc1") else ""
    return diffusers_names(param, (6, 1), cfg), op


def _rows(t, op: str, pieces: int):
    """``t`` as the ``pieces`` diffusers tensors its rows become ('split': cut in three; 'swap': halves swapped)."""
    import torch
    if op == "split":
        return list(t.chunk(3))
    if op == "swap":
        gate, value = t.chunk(2)
        return [torch.cat([value, gate])]
    return [t] * pieces


@dataclass
class Plan:
    """One LoRA file checked against the transformer (its header's shapes): what goes where, in diffusers'
    names. pairs: ComfyUI layer -> (diffusers layers, op); patches: (the file's key, kind 'diff' / 'set',
    diffusers parameters, op); table: the key of its adaln_t_table ('' : none), kept from the model."""
    path: str
    pairs: dict = field(default_factory=dict)
    patches: list = field(default_factory=list)
    table: str = ""  # the key of a table replacement ('' : none)


def _refuse(path: str, what: str):
    raise ModelError(f"the LoRA '{os.path.basename(path)}' does not fit this MiniMax H3 model: {what}")


def _listed(keys) -> str:
    from ...files.lora_formats import listed
    return listed(sorted(keys), SHOWN)


def legacy_dora(shapes: dict) -> str:
    """The key that shows MiniMax's node package's legacy DoRA form ('' : none): a 2-D ``diff_b``, or a
    ``diff_b`` beside a low-rank pair of the same layer (comfy/ldm/minimax/pruned_lora.py ``has_legacy_dora``)."""
    layers = {split_key(k)[0] for k in shapes if split_key(k)[1] == "A"}
    for k, shape in shapes.items():
        layer, what = split_key(k)
        if what == "diff_b" and (len(shape) == 2 or layer in layers):
            return k
    return ""


def plan(shapes: dict, transformer, path: str) -> Plan:
    """The LoRA of header ``shapes`` ({key: shape}) checked against ``transformer`` with nothing read:
    ModelError (naming the file) for the legacy DoRA form, dora_scale, keys naming no layer, shapes that
    do not fit."""
    import torch
    name = os.path.basename(path)
    dora = legacy_dora(shapes)
    if dora:
        raise ModelError(f"the LoRA '{name}' is in the legacy DoRA form of MiniMax's node package ('{dora}': a "
                         "diff_b that is 2-D or beside a lora_A / lora_B pair), which ComfyUI's loader refuses too: "
                         "convert it to a plain LoRA (lora_A / lora_B, diff, set_weight) first")
    scaled = [k for k in shapes if split_key(k)[1] == "dora"]
    if scaled:
        raise ModelError(f"the LoRA '{name}' is a DoRA ({_listed(scaled)}): Studio's MiniMax H3 LoRA reader takes "
                         "low-rank pairs, diff / diff_b offsets and set values, not DoRA's magnitudes")
    cfg = dict(transformer.config)
    params = dict(transformer.named_parameters())
    table = next((k for k in shapes if split_key(k)[0] == TABLE), None)
    if table is not None and "time_embedder.table" not in params:
        raise ModelError(f"the LoRA '{name}' is for ComfyUI's pruned MiniMax H3 (its adaln_t_table and rank-"
                         f"{shapes[table][-1]} AdaLN values), but this model is the full one (read from its diffusers "
                         "folder or a full DiT file): load ComfyUI's pruned DiT file (minimax_h3_fl2va / ref2va_pruned) "
                         "with the folder as 'base'")
    modules = dict(transformer.named_modules())
    out, unknown = Plan(path), []
    grouped: dict[str, dict] = {}
    for k, shape in shapes.items():
        layer, what = split_key(k)
        if not what:
            unknown.append(k)
        elif what in ("A", "B", "alpha"):
            grouped.setdefault(layer, {})[what] = (k, tuple(shape))
        else:
            param = _param(layer, what)
            names, op = _names(param, cfg)
            if any(n not in params for n in names):
                unknown.append(k)
                continue
            _fits(path, k, tuple(shape), [tuple(params[n].shape) for n in names], op)
            if names == ["time_embedder.table"]:
                out.table = k
                continue
            kind = "diff" if what.startswith("diff") else "set"
            if kind == "set" and params[names[0]].dtype == torch.int8:
                _refuse(path, f"'{k}' replaces the int8 weight '{names[0]}' (Studio keeps int8 layers in 8 bits; "
                              "ComfyUI's pruned LoRAs replace only the AdaLN table and projections)")
            out.patches.append((k, kind, names, op))
    for layer, parts in grouped.items():
        names, op = _names(layer + ".weight", cfg)
        layers = [n[: -len(".weight")] for n in names]
        if not all(isinstance(modules.get(m), torch.nn.Linear) for m in layers):
            unknown.extend(k for k, _ in parts.values())
            continue
        if "A" not in parts or "B" not in parts:
            _refuse(path, f"'{next(iter(parts.values()))[0]}' has no {'lora_B' if 'A' in parts else 'lora_A'} beside "
                          "it (a low-rank pair is both)")
        (ka, a), (kb, b) = parts["A"], parts["B"]
        if len(a) != 2 or len(b) != 2 or a[0] != b[1]:
            _refuse(path, f"'{ka}' {list(a)} and '{kb}' {list(b)} are no low-rank pair (A [rank, in], B [out, rank])")
        want_in = modules[layers[0]].in_features
        want_out = sum(modules[m].out_features for m in layers) if op == "split" else modules[layers[0]].out_features
        if (b[0], a[1]) != (want_out, want_in):
            _refuse(path, f"'{layer}' is {b[0]}x{a[1]} in the LoRA (lora_B rows x lora_A columns) where the layer is "
                          f"{want_out}x{want_in} ({', '.join(layers)})")
        out.pairs[layer] = (layers, op)
    if unknown:
        _refuse(path, f"{len(unknown)} of its {len(shapes)} keys are no LoRA key (lora_A / lora_B, lora_down / "
                      "lora_up, alpha, diff, diff_b, set_weight, a pruned LoRA's AdaLN values) of a layer of MiniMax "
                      f"H3's transformer ({_listed(unknown)}). Is it a LoRA of another family or size?")
    return out


def _param(layer: str, what: str) -> str:
    """ComfyUI's parameter a 'full' / 'set' / 'diff' / 'diff_b' key changes: ``<layer>.set_weight`` and
    ``<layer>.diff`` its weight, ``<layer>.diff_b`` its bias; ``<param>.set_weight`` (a pruned LoRA's
    ``adaln_proj.linear.weight.set_weight``, ``adaln_t_table.set_weight``) and a bare full value that parameter."""
    if what == "full" or (what == "set" and (layer == TABLE or layer.endswith((".weight", ".bias")))):
        return layer
    return layer + (".bias" if what == "diff_b" else ".weight")


def _fits(path: str, key: str, shape: tuple, targets: list, op: str) -> None:
    want = (sum(t[0] for t in targets), *targets[0][1:]) if op == "split" else targets[0]
    if shape != tuple(want):
        _refuse(path, f"'{key}' is {list(shape)} where the model holds {list(want)}")


def header_shapes(path: str) -> dict:
    """A LoRA file's {key: shape} from its header (checked by lora_check: a .safetensors, no pickle;
    nothing read)."""
    from safetensors import safe_open

    from ...loading.load import lora_check
    lora_check(path)
    with safe_open(path, "pt") as f:
        return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}


def adapter_dict(p: Plan, sd: dict) -> dict:
    """The plan's pairs in PEFT's names on diffusers' layers (alpha / rank folded into lora_B; B's rows
    cut or swapped as the layer's weight is)."""
    out, parts = {}, {}
    for k, t in sd.items():
        layer, what = split_key(k)
        if what in ("A", "B", "alpha"):
            parts.setdefault(layer, {})[what] = t
    for layer, (names, op) in p.pairs.items():
        a, b = parts[layer]["A"].float(), parts[layer]["B"].float()
        if "alpha" in parts[layer]:
            b = b * (float(parts[layer]["alpha"]) / a.shape[0])
        for name, piece in zip(names, _rows(b, op, len(names))):
            out[f"{name}.lora_A.weight"] = a
            out[f"{name}.lora_B.weight"] = piece.contiguous()
    return out


class Patcher:
    """Offsets and replacements on ``transformer``'s parameters, each parameter's value kept the first
    time it is changed and put back by ``restore``; offsets on int8 weights as output hooks."""

    def __init__(self, transformer):
        self.model, self.kept, self.hooks = transformer, {}, []
        self.params = dict(transformer.named_parameters())

    def _keep(self, name: str):
        t = self.params[name]
        if name not in self.kept:
            self.kept[name] = t.detach().to("cpu", copy=True)
        return t

    def apply(self, p: Plan, sd: dict, strength: float) -> None:
        import torch
        for key, kind, names, op in p.patches:
            for name, value in zip(names, _rows(sd[key], op, len(names))):
                if self.params[name].dtype == torch.int8:  # an offset on an int8 weight: added to the output
                    self._hook(name[: -len(".weight")], value.float() * strength)
                    continue
                t = self._keep(name)
                delta = value.float().to(t.device) - (self.kept[name].float().to(t.device) if kind == "set" else 0)
                with torch.no_grad():
                    t.copy_((t.float() + strength * delta).to(t.dtype))

    def _hook(self, layer: str, delta) -> None:
        import torch
        module = self.model.get_submodule(layer)

        def add(_m, args, out):
            x = args[0]
            return out + torch.nn.functional.linear(x, delta.to(x.device, x.dtype))
        # Hook: torch's own, not diffusers' registry: Studio's own Int8Linear (files/comfy_int8), not a diffusers
        # module, and one hook per LoRA on the same layer for as long as the LoRAs are on, not one by name
        self.hooks.append(module.register_forward_hook(add))

    def restore(self) -> None:
        import torch
        for h in self.hooks:
            h.remove()
        with torch.no_grad():
            for name, value in self.kept.items():
                self.params[name].copy_(value.to(self.params[name].device))
        self.kept.clear()


def _table_said(p: Plan, sd: dict, transformer) -> str:
    """What to say of a LoRA's own table: ComfyUI keeps the model's; one that differs makes the result approximate."""
    if not p.table:
        return ""
    mine = transformer.time_embedder.table.detach().float().cpu()
    theirs = sd[p.table].float()
    if float((mine - theirs).abs().max()) <= 1e-3:
        return ""
    return (f"LoRA '{os.path.basename(p.path)}': its adaln_t_table differs from the model's; the model's table is kept "
            "(as ComfyUI does) and the LoRA's AdaLN projections are applied on it, so its effect is approximate")


def check_loras(loras, transformer) -> list[Plan]:
    """Every LoRA of ``loras`` (LoRAUse) checked against ``transformer`` from its header (nothing read)."""
    return [plan(header_shapes(use.path), transformer, use.path) for use in loras]


def _words(p: Plan, strength: float) -> str:
    sets = sum(kind == "set" for _, kind, _, _ in p.patches)
    return (f"LoRA '{os.path.basename(p.path)}' on MiniMax H3's transformer at strength {strength:g}: "
            f"{len(p.pairs)} low-rank layers, {sets} set values, {len(p.patches) - sets} offsets"
            + (" (its adaln_t_table not applied: the model's is kept, as ComfyUI does)" if p.table else ""))


@contextmanager
def minimax_loras(loras, transformer, say=None, info=None):
    """``loras`` (LoRAUse: path, strength) on ``transformer`` inside the block, none after it. Every file is
    checked (header) before any is read or applied; what each does said through ``info``, what is
    approximate through ``say``."""
    if not loras:
        yield
        return
    from safetensors.torch import load_file

    from ...loading.loras import TransformerAdapters
    say, info = say or (lambda _m: None), info or (lambda _m: None)
    plans = check_loras(loras, transformer)  # every file checked before any is applied
    adapters, patcher = TransformerAdapters(transformer, "mmh3", "MiniMax H3"), Patcher(transformer)
    try:
        for use, p in zip(loras, plans):
            sd = load_file(use.path)
            info(_words(p, use.strength))
            line = _table_said(p, sd, transformer)
            if line:
                say(line)
            patcher.apply(p, sd, use.strength)
            if p.pairs:
                adapters.add(use.path, use.strength, lambda p=p, sd=sd: adapter_dict(p, sd),
                             shown=os.path.basename(use.path))
        adapters.on()
        yield
    finally:
        adapters.off()
        patcher.restore()
