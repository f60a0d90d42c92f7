"""The sound a save writes where the workflow joins sounds on its way (CreateVideo's or a Video Combine's 'audio'),
made with Studio's own audio nodes: a join read by its declared types (two AUDIO inputs, an AUDIO output and one
setting giving their order in time: ComfyUI core's AudioConcat 'after' / 'before', a pack's 'right' / 'left') as
Audio Concat; an overlay whose pack declares the methods 'add' and 'mean' (core AudioMerge) as Audio Mix, what it
does otherwise to the length and level said; a window (TrimAudioDuration) as Audio Trim (audio_steps); each file as
Studio's Load Audio (or a Load Video's sound). Made only where every step on the way is one of those, else None:
the callers keep their own way and sentence. Reads ComfyUI's nodes for their inputs only (comfy_extras/nodes_audio.py
AudioConcat: audio2 appended after or before audio1, the lower rate resampled to the higher)."""
from __future__ import annotations

from typing import Any

from ..catalogue import node_type
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.roles import PASS_ON, in_type, out_types
from ..tracing.walks import find_loader
from . import audio_steps

# the order word a join's setting gives -> the second sound after or before the first
ORDER = {"after": "after", "right": "after", "before": "before", "left": "before"}
MERGES = {"add": 1.0, "mean": 0.5}  # an overlay's method -> Audio Mix's gain for each sound
# what a catalogued overlay does to the length and level that Audio Mix does not (comfy_extras/nodes_audio.py)
LEVELS = {"AudioMerge": "the first sound's length and scales the whole down where a peak passes 1"}
MAX_DEPTH = 32


_shown = CNode.named  # the node in a sentence


def _audio_inputs(n: CNode) -> list[str]:
    """``n``'s AUDIO inputs in their declared order (the pack's, else the file's, else by name)."""
    t = node_type(n.origin or n.cls)
    names = [i.name for i in t.inputs] if t is not None and t.inputs else list(n.in_types) or sorted(n.links)
    return [k for k in names if in_type(n, k) == "AUDIO"]


def _two(wf: Workflow, n: CNode) -> list[str] | None:
    """``n``'s two wired AUDIO inputs, first first, where it gives a sound made of two; None otherwise."""
    if not n.enabled or out_types(wf, n) != {"AUDIO"}:
        return None
    ins = _audio_inputs(n)
    return ins if len(ins) == 2 and all(k in n.links for k in ins) else None


def order(wf: Workflow, n: CNode) -> tuple[str, str, str] | None:
    """(the first sound's input, the second's, 'after' or 'before') where ``n`` joins two sounds in time, by its
    declared types; None otherwise."""
    ins = _two(wf, n)
    if ins is None:
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


def overlay(wf: Workflow, n: CNode) -> tuple[str, str, str] | None:
    """(the first sound's input, the second's, 'add' or 'mean') where ``n`` overlays two sounds, by the setting its
    pack declares with those methods among its choices (core AudioMerge, a pack's combine); None otherwise (another
    method: subtract, multiply; a type no catalogue holds)."""
    ins = _two(wf, n)
    t = node_type(n.origin or n.cls)
    if ins is None or t is None or not t.inputs:
        return None
    methods = [wf.value(n, i.name) for i in t.inputs if i.options and set(MERGES) <= set(i.options)]
    return (ins[0], ins[1], methods[0]) if len(methods) == 1 and methods[0] in MERGES else None


def _walk(b: Any, n: CNode, port: str, make: bool, steps: list[CNode], depth: int = 0) -> tuple[str, str] | bool:
    """Studio's audio for ``n``'s ``port`` (``make``), or whether it can be made (not ``make``); ``steps`` gets the
    joins, overlays and windows on the way."""
    wf = b.wf
    src = wf.source(n, port)
    while src is not None and src.cls in PASS_ON and len(src.links) == 1 and depth <= MAX_DEPTH:
        n, port, depth = src, next(iter(src.links)), depth + 1  # a Reroute passes on what it is given
        src = wf.source(n, port)
    if src is None or depth > MAX_DEPTH:
        return False
    o, m = order(wf, src), overlay(wf, src)
    if make and (o is not None or m is not None) and f"{src.id}~joined" in b.loaded:
        return b.loaded[f"{src.id}~joined"], "audio"  # made once, however many saves write it
    if o is not None or m is not None:
        first, second = (_walk(b, src, k, make, steps, depth + 1) for k in (o or m)[:2])
        steps.append(src)
        if not make or not (first and second):
            return bool(first and second)
        if o is not None:
            nid = b.add("edit.audio_concat", {"direction": o[2]}, src)
        else:
            gain = MERGES[m[2]]
            nid = b.add("edit.audio_mix", {"gain_a": gain, "gain_b": gain}, src)
        b.g.connect(*first, nid, "a")
        b.g.connect(*second, nid, "b")
        b.used.add(src.id)
        b.loaded[f"{src.id}~joined"] = nid
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


