"""The LoRA file and strength a node on the model's way sets, by its settings' names: ComfyUI's 'lora_name' and
'strength_model', else a pack's (a setting with 'lora' in its name giving a weights file, a 'strength' /
'lora_strength' / 'weight' number: the HunyuanVideo wrapper's HyVideoLoraSelect saved wired as a model pass), else,
for a pack the catalogue does not hold whose UI file saves its values by place, the one saved value that is a
weights file, its strength the number saved after it (facok's HunyuanVideoLoraLoader). A setting with 'lora' in its name that names no weights file (Impact's
'Select the LoRA to add to the text' pick) is not a LoRA. None where no file is named. A strength set to what is not
one number (a per-step list a StringToFloatList gives, a value Studio cannot work out) is applied at 1.0 and said
(unread_strength: heldout14's '0, 0, 3, 3' was applied at 1.0 unsaid). Plain stdlib."""
from __future__ import annotations

from typing import Any

STRENGTHS = ("strength_model", "strength", "lora_strength", "weight")
WEIGHTS = (".safetensors", ".pt", ".pth", ".ckpt", ".bin", ".gguf", ".sft")


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _weights(v: Any) -> bool:
    return isinstance(v, str) and v.strip().lower().endswith(WEIGHTS)


def is_model_type(t) -> bool:
    """A declared type a denoiser is given as: ComfyUI's MODEL, or a pack's own (FramePackMODEL, WANVIDEOMODEL)."""
    return isinstance(t, str) and t.upper().endswith("MODEL")


def _model_only(n) -> bool:
    """A node whose file declares one model socket in (its other inputs settings) and one model out, of one type:
    ComfyUI's MODEL or a pack's own (a wrapper's FramePackMODEL: hndrr's LoadFramePackLora, heldout63 10): a LoRA's
    shape, not a guide's (an IC-LoRA director taking pictures and giving conditioning too)."""
    ins, outs = list(n.in_types.values()), list(n.out_types)
    model = outs[0] if len(outs) == 1 and is_model_type(outs[0]) else None
    return model is not None and ins.count(model) == 1 and all(
        t in (model, "FLOAT", "INT", "STRING", "COMBO", "BOOLEAN") for t in ins)


def lora_of(wf, n) -> tuple[str, float] | None:
    """(file, strength) of LoRA node ``n`` (strength 1.0 where none is set); None where no file is named."""
    name = wf.value(n, "lora_name")
    if not (isinstance(name, str) and name.strip()):
        name = next((v for k, v in n.widgets.items() if "lora" in k.lower() and _weights(v) and k not in n.links),
                    None)  # (a setting wired to a node Studio cannot work out: its saved name is stale, not read)
    placed = None
    if name is None and not n.widgets and isinstance(n.raw, list) and _model_only(n):  # saved by place, its type
        # not catalogued, a model in and a model out alone (no guide, no conditioning): its
        files = [i for i, v in enumerate(n.raw) if _weights(v)]  # one weights file, its strength the number after it
        if len(files) == 1:
            name, placed = n.raw[files[0]], next((v for v in n.raw[files[0] + 1:files[0] + 2] if _number(v)), None)
    if not isinstance(name, str) or not name.strip() or name.strip().lower() == "none":
        return None
    strength = next((v for k in STRENGTHS if _number(v := wf.value(n, k))), placed)
    if strength is None and not n.widgets and isinstance(n.raw, list):
        return None  # saved by place with no strength beside its file: not read as a LoRA (said as not applied)
    return name, 1.0 if strength is None else strength


def unread_strength(wf, n, name: str) -> str | None:
    """The sentence for LoRA node ``n`` (file ``name``) whose strength is set to what is not one number (a list of
    strengths per step, a value Studio cannot work out when converting): applied at 1.0; None where it is a number
    or none is set. A node made in a pack node's place ('<id>:lora') is named as the pack's node, its source too."""
    base = wf.nodes.get(str(n.id).split(":")[0], n)
    for node in (n, base) if base is not n else (n,):
        for k in STRENGTHS:
            v = wf.value(node, k)
            if v is None and k not in node.links or _number(v):
                continue
            src = wf.source(node, k) or next((wf.source(base, j) for j in STRENGTHS if j in base.links), None)
            what = f"{v!r}" if v is not None else "a value Studio cannot work out when converting"
            frm = f" (from '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}))" if src is not None else ""
            return (f"'{base.title or base.shown_cls}' ({base.shown_cls}, #{base.id})'s LoRA '{name}' strength is "
                    f"{what}{frm}, not one number: Studio's Video LoRA applies it at 1.0")
    return None
