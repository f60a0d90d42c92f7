"""LoRAs on Wan Animate 2's transformer (diffusers' WanAnimate2Transformer3DModel), in ComfyUI's names.

ComfyUI's Wan LoRAs (the Animate 2 distill LoRAs among them) name Wan's own modules:
``diffusion_model.blocks.N.self_attn.q.lora_A.weight`` / ``lora_B`` (or ``lora_down`` / ``lora_up`` with an
``alpha``), kohya's ``lora_unet_blocks_N_self_attn_q.lora_down.weight``, and ``.diff_b`` bias offsets.
diffusers' WanAnimate2Transformer3DModel keeps Wan's names except inside attention, which its converter
renames (``convert_wan_animate_2_transformer_to_diffusers`` in diffusers 0.42.1's
loaders/single_file_utils.py: q/k/v/o -> to_q/to_k/to_v/to_out.0, k_img/v_img -> add_k_proj/add_v_proj,
the research checkpoint's ``blocks.N.block.`` wrapper dropped); the same renames are read here from the
model's own module names, so every form above finds its module or is said not to.

Each LoRA is put on the transformer as a PEFT adapter (diffusers' ``load_lora_adapter``), its alpha / rank
folded into ``lora_B`` (PEFT then scales by the adapter's strength only), and taken off after the run
however it ends: the cached model is never left changed. ``.diff`` keys (whole-weight offsets of norms and
modulations) have no adapter form: they are said, not applied."""
from __future__ import annotations

import os
from contextlib import contextmanager

from ...base.errors import ModelError

RENAMES = {"to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "o", "add_k_proj": "k_img", "add_v_proj": "v_img"}
PREFIXES = ("model.diffusion_model.", "diffusion_model.", "transformer.", "lora_unet_")
PAIRS = {"lora_A": "A", "lora_down": "A", "lora_B": "B", "lora_up": "B"}


def native_names(transformer) -> dict[str, str]:
    """{Wan's name of a Linear (and its kohya form): diffusers' module name} of ``transformer``."""
    import torch
    out = {}
    for name, m in transformer.named_modules():
        if not isinstance(m, torch.nn.Linear):
            continue
        wan = name
        for ours, theirs in RENAMES.items():
            if name.endswith("." + ours) and ("self_attn." in name or "cross_attn." in name):
                wan = name[: -len(ours)] + theirs
                break
        out[wan] = out[wan.replace(".", "_")] = out[name] = name
    return out


def _split(key: str) -> tuple[str, str]:
    """(the module's name as the file gives it, what the tensor is: 'A', 'B', 'alpha', 'diff_b', 'diff' or '')."""
    for pre in PREFIXES:
        if key.startswith(pre):
            key = key[len(pre):]
            break
    if key.startswith("blocks.") and ".block." in key:  # the research checkpoint's wrapper
        key = key.replace(".block.", ".", 1)
    for tail, what in (*((f".{p}.weight", w) for p, w in PAIRS.items()), (".alpha", "alpha"), (".diff_b", "diff_b"),
                       (".diff", "diff")):
        if key.endswith(tail):
            return key[: -len(tail)], what
    return key, ""


def adapter_dict(sd: dict, transformer, name: str) -> tuple[dict, list[str]]:
    """(the LoRA ``sd`` in PEFT's names on ``transformer``'s modules, alpha folded into lora_B; what to say).
    ModelError when nothing applies."""
    table = native_names(transformer)
    found: dict[str, dict] = {}
    unknown, diffs = [], []
    for key, t in sd.items():
        mod, what = _split(key)
        if what == "diff":
            diffs.append(key)
            continue
        ours = table.get(mod)
        if ours is None or not what:
            unknown.append(key)
            continue
        found.setdefault(ours, {})[what] = t
    out, said = {}, []
    for mod, parts in found.items():
        if "A" not in parts or "B" not in parts:
            unknown.append(f"{mod} ({'/'.join(sorted(parts))} without its pair)")
            continue
        a, b = parts["A"].float(), parts["B"].float()
        rank = a.shape[0]
        scale = float(parts["alpha"]) / rank if "alpha" in parts else 1.0
        out[f"{mod}.lora_A.weight"] = a
        out[f"{mod}.lora_B.weight"] = b * scale
        if "diff_b" in parts:
            out[f"{mod}.lora_B.bias"] = parts["diff_b"].float()
    if not out:
        raise ModelError(f"no key of the LoRA '{name}' names a layer of Wan Animate 2's transformer: "
                         f"{', '.join(sorted(sd)[:4])}{' ...' if len(sd) > 4 else ''}. Is it a LoRA of another "
                         "family or size?")
    if unknown:
        said.append(f"LoRA '{name}': {len(unknown)} keys name no layer of Wan Animate 2's transformer and are not "
                    f"applied: {', '.join(sorted(unknown)[:4])}{' ...' if len(unknown) > 4 else ''}")
    if diffs:
        said.append(f"LoRA '{name}': {len(diffs)} whole-weight offsets ('.diff': norms, modulations) are not applied "
                    "(an adapter holds low-rank pairs only)")
    return out, said


@contextmanager
def animate2_loras(ref, transformer, say=None):
    """``ref.loras`` on ``transformer`` as PEFT adapters inside the block, each at its strength; none after it."""
    if not ref.loras:
        yield
        return
    from safetensors.torch import load_file

    from ...loading.load import lora_check
    from ...loading.loras import TransformerAdapters
    say = say or (lambda _m: None)
    adapters = TransformerAdapters(transformer, "wa2", "Wan Animate 2")

    def tensors(path: str) -> dict:
        lora_check(path)
        sd, said = adapter_dict(load_file(path), transformer, os.path.basename(path))
        for line in said:
            say(line)
        return sd
    try:
        for use in ref.loras:
            adapters.add(use.path, use.strength, lambda path=use.path: tensors(path))
        adapters.on()
        yield
    finally:
        adapters.off()
