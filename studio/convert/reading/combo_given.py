"""A pick given into a pick (proxymine23): a node with nothing wired in and one setting, a pick among choices
(COMBO), whose output at that slot its pack declares by a list the catalogue cannot write as a literal (a list of
choices made when ComfyUI starts: Image Saver's Sampler Selector gives ``comfy.samplers.KSampler.SAMPLERS``, its
setting's own list), wired into a reader's pick (a COMBO setting). ComfyUI links an output into a pick only where the
output's type is that pick's list, so what it gives there is one of those choices, and the node is made of its one
pick alone: its pick (alexopus/ComfyUI-Image-Saver nodes_selectors.py, SamplerSelector.get_names, read at 067970fa:
it returns its 'sampler_name' on both outputs). Told by declared types alone; a file pick (a loader's list) or an
upload is not taken. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue


def _pick(reader: Any, name: str) -> bool:
    """``name`` of ``reader`` is a pick (a COMBO setting) as its pack declares it."""
    t = catalogue.node_type(reader.origin or reader.cls)
    i = t.input(name) if t is not None and t.inputs is not None else None
    return i is not None and i.type == "COMBO" and i.widget


def pick_given(src: Any, slot: int, reader: Any, name: str) -> str | None:
    """The pick ``src`` gives on output ``slot`` into ``reader``'s pick ``name`` (see the module); None otherwise."""
    if src.links:
        return None
    t = catalogue.node_type(src.origin or src.cls)
    if t is None or t.inputs is None or t.outputs is None or len(t.inputs) != 1:
        return None
    own = t.inputs[0]
    if own.type != "COMBO" or not own.widget or own.files or own.upload:
        return None
    if not 0 <= slot < len(t.output_types) or t.output_types[slot] != catalogue.UNKNOWN or not _pick(reader, name):
        return None
    v = src.widgets.get(own.name)
    if v is None and isinstance(src.raw, list) and len(src.raw) == 1:
        v = src.raw[0]  # (the one value a UI file saves, unnamed)
    return v if isinstance(v, str) else None
