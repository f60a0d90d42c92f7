"""A diffusers modular pipeline folder (modular_model_index.json: MiniMax H3's): checked, then loaded
component by component from its own folders (the index's loading specs may name a Hub repository or
another machine's path: Studio reads the folder it was given, offline), into diffusers'
ModularPipeline made from that index (``ModularPipeline.from_pretrained``, then
``update_components``: diffusers' documented way to set components). A single denoiser file of the
same family (Wan Animate 2's ComfyUI int8 convrot file) with such a folder as its base is read in
place of the folder's denoiser, against the folder's config (files/single_file.load_denoiser)."""
from __future__ import annotations

import os

from ..base.capabilities import Modular, single_file
from ..base.errors import ModelError
from ..base.registry import FAMILIES, Family, family_from_index
from ..files.headers import read_json

INDEX = "modular_model_index.json"
# components read from tokenizer files, not weights (Cosmos 3's is named text_tokenizer: its sound_tokenizer is a
# model)
TOKENIZERS = ("tokenizer", "text_tokenizer", "processor")


def modular_folder(path: str) -> bool:
    """A folder with a modular_model_index.json and no model_index.json, or a model_index.json that
    names no family Studio reads beside a modular index that does (Wan-AI/Wan2.2-Animate-2-14B-Diffusers
    holds both: its modular index is the one diffusers loads it by)."""
    if not (os.path.isdir(path) and os.path.isfile(os.path.join(path, INDEX))):
        return False
    plain = os.path.join(path, "model_index.json")
    if not os.path.lexists(plain):
        return True
    try:
        return family_from_index(read_json(plain)) is None and \
            getattr(family_from_index(read_json(os.path.join(path, INDEX))), "modular", False)
    except Exception:  # noqa: BLE001  an unreadable index: the folder's checks say so, as a plain folder
        return False


def component_spec(index: dict, name: str) -> tuple[str, str, str] | None:
    """(library, class, subfolder) of a component the index names, None when it names none."""
    entry = index.get(name)
    if not isinstance(entry, list) or len(entry) != 3 or not isinstance(entry[2], dict):
        return None
    lib, cls = entry[0], entry[1]
    if lib is None:  # saved without a loading spec: its type hint says what it is
        lib, cls = (list(entry[2].get("type_hint") or []) + [None, None])[:2]
    if lib is None or cls is None:
        return None
    return str(lib), str(cls), str(entry[2].get("subfolder") or name)


def modular_family(path: str) -> Family | None:
    """The family a modular folder's index names (None: none Studio opens so)."""
    fam = family_from_index(read_json(os.path.join(path, INDEX)))
    return fam if getattr(fam, "modular", False) else None


def check_modular_folder(path: str, supplied: tuple = ()) -> tuple[Family, dict, dict]:
    """(family, index, {component: (library, class, folder)}) of a modular folder, or one ModelError
    naming the folder and the component missing, before anything is loaded; the components ``supplied``
    (read from part files instead: its Modular capability's files) are not looked for."""
    index = read_json(os.path.join(path, INDEX))
    fam = family_from_index(index)
    if fam is None or not getattr(fam, "modular", False):
        known = ", ".join(f.title for f in FAMILIES.values() if getattr(f, "modular", False))
        raise ModelError(f"'{path}' holds a modular '{index.get('_class_name', '?')}', not a video model Studio "
                         f"opens as a modular pipeline ({known})")
    found = {}
    modular = fam.capability(Modular)
    for name in modular.components:
        if name in supplied:
            continue
        spec = component_spec(index, name)
        folder = os.path.join(path, spec[2] if spec else name)
        config = ("tokenizer_config.json", "tokenizer.json", "vocab.json") if name in TOKENIZERS \
            else ("scheduler_config.json",) if "scheduler" in name else ("config.json",)
        if spec is None or not os.path.isdir(folder) or not any(os.path.isfile(os.path.join(folder, c))
                                                                 for c in config):
            raise ModelError(f"model '{path}': component '{name}' is missing: {fam.title}'s "
                             f"{modular.task} needs a "
                             f"folder '{name}/' with {' or '.join(config)}" + ("" if spec else f" (and '{name}' in "
                                                                               f"{INDEX})"))
        if spec[0] in ("diffusers", "transformers") and name not in TOKENIZERS and \
                "scheduler" not in name and not any(f.endswith(".safetensors") or f.endswith(".safetensors.index.json")
                                                    for f in os.listdir(folder)):
            raise ModelError(f"model '{path}': component '{name}' ({spec[1]}) has no .safetensors weights in "
                             f"'{folder}'")
        found[name] = (spec[0], spec[1], folder)
    return fam, index, found


