"""The text encoder and VAE inside an all-in-one checkpoint, as ComfyUI's Load Checkpoint reads one file: the
denoiser under 'model.diffusion_model.', the text encoder under 'text_encoders.<name>.transformer.' (its
sentencepiece tokenizer as 'text_encoders.spiece_model'), the VAE under 'vae.' or 'first_stage_model.'. A part's
tensors are read from the header as a file of their own, their names without the checkpoint's prefix (nothing is
allocated): files/parts.read_part takes them where the checkpoint is given as a part's file, and a family's part
reader that declares ``CHECKPOINT_PARTS`` (Wan's: the text encoder and the VAE; LTX-Video's: the text encoder, its
VAE read by its own code) gets them where Load Video Model's text_encoder / vae are empty (loading/family_parts.py)."""
from __future__ import annotations

import os

from .spiece_tokenizers import SPIECE
from .weight_formats import SCALED_MARK, WeightFile  # (a scaled-fp8 part's marker: no weight, not read)

TEXT_PREFIX = "text_encoders."  # ComfyUI's models saved with their text encoders (Wan, LTX-Video, Flux, SD3...)
VAE_PREFIXES = ("vae.", "first_stage_model.")  # ComfyUI's newer models' and the SD models' VAE


def _text_prefix(names) -> str | None:
    """'text_encoders.umt5xxl.transformer.': the prefix of the one text encoder under 'text_encoders.' (its
    'transformer.' when every tensor of it has one); None where there is none, or several (CLIP-L beside T5)."""
    own = {}
    for k in names:
        bits = k.split(".")
        if k.startswith(TEXT_PREFIX) and len(bits) > 3 and bits[2] != SPIECE:
            own.setdefault(bits[1], set()).add(bits[2])
    if len(own) != 1:
        return None
    name, inner = next(iter(own.items()))
    return f"{TEXT_PREFIX}{name}.transformer." if inner == {"transformer"} else f"{TEXT_PREFIX}{name}."


def _renames(wf: WeightFile, component: str) -> dict[str, str]:
    """The ``component``'s tensors in ``wf``: their names there -> their names in a file of their own ({}: none)."""
    if component == "vae":
        for p in VAE_PREFIXES:
            renames = {k: k[len(p):] for k in wf.tensors if k.startswith(p)}
            if renames:
                return renames
        return {}
    prefix = _text_prefix(wf.tensors) if component == "text_encoder" else None
    if prefix is None:
        return {}
    renames = {k: k[len(prefix):] for k in wf.tensors if k.startswith(prefix)}
    name = TEXT_PREFIX + prefix[len(TEXT_PREFIX):].split(".")[0] + "."
    for tok in (TEXT_PREFIX + SPIECE, name + SPIECE, prefix + SPIECE):
        if tok in wf.tensors:
            renames[tok] = SPIECE
            break
    return renames


def part_of(wf: WeightFile, component: str) -> WeightFile | None:
    """The ``component``'s ('text_encoder', 'vae') tensors of the all-in-one file ``wf`` as a file of their own
    (the same path, names without the checkpoint's prefix; the text encoder's tokenizer as 'spiece_model'); None
    where the file holds none (or, for the text encoder, several)."""
    renames = {k: n for k, n in _renames(wf, component).items() if n != SCALED_MARK}  # (the marker: no weight)
    return _sub(wf, renames) if renames else None


def without(wf: WeightFile, components) -> WeightFile:
    """``wf`` without the tensors of ``components`` (read as parts of their own): the denoiser's load reads none of
    them."""
    drop = {k for c in components for k in _renames(wf, c)}
    if not drop:
        return wf
    return WeightFile(wf.path, wf.kind, {k: v for k, v in wf.tensors.items() if k not in drop},
                      {w: s for w, s in wf.scales.items() if w not in drop}, wf.data_start, wf.aside)


def _sub(wf: WeightFile, renames: dict[str, str]) -> WeightFile:
    """The tensors ``renames`` names (old -> new) of ``wf``, renamed; their scales kept (under the file's names)."""
    return WeightFile(wf.path, wf.kind, {new: wf.tensors[old] for old, new in renames.items()},
                      {renames[w]: s for w, s in wf.scales.items() if w in renames}, wf.data_start, wf.aside)


def held(wf: WeightFile, components: tuple[str, ...]) -> tuple[str, ...]:
    """Which of ``components`` the all-in-one file ``wf`` holds (headers only)."""
    return tuple(c for c in components if part_of(wf, c) is not None)


def prefixes(wf: WeightFile, components: tuple[str, ...]) -> list[str]:
    """The checkpoint's prefixes of ``components`` in ``wf`` ('text_encoders.umt5xxl.transformer.', 'vae.'), in
    order: for the load's words."""
    out = []
    for c in components:
        if c == "text_encoder":
            out.append(_text_prefix(wf.tensors) or TEXT_PREFIX)
        else:
            out.append(next((p for p in VAE_PREFIXES if any(k.startswith(p) for k in wf.tensors)), VAE_PREFIXES[0]))
    return out


def part_bytes(wf: WeightFile) -> int:
    """The bytes of a part's file its loader reads: the file's size, or where the file holds more than the part's
    tensors (an all-in-one checkpoint's text encoder), those tensors' bytes."""
    size = os.path.getsize(wf.path)
    if wf.kind != "safetensors":
        return size
    mine = sum(max(0, t.end - t.start) for t in (*wf.tensors.values(), *(wf.aside or {}).values()))
    return size if size - wf.data_start <= mine else mine
