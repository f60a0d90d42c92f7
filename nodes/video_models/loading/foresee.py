"""What a Load Video Model node will load, told before a run from its files' headers only (the
catalog's recogniser, catalog/listing.py): the family and the pipeline class, for the generators'
advice (sampling/advice.py), and a model file that is another part of a model (a VAE, a text
encoder, CLIP vision, a LoRA) refused in those words. Nothing is loaded; no torch."""
from __future__ import annotations

import os

from ..base.errors import ModelError
from ..base.recognise import not_a_denoiser
from ..base.registry import FAMILIES, family_from_index, family_of


def _folder_of(path: str) -> str | None:
    if path.endswith("model_index.json"):
        return os.path.dirname(path)
    return path if os.path.isfile(os.path.join(path, "model_index.json")) else None


def _pipeline_class(folder: str) -> str:
    from ..files.headers import read_json
    return str(read_json(os.path.join(folder, "model_index.json")).get("_class_name", ""))


def _size_of(folder: str, fam, index: dict) -> dict:
    """{'variant': 'Wan 2.1 1.3B'..., 'experts': 1 or 2} from the denoiser's config.json (a draft's recipe
    is chosen by them: sampling/draft.py); {} where it cannot be read."""
    from ..files.headers import read_json
    from ..base.registry import variant_title
    den = next((k for k in ("transformer", "unet") if isinstance(index.get(k), list)), None)
    try:
        config = read_json(os.path.join(folder, den, "config.json")) if den else {}
        variant = variant_title(fam, index, dict(config or {}))
    except (ModelError, LookupError, TypeError, ValueError, AttributeError):  # a config that does not tell: the
        # run says what it finds (nothing wider: an interrupt or an alarm's exception goes through)
        return {}
    experts = 2 if isinstance(index.get("transformer_2"), list) and index["transformer_2"][0] else 1
    n = dict(config or {}).get("num_frames")  # a fixed-length model's own (SVD's UNet): what frames 0 makes
    native = {"native_frames": n} if isinstance(n, int) and not isinstance(n, bool) and n > 0 else {}
    return {"variant": variant if variant != fam.title else "", "experts": experts, **native}


def _positions(folder: str | None) -> dict:
    """{'positions': the denoiser's rotary positions (its config's rope_max_seq_len)} of a diffusers folder, {}
    where its config does not say (a generator tells a take that would reach past them: Wan Dancer)."""
    from ..files.headers import read_json
    try:
        n = read_json(os.path.join(folder, "transformer", "config.json")).get("rope_max_seq_len") if folder else None
    except (ModelError, LookupError, TypeError, ValueError, AttributeError):  # a config that does not tell: the run
        # says what it finds
        return {}
    if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        return {}
    from .side_reach import side_reach
    return {"positions": n, **side_reach(folder, n)}  # the side a call reaches: a size past it said before F5


def model_facts(path: str, base: str | None) -> dict:
    """{'family': key, 'title': the model in words, 'pipeline': its folder's pipeline class ('' : not
    known)} of the model at ``path`` (``base``: the diffusers folder a single file is read against);
    {} when the headers do not tell (the run says why)."""
    from .modular import INDEX, modular_folder
    if os.path.isdir(path) and modular_folder(path):  # a modular pipeline's folder (MiniMax H3's, Wan Animate 2's)
        from ..files.headers import read_json
        index = read_json(os.path.join(path, INDEX))
        fam = family_from_index(index)
        return {} if fam is None else {"family": fam.key, "title": fam.title, "pipeline": str(index.get("_class_name"))}
    folder = _folder_of(path)
    if folder is not None:
        from ..files.headers import read_json
        index = read_json(os.path.join(folder, "model_index.json"))
        fam = family_from_index(index)
        if fam is None:
            return {}
        cls = str(index.get("_class_name", ""))
        return {"family": fam.key, "title": family_of(fam.key, cls).title, "pipeline": cls, **_size_of(folder, fam, index),
                **_positions(folder)}
    if not os.path.isfile(path):
        return {}
    from ..catalog.listing import describe_file
    e = describe_file(path)
    if e.kind not in ("denoiser", "checkpoint") or e.family not in FAMILIES:
        return {}
    base_folder = _folder_of(base) if base else None
    cls = _pipeline_class(base_folder) if base_folder else ""
    title = family_of(e.family, cls).title if cls else (e.variant or FAMILIES[e.family].title)
    return {"family": e.family, "title": title, "pipeline": cls, **_positions(base_folder)}


def other_part(path: str) -> str | None:
    """A single file given as the model that the recogniser tells is another part: where it goes."""
    if not os.path.isfile(path) or _folder_of(path) is not None:
        return None
    from ..catalog.listing import describe_file
    from ..base.recognise import Recognised
    e = describe_file(path)
    return not_a_denoiser(Recognised(e.kind, e.family, e.variant), os.path.basename(path))
