"""Check a model on disk before anything is loaded: which family, which components, which files.

Every problem is one :class:`ModelError` naming the model folder (or file), the component and the
files expected. Pickle weights (``.bin``, ``.ckpt``, ``.pt``, ``.pth``) are refused by name and never
opened; a truncated ``.safetensors`` is caught from its header, before torch reads it.
No torch or diffusers here."""
from __future__ import annotations

import os

from ..base.capabilities import unavailable
from ..base.errors import ModelError
from ..base.recognise import family_from_keys
from ..base.registry import FAMILIES, Family, family_from_index
from ..files.headers import (PICKLE_EXTS, check_float_storage, read_json, refuse_pickle, regular_file,
                             safetensors_header, safetensors_keys, unknown_architecture)


# component kind -> (files of which one must exist, weight files of which one must exist)
def _expected(lib: str, cls: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if "Tokenizer" in cls and lib != "diffusers":  # not a diffusers model named so (Cosmos 3's audio tokenizer)
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
    foreign_index(path, index, fam)
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


DENOISERS = ("transformer", "unet")  # the folders a diffusers pipeline keeps its denoiser in


def foreign_index(path: str, index: dict, fam: Family) -> None:
    """Refuse a model_index.json that is not its folder's own (another model's put beside the components), naming
    it and what the folder holds: told by the folder's denoiser, whose own config names another class than the
    index gives it (or one the index does not list), before the components the index lists are looked for (a
    knock-on 'text_encoder is missing', or another family's task refused, had been said)."""
    for comp in DENOISERS:
        cfg_path = os.path.join(path, comp, "config.json")
        if not os.path.isfile(cfg_path):
            continue
        own = read_json(cfg_path).get("_class_name")
        spec = index.get(comp)
        named = str(spec[1]) if isinstance(spec, list) and len(spec) == 2 else None
        if not isinstance(own, str) or own == named:
            continue
        whose = _family_of_weights(os.path.join(path, comp))
        held = f"{whose.title}'s denoiser ({own})" if whose is not None and whose.key != fam.key else own
        names = f"the index names {named}" if named else f"the index names no '{comp}'"
        raise ModelError(f"'{os.path.join(path, 'model_index.json')}' is {fam.title}'s ({index.get('_class_name')}), "
                         f"but the folder's '{comp}/' holds {held}, where {names}: a model_index.json from another "
                         "model; put back the one that came with the folder")


def _family_of_weights(folder: str) -> Family | None:
    """The family a component folder's weights are, from their names (None when they are not told)."""
    try:
        index = os.path.join(folder, "diffusion_pytorch_model.safetensors.index.json")
        if os.path.isfile(index):
            keys = list(read_json(index).get("weight_map") or {})
        else:
            files = sorted(f for f in os.listdir(folder) if f.endswith(".safetensors"))
            keys = safetensors_keys(os.path.join(folder, files[0])) if files else []
    except (ModelError, OSError, AttributeError):
        return None
    return family_from_keys(keys) if keys else None


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
    shapes = {k: header[k].get("shape", ()) for k in keys if isinstance(header[k], dict)}
    fam = family_from_keys(shapes, os.path.basename(path))
    if fam is None:
        raise ModelError(unknown_architecture(path, shapes))
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


def check_folder_configs(path: str, index: dict, weights: list[str], diffusers, own: dict | None = None) -> None:
    """Every component of a diffusers folder with a config and weights: diffusers models checked
    fully (types, counts, meta-built shapes against the weights), transformers models for their
    numbers and layer counts, before from_pretrained builds anything. ``own``: component -> the name
    parts of tensors a node of the family reads itself (its SingleFile own_modules: anywhere in the name, as
    single_file.without_own takes them: HuMo's are inside its blocks), left out of the check."""
    from ..base.config_check import check_config, check_transformers_shapes, check_transformers_types
    from ..files.weight_formats import SAFETENSORS_DTYPES
    for comp, spec in sorted(index.items()):
        if comp.startswith("_") or not isinstance(spec, list) or len(spec) != 2 or spec[0] not in ("diffusers",
                                                                                                   "transformers"):
            continue
        d = os.path.join(path, comp)
        files = [w for w in weights if os.path.dirname(w) == d]
        cfg_path = os.path.join(d, "config.json")
        if not files or not os.path.lexists(cfg_path):
            continue
        cfg = read_json(cfg_path)
        shapes, value_bytes = {}, 2
        for w in files:
            header = safetensors_header(w)
            if "quantization_config" not in cfg:  # (a quantised model's whole-number weights are its layout)
                check_float_storage(w, {k: v.get("dtype") for k, v in header.items() if isinstance(v, dict)})
            for k, v in header.items():
                if k != "__metadata__" and isinstance(v, dict) and not any(o in k for o in (own or {}).get(comp, ())):
                    shapes[k] = tuple(v.get("shape", ()))
                    value_bytes = max(value_bytes, SAFETENSORS_DTYPES.get(v.get("dtype"), ("", 2))[1])
        where = files[0] if len(files) == 1 else f"{d}{os.sep}*.safetensors"
        cls = getattr(diffusers, str(spec[1]), None) if spec[0] == "diffusers" else None
        if spec[0] == "transformers":
            check_transformers_types(cfg_path, cfg, str(spec[1]))
        check_config(cfg_path, cfg, cls, shapes, where, value_bytes, build=cls is not None and
                     hasattr(cls, "from_config"))
        if spec[0] == "transformers":
            check_transformers_shapes(cfg_path, cfg, str(spec[1]), shapes, where, value_bytes)


def runnable(fam: Family) -> None:
    """A family that cannot run on this machine (its Requires: Cosmos without its guardrail), refused in
    its one sentence before any weight is read."""
    why = unavailable(fam)
    if why:
        raise ModelError(why)