def _step_words(wf: Workflow, s: CNode) -> str:
    if (o := order(wf, s)) is not None:
        return f"the sound {_shown(s)} joins, its '{o[1]}' {o[2]} its '{o[0]}'"
    m = overlay(wf, s)
    return f"the sound {_shown(s)} overlays, its '{m[1]}' on its '{m[0]}' ({m[2]})"


def _unlike(wf: Workflow, s: CNode) -> str:
    """What Audio Mix does unlike the overlay ``s``, in words."""
    m = overlay(wf, s)
    theirs = f"{s.shown_cls} keeps {LEVELS[s.cls]}" if s.cls in LEVELS else f"not {s.shown_cls}'s own length and level"
    return (f"Audio Mix at gain {MERGES[m[2]]:g} each for #{s.id} keeps the longer sound's length and clips peaks over "
            f"1, where {theirs}" if s.cls in LEVELS else
            f"Audio Mix at gain {MERGES[m[2]]:g} each for #{s.id} keeps the longer sound's length and clips peaks over "
            f"1, {theirs}")


def built(b: Any, node: CNode, port: str) -> tuple[tuple[str, str], str] | None:
    """(Studio's audio, its sentence) for the sound ``node``'s ``port`` takes, where a join or an overlay is on its
    way and every step is one Studio makes; None otherwise (nothing added)."""
    steps: list[CNode] = []
    wf = b.wf
    if not _walk(b, node, port, False, steps) or not any(order(wf, s) or overlay(wf, s) for s in steps):
        return None
    out = _walk(b, node, port, True, [])
    kinds = [k for k, has in (("Audio Concat", any(order(wf, s) for s in steps)),
                              ("Audio Mix", any(overlay(wf, s) for s in steps)),
                              ("Audio Trim", any(audio_steps.is_step(wf, s) for s in steps))) if has]
    what = "; ".join(_step_words(wf, s) for s in steps if order(wf, s) or overlay(wf, s))
    unlike = [_unlike(wf, s) for s in steps if overlay(wf, s)]
    line = (f"{node.where(port)} is {what}: Studio's Save Video writes {'it' if unlike else 'the same'}, made with "
            f"{' and '.join(kinds)}" + "".join(f"; {u}" for u in unlike))
    return out, line


def cut(b: Any, node: CNode, port: str) -> tuple[tuple[str, str], str] | None:
    """(Studio's audio, its sentence) for the sound ``node``'s ``port`` takes where its way to the file is windows
    alone (audio_steps: TrimAudioDuration, AudioCrop), at least one; None otherwise (nothing added). Found by the
    fifty-first held-out set: an InfiniteTalk template's save wrote the voice cut to 0:00-0:07, Studio's the whole
    file."""
    steps: list[CNode] = []
    wf = b.wf
    if not _walk(b, node, port, False, steps) or not steps or not all(audio_steps.is_step(wf, s) for s in steps):
        return None
    out = _walk(b, node, port, True, [])
    louds = [s for s in steps if audio_steps.lufs(wf, s) is not None]
    windows = ", ".join(f"{_shown(s)}'s {audio_steps.window_words(wf, s)}" for s in steps if s not in louds)
    ins = _audio_inputs(steps[0])  # the innermost window (appended first): the file below it
    found = find_loader(wf, steps[0], ins[0], set()) if ins else None
    what = f"the sound '{b.file_of(found[0])}' ({_shown(found[0])})" if found is not None else "a file's sound"
    evened = " and ".join(f"brought to {audio_steps.lufs(wf, s):g} LUFS by {_shown(s)}" for s in louds)
    made = " and ".join(k for k, has in (("Audio Trim", windows), ("Audio Loudness", louds)) if has)
    return out, (f"{node.where(port)} is {what}" + (f" cut by {windows}" if windows else "")
                 + (f"{' and' if windows else ''} {evened}" if louds else "")
                 + f": Studio's Save Video writes the same, made with {made}")
