"""The text encoder loaded only when a prompt needs it (issue 60 item 2): a diffusers folder of a
pipeline whose prompts are cached and whose call needs no encoder then (base/prompt_recipes.py), its
text encoder given as a part file beside a base folder, or a Wan model given as ComfyUI's files (the
umt5_xxl file), is loaded without its text encoder while the prompt-embedding cache is on
(sampling/prompt_cache.py); the first prompt that is not in the cache loads it
(VideoModelRef.load_text_encoder), so a run whose prompts are all cached never reads the
encoder's file. Memory modes that rewrite the weights at load (block offload, fp8) load it at
once."""
from __future__ import annotations

import os
from typing import Any, Callable

DEFAULT_GB = 2.0
EAGER_MEMORY = ("block_offload", "fp8", "fp8+block_offload")  # they change every part's weights at load


def cache_gb() -> float:
    """The prompt-embedding cache's size: $STUDIO_PROMPT_CACHE_GB (0 turns it off), else 2 GB."""
    try:
        return max(0.0, float(os.environ.get("STUDIO_PROMPT_CACHE_GB", DEFAULT_GB)))
    except ValueError:
        return DEFAULT_GB


class Waiting:
    """The text encoder's loader; ``nbytes``: its files' size (the memory plan counts it as loaded);
    ``config``: its config, read without its weights (LTX-2's call reads the encoder's model type for
    its image CRF: families/ltx2/conditions.py)."""

    def __init__(self, load: Callable[[], Any], nbytes: int, config: Any = None):
        self.load, self.nbytes, self.config = load, nbytes, config

    def __call__(self):
        return self.load()


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

    def load():
        from ..files.parts import load_part
        return load_part(part, torch_dtype)
    from ..files.parts import part_config
    return Waiting(load, os.path.getsize(part.wf.path), part_config(part))


def defer(index: dict, path: str, parts: dict, torch_dtype, kwargs: dict) -> Waiting | None:
    """When the text encoder of this folder can wait (a cached pipeline, its text_encoder/ a
    transformers model of the folder, not a part file, the cache on): ``kwargs`` get
    ``text_encoder=None`` and the loader is returned; else None."""
    entry = index.get("text_encoder")
    if (not can_wait(index) or parts.get("text_encoder")
            or not (isinstance(entry, list) and len(entry) == 2 and entry[0] == "transformers")
            or not os.path.isdir(os.path.join(path, "text_encoder"))):
        return None
    cls_name = str(entry[1])
    kwargs["text_encoder"] = None

    def load():
        import transformers
        cls = getattr(transformers, cls_name, None)
        if cls is None:
            raise OSError(f"transformers has no {cls_name} (the folder's text encoder)")
        return cls.from_pretrained(os.path.join(path, "text_encoder"), torch_dtype=torch_dtype, local_files_only=True)
    folder = os.path.join(path, "text_encoder")
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
               if f.endswith((".safetensors", ".bin")) and os.path.isfile(os.path.join(folder, f)))
    return Waiting(load, size, _folder_config(folder))


def _folder_config(folder: str):
    """The text encoder's config.json as attributes (``model_type`` and the rest), its weights unread."""
    from types import SimpleNamespace

    from ..base.errors import ModelError
    from ..files.headers import read_json
    try:
        return SimpleNamespace(**read_json(os.path.join(folder, "config.json")))
    except (ModelError, TypeError):  # from_pretrained says what is wrong with it when it loads
        return None
