"""A UI node's values saved by a version of its type before its last settings were added (heldout62 08: ComfyUI's
TextEncodeHunyuanVideo_ImageToVideo of March 2025 saved its one value, the prompt, before a required 'image_interleave'
was declared after it; its values were not named, so the HunyuanVideo I2V take's prompt was left empty with nothing
said). ComfyUI's frontend puts a node's saved values on its widgets by place and leaves the widgets after them at their
defaults, so a list of values shorter than the declared widgets is read so: by place over the first widgets, where
each value fits its widget's declared type (unsaved_optional.fits) and every widget after them declares a default
(the value ComfyUI runs it with). Its caller leaves out first a declared widget wired in (a forceInput text: WAS'
'Text Find and Replace' saves 'find', 'replace' only). Read for a text encoder's prompt alone
(tracing/prompt_unnamed.older_prompt): a node's other settings keep their readers, some of which know an older
version's meaning (ImageScaleToTotalPixels before resolution_steps). Where a setting was added among the earlier ones
instead, a value lands on a widget of another kind and the list is not read. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .unsaved_optional import fits


def named(base: list, values: Any) -> dict[str, Any] | None:
    """``values`` named over the first of ``base`` (the declared widgets in the frontend's order) where they are fewer,
    each fitting its widget's type, and every widget left out declares a default; None else."""
    if not isinstance(values, list) or not 0 < len(values) < len(base):
        return None
    if not all(fits(i, v) for i, v in zip(base, values)) or any(i.default is None for i in base[len(values):]):
        return None
    return {i.name: v for i, v in zip(base, values)}