def single_denoiser(fam: Family, found: dict, single: str):
    """(the file's tensors, its folder's config base) of a denoiser file read into a modular folder in
    place of the folder's (Wan Animate 2's ComfyUI file): its family the folder's, checked from its
    header before anything is loaded."""
    from ..files.weight_formats import check_single_file
    sfam, wf = check_single_file(single)
    if sfam.key != fam.key:
        raise ModelError(f"'{single}' is a {sfam.title} file but the base '{os.path.dirname(found[fam.denoiser][2])}' "
                         f"is a {fam.title} model")
    refusal = single_file(sfam).refusal
    if refusal and (not sfam.modular or sfam.capability(Modular).single_file_reader(wf) is None):
        raise ModelError(f"'{single}': {refusal}")
    folder = found[fam.denoiser][2]
    if os.path.basename(os.path.normpath(folder)) != fam.denoiser:
        raise ModelError(f"'{single}': the base's {fam.denoiser} is read from '{folder}', not a '{fam.denoiser}/' "
                         "folder beside the index: Studio reads a single file against a base's own folder")
    return wf, os.path.dirname(os.path.normpath(folder))


def load_modular(fam: Family, path: str, found: dict, torch_dtype, device, info, single=None, files=None):
    """(the modular pipeline of ``path`` with every component of ``found`` loaded from its folder, the
    single file's weights in words or ''); ``single``: single_denoiser's (file, base) read in place of
    the folder's denoiser (files/single_file.py: its int8, fp8 or NVFP4 layers kept so); ``files``:
    the Modular capability's files, read in place of the folder's components."""
    import diffusers
    import transformers
    from diffusers import ModularPipeline
    parts, weights, skip = {}, "", set()
    if single is not None:
        from ..files.single_file import load_denoiser
        wf, base = single
        reader = fam.capability(Modular).single_file_reader(wf)
        if reader is not None:  # the family's own (MiniMax H3's curve form: the file names the part it fills)
            name, den, weights = reader(wf, torch_dtype, device, info)
            skip.add(fam.denoiser)  # one transformer in memory (the other read when its task runs)
        else:
            name = fam.denoiser
            den, _, weights = load_denoiser(diffusers, {fam.denoiser: found[fam.denoiser][:2]}, base, fam, wf,
                                            torch_dtype)
        parts[name] = den.eval().to(device)
        info(f"{name}: {weights}")
    for name, (words, read) in (files or {}).items():
        parts[name] = read(torch_dtype).eval().to(device)
        info(f"{name}: {words}")
        weights = "; ".join(w for w in (weights, f"{name} {words}") if w)  # the node's note names the files
    for name, (lib, cls_name, folder) in found.items():
        if name in parts or name in skip:
            continue
        own = fam.capability(Modular).part(name, folder, info)
        if own is not None:  # the family's own reading of it (MiniMax H3's processor without torchvision)
            parts[name] = own
            continue
        cls = getattr(diffusers if lib == "diffusers" else transformers, cls_name, None)
        if cls is None:
            raise ModelError(f"model '{path}': component '{name}' is a {lib} '{cls_name}', which this {lib} has not")
        kw = {}
        if hasattr(cls, "parameters"):  # a torch module (its float32 parts kept so: _keep_in_fp32_modules)
            kw = {"torch_dtype": torch_dtype} if lib == "diffusers" else {"dtype": torch_dtype}
        try:
            parts[name] = cls.from_pretrained(folder, local_files_only=True, **kw)
        except (OSError, ValueError) as e:
            raise ModelError(f"model '{path}': component '{name}' could not be loaded: {str(e).splitlines()[0]}") \
                from None
        if hasattr(parts[name], "eval") and hasattr(parts[name], "to"):
            parts[name] = parts[name].eval().to(device)
    pipe = ModularPipeline.from_pretrained(path, local_files_only=True)
    pipe.update_components(**parts)
    return pipe, weights
