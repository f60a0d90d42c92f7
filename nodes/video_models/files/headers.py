"""A weight or config file's header read safely, family-free: regular files only, JSON configs,
safetensors headers checked against the file's length, pickles refused by name and never opened.
Every problem is one :class:`ModelError` naming the file. No torch here."""
from __future__ import annotations

import os

from studio.core import json_limits
from studio.core.safetensors_header import (MAX_HEADER_BYTES, MAX_TENSORS, PICKLE_EXTS,  # noqa: F401 - re-exported
                                            read_safetensors_header, refuse_pickle, regular_file)

from ..base.errors import ModelError
from ..base.registry import FAMILIES


# a layer's weight stored as whole numbers: F32 relabelled I32 (of one size: the header's offsets still fit) had
# loaded and run to a NaN at Save Video. A file's other whole-number tensors are not weights (position ids, a batch
# norm's count, the tokenizer's bytes ComfyUI keeps as 'spiece_model'); a quantised layer's whole numbers come with
# its scales or its quantisation state (ComfyUI's int8 and NVFP4 are read as such before this check; a folder whose
# config names its quantization skips it)
INTEGER_STORAGE = ("I64", "I32", "I16", "I8", "U8")
QUANT_BESIDE = ("weight_scale", "weight_scale_inv", "scale", "scales", "SCB", "absmax", "qzeros", "zeros")


class WholeNumberWeights(ModelError):
    """A layer weight stored as whole numbers (check_float_storage): ``tensor`` names it."""

    def __init__(self, message: str, tensor: str):
        super().__init__(message)
        self.tensor = tensor


def check_float_storage(path: str, dtypes: dict) -> None:
    """Refuse, naming ``path`` and the tensor, the first layer weight or bias of ``dtypes`` (name -> safetensors
    dtype) stored as whole numbers with nothing beside it that would make it a quantised one."""
    parents = None  # names that have tensors under them (bitsandbytes' 'x.weight.absmax'), made when first asked
    for name, dtype in dtypes.items():
        layer, _, last = name.rpartition(".")
        if dtype not in INTEGER_STORAGE or last not in ("weight", "bias"):
            continue
        parents = parents if parents is not None else {k.rpartition(".")[0] for k in dtypes}
        if name in parents or any(f"{layer}.{q}" in dtypes for q in QUANT_BESIDE):
            continue
        raise WholeNumberWeights(f"'{path}': tensor '{name}' is stored as {dtype} (whole numbers), but a model's "
                                 "weights are floating-point numbers (bf16, fp16, fp32 or fp8): a damaged file, or one "
                                 "whose header was rewritten; Studio does not run it", name)


def safetensors_keys(path: str) -> list[str]:
    """The tensor names of a .safetensors file, after checking the file holds every byte its
    header promises (a truncated download is one clear error, not a crash deep in torch)."""
    return [k for k in safetensors_header(path) if k != "__metadata__"]


def safetensors_numel(path: str) -> int:
    """How many numbers the tensors of a .safetensors file hold (from its header: nothing is read)."""
    total = 0
    for k, v in safetensors_header(path).items():
        if k != "__metadata__" and isinstance(v, dict):
            n = 1
            for d in v.get("shape", ()):
                n *= int(d)
            total += n
    return total


def read_json(path: str) -> dict:
    """A JSON config (a regular file, checked first), which must hold an object."""
    regular_file(path)
    try:
        data = json_limits.load_file(path)
    except json_limits.JSONLimitError as e:
        raise ModelError(f"'{path}' cannot be read: {e}") from None
    except (OSError, ValueError) as e:
        raise ModelError(f"'{path}' cannot be read: {getattr(e, 'strerror', None) or e}") from None
    if not isinstance(data, dict):
        raise ModelError(f"'{path}' is not a JSON object (it holds a {type(data).__name__})")
    return data


def safetensors_header(path: str) -> dict:
    """The header of a .safetensors file, checked against the file's length."""
    return read_safetensors_header(path)[0]


def unknown_architecture(path: str, shapes: dict, n: int = 6) -> str:
    """The message for a weight file no family's key names match: where it goes (another part of a
    model), what it is and why Studio cannot run it (a denoiser told with no family: SCAIL), or what it
    looks like (its first tensors' names and shapes)."""
    from ..base.recognise import not_a_denoiser, recognise
    r = recognise(shapes, "", os.path.basename(path))
    other = not_a_denoiser(r, os.path.basename(path))
    if other:  # another part of a model, as the part pickers tell it
        return other
    if r.kind == "denoiser" and not r.family and r.variant:  # a video model's denoiser Studio tells but cannot run
        return f"'{path}' is the denoiser of {r.variant}; {r.note}"
    items = sorted(shapes.items())[:n]
    looks = ", ".join(f"{k} {list(v)}" for k, v in items) + (f", … ({len(shapes)} tensors)" if len(shapes) > n else "")
    # what it holds first, then the families (all of them: ``main.py families``), so a message cut to its
    # length keeps the file's own facts
    return (f"'{path}' does not look like the denoiser of a video model Studio opens: none of its {len(shapes)} "
            f"tensor names match. It holds: {looks or 'no tensors'}. The {len(FAMILIES)} families it opens "
            f"(main.py families): {', '.join(f.title for f in FAMILIES.values())}")
