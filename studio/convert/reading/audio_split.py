"""A sound file split into parts by count, read by its declared types (left19; heldout82 05: the vrgamedevgirl pack's
VRGDG_LoadAudioSplit_HUMO of Sep 2025, read for its inputs and outputs: a STRING 'path', a FLOAT 'offset_seconds', an
INT 'scene_count', outputs 'meta', 'total_duration', then 'audio_1' ... 'audio_N', one AUDIO per part, one after
another from the offset; 16 HuMo segments each driven by its part were made without their voices).

A node of no AUDIO input, a STRING input naming a sound file (its 'path', wired or set), and two or more AUDIO
outputs numbered 1, 2, ... under one name ('audio_1', 'audio_2', ...) is read as ComfyUI's LoadAudio of that file
whose outputs are its parts in order (``CNode.parts``: the offset, the count, the slot of part 1); Studio's Load
Audio and an Audio Trim for each part are made by mapping/split_parts.py, each part as long as the take it drives.
A type declaring each part's length as a setting of its own ('duration_1' ...: the pack's LoadAudioSplitDynamic) is
not read here: its lengths are not the takes'. Plain stdlib."""
from __future__ import annotations

import math
import re
from typing import Any

from .. import catalogue

SOUND_FILES = (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus")
PATHS = ("path", "file", "audio_file", "audio_path", "file_path")
OFFSETS = ("offset_seconds", "offset", "start_seconds", "start_time", "seek_seconds")
_NUMBERED = re.compile(r"^(.*?)_?(\d+)$")


def _outputs(n: Any) -> tuple[list[str], list[str]]:
    """(each output's type, each output's name) as the UI file saved them, else as the catalogue declares them."""
    if n.out_types:
        return list(n.out_types), list(n.out_names or [""] * len(n.out_types))
    t = catalogue.node_type(n.cls)
    outs = t.outputs if t is not None else ()
    return [o.type for o in outs or ()], [o.name or "" for o in outs or ()]


def _first_part(types: list[str], names: list[str]) -> tuple[int, int] | None:
    """(the slot of part 1, the number of parts) where the AUDIO outputs are numbered 1..N under one name and come
    last, one after another; None otherwise (a separator's 'vocals' / 'drums', a single sound)."""
    slots = [i for i, t in enumerate(types) if t == "AUDIO"]
    if len(slots) < 2 or slots != list(range(slots[0], len(types))):
        return None
    found = [_NUMBERED.match(str(names[i] if i < len(names) else "")) for i in slots]
    if any(m is None for m in found) or len({m.group(1).lower() for m in found}) != 1:
        return None
    if [int(m.group(2)) for m in found] != list(range(1, len(slots) + 1)):
        return None
    return slots[0], len(slots)


def _offset(n: Any, count: int) -> float | None:
    """The seconds part 1 starts at: a named offset setting (none declared: 0); for values saved by place, the
    number saved after the wired path's value, checked by the count saved after it; None where not read."""
    if n.widgets:
        v = next((n.widgets[k] for k in OFFSETS if k in n.widgets), 0.0)
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0 \
            else None
    raw = list(n.raw) if isinstance(n.raw, list) else []
    while raw and isinstance(raw[0], str):  # (the path's value, saved in its place though it is wired)
        raw.pop(0)
    if len(raw) < 2 or isinstance(raw[0], bool) or not isinstance(raw[0], (int, float)):
        return None
    if not math.isfinite(raw[0]) or raw[0] < 0 or raw[1] != count:
        return None
    return float(raw[0])


def _own_lengths(n: Any) -> bool:
    """Its type declares each part's length as a setting ('duration_1' ...)."""
    t = catalogue.node_type(n.cls)
    names = [i.name for i in (t.inputs or ())] if t is not None else []
    return any(re.match(r"^duration_?\d+$", str(k)) for k in [*names, *n.widgets])


def as_split(n: Any) -> bool:
    """``n`` read as ComfyUI's LoadAudio of the file it splits, its parts in ``n.parts``; False (nothing changed)
    where it is not a split of a sound file into numbered parts."""
    if n.cls == "LoadAudio" or any(t == "AUDIO" for t in n.in_types.values()):
        return False
    found = _first_part(*_outputs(n))
    key = next((k for k in PATHS if k in n.links or k in n.widgets), None)
    if key is None and not n.widgets and isinstance(n.raw, list) and n.raw and names_sound(n.raw[0]):
        key, n.widgets = "path", {}  # (values saved by place, unnamed: a sound file's name first is its path)
    if found is None or key is None or set(n.links) - {key} or _own_lengths(n) or \
            key in n.widgets and not names_sound(n.widgets[key]):
        return False  # (another input wired, a sound given or a setting: its value not known here)
    first, count = found
    offset = _offset(n, count)
    if offset is None:
        return False
    n.origin, n.cls, n.parts = n.origin or n.cls, "LoadAudio", (offset, count, first)
    n.ports = {**n.ports, "audio": key}
    if key in n.links:
        n.links = {"audio": n.links[key]}
        n.widgets = {}
    else:
        n.links, n.widgets = {}, {"audio": n.widgets.get(key, n.raw[0] if isinstance(n.raw, list) else "")}
    return True


def names_sound(value: Any) -> bool:
    """A value naming a sound file."""
    return isinstance(value, str) and value.lower().rsplit("?", 1)[0].endswith(SOUND_FILES)


def part_words(n: Any, slot: int) -> str:
    """"'s part k" for the output ``slot`` of a split read here (the sound it gives is that part), else ''."""
    if not n.parts:
        return ""
    k = slot - n.parts[2] + 1
    return f"'s part {k}" if 1 <= k <= n.parts[1] else ""
