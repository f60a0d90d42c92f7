"""A pipeline whose generator a family's 'made' hook replaces by another node of the pipeline (LTX-2's re-detail of a
clip: LTX-2 Latent Upscale refines the clip itself, the generator removed): the builder's record of it (the made
pipeline, its take, its family, the summary's task), the Log's line and the note's first-pass sampler line reworded,
so that no sentence names the node removed. Plain data and stdlib (the builder's notes and Log)."""
from __future__ import annotations

from typing import Any

_SAMPLER = "nearest diffusers scheduler"  # how settings._sampling_note's line of the first sampler reads
_SIGMAS = "sigmas: "  # its line of the first sampler's sigmas


def reword(b: Any, band: int, key: frozenset, gen: str, new: str, new_type: str, task: str, values: str,
           lines: list[str]) -> None:
    """Pipeline ``key`` (band ``band``) now made by ``new`` (of type ``new_type``) in place of the removed generator
    ``gen``: the summary's task ``task``, the Log's line '-> new_type values', the note's first-sampler lines
    replaced by ``lines[0]``, ``lines[1:]`` added to it."""
    old_gen, old_type, _band, save = b.made[key]
    b.made[key] = (new, new_type, band, save)
    if gen in b.takes:
        b.takes[new] = b.takes.pop(gen)
    if gen in b.gen_family:
        b.gen_family[new] = b.gen_family.pop(gen)
    wired = sorted({e.dst_port for e in b.g.links if e.dst == new and e.dst_port != "model"})
    for t in reversed(b.out.tasks):
        if t.get("generator") == old_type:
            t.update(task=task, generator=new_type, inputs=wired)
            break
    mark = f" -> {old_type} ("
    for i in range(len(b.out.log) - 1, -1, -1):
        line = b.out.log[i]
        if line.startswith(f"{b.name}: ComfyUI '") and mark in line:
            b.out.log[i] = f"{line.split(mark, 1)[0]} -> {new_type} {values}"
            break
    for i, note in enumerate(b.notes):
        if b.note_bands[i] != band or not note["text"].startswith("Converted from ComfyUI"):
            continue
        head, *rest = note["text"].split("\n- ")
        if rest and _SAMPLER in rest[0]:
            rest = [lines[0]] + rest[1 + (len(rest) > 1 and rest[1].startswith(_SIGMAS)):]
        else:
            rest = [lines[0]] + rest
        note["text"] = "\n- ".join([head, *rest, *lines[1:]])
        break
