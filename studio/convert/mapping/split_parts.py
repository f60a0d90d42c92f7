"""A sound file split into parts (reading/audio_split.py: ``CNode.parts``) made with Studio's nodes: one Load Audio
of the file, an Audio Trim for each part a generator or a save reads (made when first read, its window set once
the takes are made), each part as long as the take it drives: the seconds of the voice the generator reads
(its node class's ``voice_seconds``, the engine's voice budget's), the parts one after another from the offset
(heldout82 05: 16 HuMo segments of 97 frames at 25 fps, 3.88 s each, the pack's own length). Where no part drives
a take whose voice's length is known, or the takes' lengths differ, the parts are not cut: said. Plain stdlib."""
from __future__ import annotations

from typing import Any

KEY = "~part"  # builder.loaded key of a part's Audio Trim: f"{loader id}~part{k}"


def part(b: Any, loader: Any, slot: int) -> tuple[str, str]:
    """Studio's Audio Trim of the part of ``loader``'s file on its output ``slot`` (Load Audio's sound where the
    slot is none of its parts)."""
    whole = b.loaded[f"{loader.id}~"]
    offset, count, first = loader.parts
    k = slot - first + 1
    if not 1 <= k <= count:
        return whole
    key = f"{loader.id}{KEY}{k}"
    if key not in b.loaded:
        nid = b.add("edit.audio_trim", {"start": 0.0, "end": 0.0}, loader)
        b.g.connect(*whole, nid, "audio")
        b.loaded[key] = nid
    return b.loaded[key], "audio"


def _voice_seconds(b: Any, start: str, after: dict) -> set[float]:
    """The seconds of the voice each Studio generator the sound on ``start`` reaches reads (its class's
    ``voice_seconds``; through Speech Features and any other node on the way); ``after``: each node's readers."""
    found, seen, todo = set(), {start}, [start]
    while todo:
        for dst in after.get(todo.pop(), ()):
            if dst in seen:
                continue
            seen.add(dst)
            says = getattr(getattr(b.g.nodes[dst].spec, "cls", None), "voice_seconds", None)
            secs = says(b.g.nodes[dst].params) if callable(says) else None
            if secs:
                found.add(round(float(secs), 6))
            else:
                todo.append(dst)
    return found


def settle(b: Any) -> None:
    """Each split's parts cut, one after another from its offset, each as long as the take it drives; said."""
    splits = [n for n in b.wf.nodes.values() if n.parts and f"{n.id}~" in b.loaded]
    after: dict = {}
    for link in b.g.links if splits else ():
        after.setdefault(link.src, []).append(link.dst)
    for loader in splits:
        offset, count, _ = loader.parts
        made = {k: b.loaded[f"{loader.id}{KEY}{k}"] for k in range(1, count + 1)
                if f"{loader.id}{KEY}{k}" in b.loaded}
        if not made:
            continue
        lengths = set().union(*(_voice_seconds(b, nid, after) for nid in made.values()))
        what = f"{loader.named()} splits '{b.file_of(loader)}' into {count} parts one after another from {offset:g} s"
        if len(lengths) != 1:
            why = "no part drives a take whose voice's length is known" if not lengths else \
                "the takes its parts drive differ in length (" + ", ".join(f"{x:g} s" for x in sorted(lengths)) + ")"
            line = (f"{what}; how long a part is is not a setting of its type, and {why}: each part's Audio Trim is "
                    "left uncut (the whole file): set its 'start' and 'end'")
        else:
            (secs,) = lengths
            for k, nid in made.items():
                b.g.set_param(nid, "start", round(offset + (k - 1) * secs, 4))
                b.g.set_param(nid, "end", round(offset + k * secs, 4))
            cut = [f"part {k} {offset + (k - 1) * secs:g}-{offset + k * secs:g} s" for k in sorted(made)]
            shown = cut if len(cut) <= 4 else [*cut[:2], "...", cut[-1]]
            line = (f"{what}; how long a part is is not a setting of its type, so each is read as long as the take "
                    f"it drives ({secs:g} s, the voice its generator reads): an Audio Trim of each part read "
                    f"({len(made)} of {count}: {', '.join(shown)})")
        b.note(line)
        b.log(line)
