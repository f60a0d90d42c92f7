"""Check a model on disk before anything is loaded: which family, which components, which files.

Every problem is one :class:`ModelError` naming the model folder (or file), the component and the
files expected. Pickle weights (``.bin``, ``.ckpt``, ``.pt``, ``.pth``) are refused by name and never
opened; a truncated ``.safetensors`` is caught from its header, before torch reads it.
No torch or diffusers here."""
from __future__ import annotations

import errno
import os
import stat
import struct

from studio.core import json_limits
from studio.core.errors import StudioError

from .families import FAMILIES, Family, family_from_index, family_from_keys

PICKLE_EXTS = (".bin", ".ckpt", ".pt", ".pth", ".pkl")
MAX_HEADER_BYTES = 100_000_000  # the safetensors format's own cap on its header
MAX_TENSORS = 200_000  # a video model holds some tens of thousands at most


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


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def regular_file(path: str) -> int:
    """The size of ``path`` once it is known to be a regular file (symlinks followed), else one
    ModelError naming it: a FIFO, a device or a socket would block or never end when read, so
    weights and configs are stat'ed and refused before they are opened."""
    try:
        st = os.stat(path)
    except OSError as e:
        why = "it is a symbolic link loop" if e.errno == errno.ELOOP else e.strerror or e
        raise ModelError(f"cannot read '{path}': {why}") from None
    if stat.S_ISREG(st.st_mode):
        return st.st_size
    kind = next((k for test, k in _KINDS if test(st.st_mode)), "not a regular file")
    real = os.path.realpath(path)
    link = f" (a link to '{real}')" if real != os.path.abspath(path) else ""
    raise ModelError(f"'{path}'{link} is {kind}, not a regular file: Studio reads weights and configs only from "
                     "regular files (refused before opening it)")


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


def read_safetensors_header(path: str, complete: bool = True) -> tuple[dict, int, int]:
    """(the header, its length in bytes, the file's size) of a .safetensors file: a regular file,
    8 bytes of length, then a JSON object. ``complete``: the file must hold every byte its header
    promises (a truncated download is one clear error, not a crash deep in torch); the model
    listing reads a truncated file's header too, to say so in a note (catalog/headers.py)."""
    size = regular_file(path)
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise ModelError(f"'{path}' is not a safetensors file (it is {size} bytes long)")
            (n,) = struct.unpack("<Q", head)
            if n > min(size - 8, MAX_HEADER_BYTES):  # n is 8 bytes of the file: never quoted (it may be text)
                raise ModelError(f"'{path}' is truncated or not a safetensors file (its header length is not plausible)")
            header = json_limits.loads(f.read(n), max_objects=MAX_TENSORS + 2)
    except OSError as e:
        raise ModelError(f"cannot read '{path}': {e.strerror or e}") from None
    except json_limits.JSONLimitError as e:
        raise ModelError(f"'{path}' is not a safetensors file Studio reads (its header: {e})") from None
    except (ValueError, UnicodeDecodeError):
        raise ModelError(f"'{path}' is not a valid safetensors file (its header is not JSON)") from None
    if not isinstance(header, dict):
        raise ModelError(f"'{path}' is not a valid safetensors file (its header is not a JSON object)")
    if complete:
        end = max((int(v["data_offsets"][1]) for k, v in header.items()
                   if k != "__metadata__" and isinstance(v, dict) and "data_offsets" in v), default=0)
        if 8 + n + end > size:
            raise ModelError(f"'{path}' is truncated: {size:,} bytes on disk, {8 + n + end:,} expected "
                             "(an interrupted download? download it again)")
    return header, n, size


def safetensors_header(path: str) -> dict:
    """The header of a .safetensors file, checked against the file's length."""
    return read_safetensors_header(path)[0]


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
    if lib == "diffusers" and ("Guidance" in cls or "Guider" in cls):  # HunyuanVideo 1.5's guider
        return ("guider_config.json",), ()
    if lib == "transformers":
        return ("config.json",), ("model.safetensors", "model.safetensors.index.json")
    return ("config.json",), ("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.safetensors.index.json",
                              "diffusion_pytorch_model.fp16.safetensors", "diffusion_pytorch_model.bf16.safetensors")


def check_folder(path: str) -> tuple[Family, dict, list[str]]:
    """(family, model_index, weight files) of a diffusers folder, or one ModelError saying what is wrong."""
    idx_path = os.path.join(path, "model_index.json")
    if not os.path.lexists(idx_path):
        raise ModelError(f"'{path}' is not a diffusers model folder: it has no model_index.json "
                         "(or give a single .safetensors file)")
    index = read_json(idx_path)
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
        _only_regular_files(d)
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
                shards = sorted(set(read_json(os.path.join(d, w))["weight_map"].values()))
            except (KeyError, AttributeError, TypeError) as e:
                raise ModelError(f"model '{path}': '{comp}/{w}' cannot be read: no weight_map ({e})") from None
            for s in shards:
                if not os.path.isfile(os.path.join(d, s)):
                    raise ModelError(f"model '{path}': component '{comp}' is missing the shard '{s}'")
                weights.append(os.path.join(d, s))
        else:
            weights.append(os.path.join(d, w))
    for w in weights:
        safetensors_keys(w)  # truncated files fail here, naming the file
    return fam, index, weights


def _only_regular_files(folder: str) -> None:
    """Every file diffusers or transformers may open in a component's folder is a regular file
    (a config, tokenizer or weight file that is a FIFO or a device is refused here, not hung on)."""
    for cur, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                regular_file(os.path.join(cur, name))


def check_file(path: str) -> tuple[Family, list[str]]:
    """(family, tensor names) of a single .safetensors file."""
    refuse_pickle(path)
    if not path.lower().endswith(".safetensors"):
        raise ModelError(f"'{path}' is neither a diffusers folder nor a .safetensors or .gguf file")
    header = safetensors_header(path)
    keys = [k for k in header if k != "__metadata__"]
    fam = family_from_keys(keys)
    if fam is None:
        raise ModelError(unknown_architecture(path, {k: header[k].get("shape", ()) for k in keys
                                                     if isinstance(header[k], dict)}))
    return fam, keys


def unknown_architecture(path: str, shapes: dict, n: int = 6) -> str:
    """The message for a weight file no family's key names match: what it looks like (its first
    tensors' names and shapes)."""
    items = sorted(shapes.items())[:n]
    looks = ", ".join(f"{k} {list(v)}" for k, v in items) + (f", … ({len(shapes)} tensors)" if len(shapes) > n else "")
    return (f"'{path}' does not look like the denoiser of a video model Studio opens "
            f"({', '.join(f.title for f in FAMILIES.values())}): none of its {len(shapes)} tensor names match. "
            f"It holds: {looks or 'no tensors'}")


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
