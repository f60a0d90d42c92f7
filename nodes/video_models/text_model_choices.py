"""What Generate Text's model picker lists (stop24's leftover): the text-encoder files the models folders hold, as
every loader's picker lists its kind (catalog.listing.choices: a Gemma 4 file among them), and the language model
folders Generate Text runs, where the prompt-writer packs keep them (text_model_folder.FOLDERS under each models folder:
LLM/, prompt_generator/, text_encoders/, smol/), each checked from its files as the node checks it (config.json of a
causal language model, *.safetensors, a tokenizer; no weight read), its name as the node looks it up ('LLM/<folder>')."""
from __future__ import annotations

import os

KIND = "llm"  # an entry's kind: a language model's folder


def _size(path: str) -> int:
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path) if f.endswith(".safetensors"))


def folders(roots: list[str] | None = None) -> list[dict]:
    """The language model folders under the models folders ``roots`` (the settings' where None), one entry each
    (the picker's: name, path, family_title, variant, kind, kind_title, size_text), in search order, once."""
    from studio.core import models

    from .base.errors import ModelError
    from .catalog.listing import size_text
    from .text_model_folder import FOLDERS, check
    out, seen = [], set()
    for root in roots if roots is not None else models.model_dirs():
        for sub in FOLDERS:
            place = os.path.join(root, *sub.split("/"))
            if not os.path.isdir(place):
                continue
            for name in sorted(os.listdir(place)):
                path = os.path.abspath(os.path.join(place, name))
                if path in seen or not os.path.isdir(path):
                    continue
                try:
                    cfg = check(path)
                except ModelError:
                    continue
                seen.add(path)
                size = _size(path)
                out.append({"name": f"{sub}/{name}", "path": path, "family_title": "Language models",
                            "variant": name, "kind": KIND, "kind_title": f"language model ({cfg['model_type']})",
                            "size": size, "size_text": size_text(size)})
    return out


def choices(kinds, refresh: bool = False) -> dict:
    """The picker's list for Generate Text's 'model': the text-encoder files of ``kinds`` and the language model
    folders (studio.ui.panels.model_picker)."""
    from .catalog.listing import choices as files
    got = files(kinds, refresh)
    listed = {e["path"] for e in got["models"]}
    got["models"] = got["models"] + [e for e in folders() if e["path"] not in listed]
    return got
