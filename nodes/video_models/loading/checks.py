"""Check a model on disk before anything is loaded: which family, which components, which files.

Every problem is one :class:`ModelError` naming the model folder (or file), the component and the
files expected. Pickle weights (``.bin``, ``.ckpt``, ``.pt``, ``.pth``) are refused by name and never
opened; a truncated ``.safetensors`` is caught from its header, before torch reads it.
No torch or diffusers here."""
from __future__ import annotations

import json
import os
import struct

from studio.core.errors import StudioError

from .families import FAMILIES, Family, family_from_index, family_from_keys

PICKLE_EXTS = (".bin", ".ckpt", ".pt", ".pth", ".pkl")


class ModelError(StudioError):
    """A model on disk that Studio cannot open, and why."""


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


def safetensors_header(path: str) -> dict:
    """The header of a .safetensors file, checked against the file's length."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise ModelError(f"'{path}' is not a safetensors file (it is {size} bytes long)")
            (n,) = struct.unpack("<Q", head)
            if n > min(size - 8, 100_000_000):
                raise ModelError(f"'{path}' is truncated or not a safetensors file (its header claims {n} bytes)")
            header = json.loads(f.read(n))
    except OSError as e:
        raise ModelError(f"cannot read '{path}': {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError):
        raise ModelError(f"'{path}' is not a valid safetensors file (its header is not JSON)") from None
    end = max((int(v["data_offsets"][1]) for k, v in header.items()
               if k != "__metadata__" and isinstance(v, dict) and "data_offsets" in v), default=0)
    if 8 + n + end > size:
        raise ModelError(f"'{path}' is truncated: {size:,} bytes on disk, {8 + n + end:,} expected "
                         "(an interrupted download? download it again)")
    return header


def refuse_pickle(path: str) -> None:
    if path.lower().endswith(PICKLE_EXTS):
        raise ModelError(f"'{path}' is a pickle checkpoint: Studio never unpickles weights (it can run code). "
                         "Use the .safetensors version of the model (or convert it once with a trusted tool)")


# component kind -> (files of which one must exist, weight files of which one must exist)
def _expected(lib: str, cls: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if "Tokenizer" in cls:
        return ("tokenizer.json", "tokenizer_config.json", "spiece.model", "vocab.json"), ()
    if "Processor" in cls or "FeatureExtractor" in cls:
        return ("preprocessor_config.json",), ()
    if "Scheduler" in cls:
        return ("scheduler_config.json",), ()
    if lib == "transformers":
        return ("config.json",), ("model.safetensors", "model.safetensors.index.json")
    return ("config.json",), ("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.safetensors.index.json",
                              "diffusion_pytorch_model.fp16.safetensors", "diffusion_pytorch_model.bf16.safetensors")


def check_folder(path: str) -> tuple[Family, dict, list[str]]:
    """(family, model_index, weight files) of a diffusers folder, or one ModelError saying what is wrong."""
    idx_path = os.path.join(path, "model_index.json")
    if not os.path.isfile(idx_path):
        raise ModelError(f"'{path}' is not a diffusers model folder: it has no model_index.json "
                         "(or give a single .safetensors file)")
    try:
        with open(idx_path, encoding="utf-8") as f:
            index = json.load(f)
    except (OSError, ValueError) as e:
        raise ModelError(f"'{idx_path}' cannot be read: {e}") from None
    fam = family_from_index(index)
    if fam is None:
        known = ", ".join(f.title for f in FAMILIES.values())
        raise ModelError(f"'{path}' holds a '{index.get('_class_name', '?')}', not a video model Studio "
                         f"opens ({known})")
    weights: list[str] = []
    for comp, spec in sorted(index.items()):
        if comp.startswith("_") or not isinstance(spec, list) or len(spec) != 2 or spec[0] is None:
            continue
        lib, cls = str(spec[0]), str(spec[1])
        d = os.path.join(path, comp)
        need, wfiles = _expected(lib, cls)
        if not os.path.isdir(d):
            raise ModelError(f"model '{path}': component '{comp}' ({cls}) is missing: expected a folder "
                             f"'{comp}/' with {' or '.join(need)}" + (f" and {wfiles[0]}" if wfiles else ""))
        present = set(os.listdir(d))
        if not any(n in present for n in need):
            raise ModelError(f"model '{path}': component '{comp}' ({cls}) has no {' or '.join(need)} in '{d}'")
        if not wfiles:
            continue
        found = [w for w in wfiles if w in present]
        if not found:
            pickles = sorted(p for p in present if p.lower().endswith(PICKLE_EXTS))
            if pickles:
                raise ModelError(f"model '{path}': component '{comp}' has only pickle weights ({', '.join(pickles)}): "
                                 f"Studio never unpickles weights; it needs {wfiles[0]}")
            raise ModelError(f"model '{path}': component '{comp}' ({cls}) has no weights: expected {wfiles[0]} "
                             f"(or a sharded {wfiles[1]}) in '{d}'")
        w = found[0]
        if w.endswith(".index.json"):
            try:
                with open(os.path.join(d, w), encoding="utf-8") as f:
                    shards = sorted(set(json.load(f)["weight_map"].values()))
            except (OSError, ValueError, KeyError) as e:
                raise ModelError(f"model '{path}': '{comp}/{w}' cannot be read: {e}") from None
            for s in shards:
                if not os.path.isfile(os.path.join(d, s)):
                    raise ModelError(f"model '{path}': component '{comp}' is missing the shard '{s}'")
                weights.append(os.path.join(d, s))
        else:
            weights.append(os.path.join(d, w))
    for w in weights:
        safetensors_keys(w)  # truncated files fail here, naming the file
    return fam, index, weights


def check_file(path: str) -> tuple[Family, list[str]]:
    """(family, tensor names) of a single .safetensors file."""
    refuse_pickle(path)
    if not path.lower().endswith(".safetensors"):
        raise ModelError(f"'{path}' is neither a diffusers folder nor a .safetensors file")
    keys = safetensors_keys(path)
    fam = family_from_keys(keys)
    if fam is None:
        raise ModelError(f"'{path}' does not look like the denoiser of a video model Studio opens "
                         f"({', '.join(f.title for f in FAMILIES.values())}): none of its {len(keys)} tensor "
                         "names match")
    return fam, keys


def model_files(path: str) -> list[str]:
    """Every file a model's results depend on (weights and configs), for the signature cache."""
    if os.path.isfile(path):
        return [path]
    out = []
    for cur, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [os.path.join(cur, f) for f in sorted(files)
                if f.endswith((".safetensors", ".json", ".txt", ".model"))]
    return out
