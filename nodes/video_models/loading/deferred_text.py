"""The text encoder loaded only when a prompt needs it (issue 60 item 2): a diffusers folder of a
pipeline whose prompts are cached and whose call needs no encoder then (base/prompt_recipes.py; its
second text encoder too, HunyuanVideo's and Kandinsky 5's CLIP, HunyuanVideo 1.5's byT5), each given
as a part file beside a base folder or the folder's own, or a Wan model given as ComfyUI's files (the
umt5_xxl file), is loaded without its text encoder while the prompt-embedding cache is on
(sampling/prompt_cache.py); the first prompt that is not in the cache loads it
(VideoModelRef.load_text_encoder), so a run whose prompts are all cached never reads the
encoder's file. Memory modes that rewrite the weights at load (block offload, fp8) load it at
once."""
from __future__ import annotations

import os
from typing import Any, Callable

DEFAULT_GB = 2.0
ENCODERS = ("text_encoder", "text_encoder_2")  # the components a cached prompt needs none of
EAGER_MEMORY = ("block_offload", "fp8", "fp8+block_offload")  # they change every part's weights at load


def cache_gb() -> float:
    """The prompt-embedding cache's size: $STUDIO_PROMPT_CACHE_GB (0 turns it off), else 2 GB."""
    try:
        return max(0.0, float(os.environ.get("STUDIO_PROMPT_CACHE_GB", DEFAULT_GB)))
    except ValueError:
        return DEFAULT_GB


class Waiting:
    """The text encoders' loaders by component name ('text_encoder', and 'text_encoder_2' for a
    pipeline with two: HunyuanVideo, Kandinsky 5); ``nbytes``: their files' size (the memory plan
    counts them as loaded); ``configs``: their configs by name, read without their weights (LTX-2's
    call reads its encoder's model type for the image CRF: families/ltx2/conditions.py)."""

    def __init__(self, loaders: dict[str, Callable[[], Any]], nbytes: int, configs: dict[str, Any] | None = None):
        self.loaders, self.nbytes, self.configs = dict(loaders), nbytes, dict(configs or {})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.loaders)

    def components(self) -> dict[str, Any]:
        """Each waiting encoder, loaded now."""
        return {n: load() for n, load in self.loaders.items()}


def can_wait(index: dict) -> bool:
    """Whether this pipeline's text encoder may wait on disk: the cache on and a pipeline whose prompt
    embeddings sampling/prompt_cache.py keeps (base/prompt_recipes.py)."""
    from ..base.prompt_recipes import encoder_can_wait
    return cache_gb() > 0 and encoder_can_wait(str(index.get("_class_name", "")))


def part_waits(fam, parts: dict) -> tuple:
    """The components a model given as ComfyUI's files (no folder) leaves on disk: its text encoder
    file while the cache is on and the family's prompts are cached (its part reader builds the
    pipeline without it: Wan's, LTX-Video's, LTX-2's, HunyuanVideo 1.5's); () otherwise."""
    from ..base.prompt_recipes import encoder_can_wait
    pipeline = str(getattr(fam, "t2v", None) or getattr(fam, "i2v", None) or "")
    return ("text_encoder",) if cache_gb() > 0 and encoder_can_wait(pipeline) and parts.get("text_encoder") else ()


def defer_part(index: dict, part, torch_dtype, kwargs: dict) -> Waiting | None:
    """The text encoder's part file (a checked files.parts.Part) left on disk when it can wait:
    ``kwargs`` get ``text_encoder=None`` and its loader is returned; else None."""
    if part is None or not can_wait(index):
        return None
    kwargs["text_encoder"] = None
    from ..files.checkpoint_parts import part_bytes  # (an all-in-one checkpoint's text encoder: its tensors only)
    return Waiting({"text_encoder": _part_loader(part, torch_dtype)}, part_bytes(part.wf),
                   {"text_encoder": _part_config(part)})


def defer(index: dict, path: str, checked: dict, torch_dtype, kwargs: dict) -> Waiting | None:
    """When the text encoders of this folder can wait (a cached pipeline, the cache on): each of
    text_encoder and text_encoder_2, given as a part file (``checked``: files.parts.Part by component)
    or else a transformers model in the folder's own subfolder, gets ``None`` in ``kwargs`` and a loader
    in the returned Waiting; None when the text encoder is neither (then none waits)."""
    if not can_wait(index):
        return None
    loaders, size, configs = {}, 0, {}
    for name in ENCODERS:
        part = checked.get(name)
        if part is not None:
            loaders[name] = _part_loader(part, torch_dtype)
            configs[name] = _part_config(part)
            size += os.path.getsize(part.wf.path)
        elif _of_folder(index, path, name):
            folder = os.path.join(path, name)
            loaders[name] = _folder_loader(folder, str(index[name][1]), torch_dtype)
            configs[name] = _folder_config(folder)
            size += sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
                        if f.endswith((".safetensors", ".bin")) and os.path.isfile(os.path.join(folder, f)))
        elif name == "text_encoder":
            return None
    kwargs.update({name: None for name in loaders})
    return Waiting(loaders, size, configs)


def _part_loader(part, torch_dtype) -> Callable[[], Any]:
    def load():
        from ..files.parts import load_part
        return load_part(part, torch_dtype)
    return load


def _of_folder(index: dict, path: str, name: str) -> bool:
    """The folder's ``name`` component is a transformers model in its own subfolder."""
    entry = index.get(name)
    return (isinstance(entry, list) and len(entry) == 2 and entry[0] == "transformers"
            and os.path.isdir(os.path.join(path, name)))


def _folder_loader(folder: str, cls_name: str, torch_dtype) -> Callable[[], Any]:
    def load():
        import transformers
        cls = getattr(transformers, cls_name, None)
        if cls is None:
            raise OSError(f"transformers has no {cls_name} (the folder's {os.path.basename(folder)})")
        return cls.from_pretrained(folder, torch_dtype=torch_dtype, local_files_only=True)
    return load


def _part_config(part):
    """A part file's config object (files.parts.part_config), None where it has none to give."""
    from ..files.parts import part_config
    try:
        return part_config(part)
    except (AttributeError, TypeError, ValueError):
        return None


def _folder_config(folder: str):
    """A text encoder's config.json as attributes (``model_type`` and the rest), its weights unread."""
    from types import SimpleNamespace

    from ..base.errors import ModelError
    from ..files.headers import read_json
    try:
        return SimpleNamespace(**read_json(os.path.join(folder, "config.json")))
    except (ModelError, TypeError):  # from_pretrained says what is wrong with it when it loads
        return None
