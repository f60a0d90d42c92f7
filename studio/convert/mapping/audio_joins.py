"""The sound a save writes where the workflow joins sounds on its way (CreateVideo's or a Video Combine's 'audio'),
made with Studio's own audio nodes: a join read by its declared types (two AUDIO inputs, an AUDIO output and one
setting giving their order in time: ComfyUI core's AudioConcat 'after' / 'before', a pack's 'right' / 'left') as
Audio Concat; a window (TrimAudioDuration) as Audio Trim (audio_steps); each file as Studio's Load Audio (or a Load
Video's sound). Made only where every step on the way is one of those, else None: the callers keep their own way
and sentence. Reads ComfyUI's nodes for their inputs only (comfy_extras/nodes_audio.py AudioConcat: audio2 appended
after or before audio1, the lower rate resampled to the higher)."""
from __future__ import annotations

from typing import Any

from ..catalogue import node_type
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.roles import in_type, out_types
from ..tracing.walks import find_loader
from . import audio_steps

ORDER = {"after": "after", "right": "after", "before": "before", "left": "before"}  # the second after / before the first
MAX_DEPTH = 32


def _shown(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _audio_inputs(n: CNode) -> list[str]:
    """``n``'s AUDIO inputs in their declared order (the pack's, else the file's, else by name)."""
    t = node_type(n.origin or n.cls)
    names = [i.name for i in t.inputs] if t is not None and t.inputs else list(n.in_types) or sorted(n.links)
    return [k for k in names if in_type(n, k) == "AUDIO"]


def order(wf: Workflow, n: CNode) -> tuple[str, str, str] | None:
    """(the first sound's input, the second's, 'after' or 'before') where ``n`` joins two sounds in time, by its
    declared types; None otherwise."""
    if not n.enabled or out_types(wf, n) != {"AUDIO"}:
        return None
    ins = _audio_inputs(n)
    if len(ins) != 2 or not all(k in n.links for k in ins):
        return None
    t = node_type(n.origin or n.cls)
    if t is not None and t.inputs:  # the pack declares the setting's choices: each an order word
        combos = [i for i in t.inputs if i.options and set(i.options) <= set(ORDER)]
        words = [wf.value(n, i.name) for i in combos]
    else:  # a type no catalogue holds: the file's values (a UI file's, unnamed)
        words = [v for v in (list(n.widgets.values()) or list(n.raw if isinstance(n.raw, list) else []))
                 if isinstance(v, str) and v in ORDER]
    if len(words) != 1 or words[0] not in ORDER:
        return None
    return ins[0], ins[1], ORDER[words[0]]


def _walk(b: Any, n: CNode, port: str, make: bool, steps: list[CNode], depth: int = 0) -> tuple[str, str] | bool:
    """Studio's audio for ``n``'s ``port`` (``make``), or whether it can be made (not ``make``); ``steps`` gets the
    joins and windows on the way."""
    wf = b.wf
    src = wf.source(n, port)
    if src is None or depth > MAX_DEPTH:
        return False
    if (o := order(wf, src)) is not None:
        first, second = (_walk(b, src, k, make, steps, depth + 1) for k in o[:2])
        steps.append(src)
        if not make or not (first and second):
            return bool(first and second)
        nid = b.add("edit.audio_concat", {"direction": o[2]}, src)
        b.g.connect(*first, nid, "a")
        b.g.connect(*second, nid, "b")
        b.used.add(src.id)
        return nid, "audio"
    if audio_steps.is_step(wf, src):
        inner = _walk(b, src, "audio", make, steps, depth + 1)
        steps.append(src)
        if not make or not inner:
            return bool(inner)
        b.used.add(src.id)
        return audio_steps.make(b, src, inner), audio_steps.OUT
    found = find_loader(wf, n, port, set())
    if found is None or found[2]:  # no file, or steps on its way Studio does not make here
        return False
    if not make:
        return True
    loader, slot, _ = found
    b.used.add(loader.id)
    return b.studio_loader(loader, 3 if LOADER_NODES[loader.cls][1] == "video" else slot)


def built(b: Any, node: CNode, port: str) -> tuple[tuple[str, str], str] | None:
    """(Studio's audio, its sentence) for the sound ``node``'s ``port`` takes, where a join is on its way and every
    step is one Studio makes; None otherwise (nothing added)."""
    steps: list[CNode] = []
    if not _walk(b, node, port, False, steps) or not any(order(b.wf, s) for s in steps):
        return None
    out = _walk(b, node, port, True, [])
    joins = [s for s in steps if order(b.wf, s)]
    what = "; ".join(f"the sound {_shown(s)} joins, its '{order(b.wf, s)[1]}' {order(b.wf, s)[2]} its "
                     f"'{order(b.wf, s)[0]}'" for s in joins)
    line = (f"{node.where(port)} is {what}: Studio's Save Video writes the same, made with Audio Concat"
            f"{' and Audio Trim' if len(joins) < len(steps) else ''}")
    return out, line
