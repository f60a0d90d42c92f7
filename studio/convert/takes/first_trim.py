"""The first take of a longer one made once (a family's 'made' hook: SCAIL-2's Extend, Wan Animate's extension): an
output that wrote the first take alone had its own generator; it is removed, with what was made for it alone, and
its Save Videos are given the longer take's first frames through a Time node (trim). Plain data and stdlib (the
builder's graph)."""
from __future__ import annotations

from typing import Any

from studio.core.shown import number


def first_saves(b: Any, first: frozenset) -> list[str]:
    """The Save Videos written straight from the generator the output of samplers ``first`` made."""
    g = b.g
    gen0, _task, band0, _save = b.made[first]
    return [n for n in b.bands[band0] if g.nodes[n].type_id == "io.save_video" and
            g.input_link(n, "video") is not None and g.input_link(n, "video").src == gen0]


def trim_first(b: Any, first: frozenset, whole: frozenset, frames: int, saves: list[str], title: str) -> str:
    """``first``'s generator and what only it made removed, its ``saves`` given the first ``frames`` of ``whole``'s
    take through a Time node titled ``title`` (laid out after the take's generator); the trim's id."""
    g = b.g
    gen0, _task, band0, save0 = b.made[first]
    gen, _t, band, _s = b.made[whole]
    g.remove_node(gen0)
    restate(b, gen0)  # (its Log line: gone with it)
    gone = True
    while gone:  # what was made for the first take alone: its nodes nothing reads any more (shared ones stay)
        gone = [n for n in b.bands[band0] if n in g.nodes and n not in saves and not any(l.src == n for l in g.links)
                and g.nodes[n].type_id != "io.save_video"]  # (another output's: heldout108 06's background preview)
        for n in gone:
            g.remove_node(n)
    tm = b.add("edit.time", {"mode": "trim", "start": 0, "length": frames}, save0, title=title)
    g.connect(gen, "video", tm, "video")
    for sv in saves:
        g.connect(tm, "video", sv, "video")
    b.bands[band0] = [n for n in b.bands[band0] if n in g.nodes and n not in saves]
    b.bands[band] += [tm, *saves]  # beside the take's own Save Video
    b.made[first] = (tm, "edit.time", band, save0)
    return tm


def restate(b: Any, gen: str) -> None:
    """Generator ``gen``'s Log line ("ComfyUI 'Save' -> task (settings)") given the settings the node holds now, after
    a family's made hook changed them (Wan Animate's whole take: heldout108 06 kept 'frames 77' for 149), or removed
    where the generator is gone (a first take made once: its line stayed after its generator was removed)."""
    line, head, keys = b.gen_lines.pop(gen, (None, "", ()))
    if line is None or line not in b.out.log:
        return
    at = b.out.log.index(line)
    if gen not in b.g.nodes:
        del b.out.log[at]
        return
    held = b.g.nodes[gen].params
    b.out.log[at] = f"{head} ({', '.join(f'{k} {number(held[k])}' for k in keys if k in held)})"
    b.gen_lines[gen] = (b.out.log[at], head, keys)
