"""A node pack's sound loader by a path, read by its declared types (left19; heldout82 05: comfyui-various'
JWLoadAudio, its 'path' wired from a text box, the song the joined music video is written with; its catalogue entry
declares other outputs, its UI file's one AUDIO output): no AUDIO input, one output, an AUDIO, and a STRING path
input ('path', 'file', ...; wired, or set naming a sound file) is read as ComfyUI's LoadAudio of that file. Its other
inputs and settings are not applied (Studio's Load Audio reads the whole file as it is): said, naming each.
Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from .audio_split import PATHS, names_sound


def _one_sound(n: Any) -> bool:
    """Its one output is an AUDIO (as its UI file saved it, else as the catalogue declares it)."""
    if n.out_types:
        return list(n.out_types) == ["AUDIO"]
    t = catalogue.node_type(n.cls)
    return t is not None and [o.type for o in t.outputs or ()] == ["AUDIO"]


def _others(n: Any, key: str, wf_nodes: dict) -> list[str]:
    """Its inputs and settings besides the path, in words, for the sentence."""
    out = []
    for k, (src, slot) in n.links.items():
        if k == key:
            continue
        s = wf_nodes.get(src)
        name = s.out_names[slot] if s is not None and slot < len(s.out_names) else f"output {slot}"
        out.append(f"'{k}' (wired from the output '{name}' of '{(s.title or s.shown_cls) if s is not None else src}' "
                   f"(#{src}))")
    out += [f"{k} {v!r}" for k, v in n.widgets.items() if k != key]
    if not n.widgets and isinstance(n.raw, list):
        rest = [v for v in n.raw if not isinstance(v, str)]  # (the path's value saved in place: a text)
        if rest:
            out.append("its other saved values (" + ", ".join(repr(v) for v in rest) + ")")
    return out


def as_loader(n: Any, nodes: dict, said: list[str]) -> bool:
    """``n`` read as ComfyUI's LoadAudio of the file its path names, what it does besides said in ``said``; False
    (nothing changed) for any other node."""
    if n.cls == "LoadAudio" or any(t == "AUDIO" for t in n.in_types.values()) or not _one_sound(n):
        return False
    key = next((k for k in PATHS if k in n.links or k in n.widgets), None)
    if key is None or n.in_types.get(key, "STRING") != "STRING" or \
            key not in n.links and not names_sound(n.widgets.get(key)):
        return False
    others = _others(n, key, nodes)
    n.let_go = {**n.let_go, **{k: v for k, v in n.links.items() if k != key}}
    n.origin, n.cls, n.ports = n.origin or n.cls, "LoadAudio", {**n.ports, "audio": key}
    n.links, n.widgets = ({"audio": n.links[key]}, {}) if key in n.links else ({}, {"audio": n.widgets[key]})
    if others:
        said.append(f"{n.named()} is read as ComfyUI's LoadAudio of the file its '{key}' names: "
                    f"{', '.join(others)} {'are' if len(others) > 1 else 'is'} not applied (Studio's Load Audio reads "
                    "the whole file as it is)")
    return True
