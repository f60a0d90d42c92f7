"""A loaded clip extended by the take (an artist's "extend my clip": the take started from the clip's last frame,
mapping/clip_last.py, its frames then joined onto the clip's): a join on a save's way whose one picture input is the
take and whose other is a Load Video's frames (through GetVideoComponents, a reroute, or operations on the pictures
that pass pass-over sentences of their own), made as Studio's nodes joining the clip and the take in the join's
order, said. Found by heldout45 03 (KJNodes' ImageBatchExtendWithOverlap 6 frames, linear blend, source side: the
join said not made, the Save Video writing the new segment alone).

Told by the join's declared types and values, not its name: two IMAGE inputs, one whole-number setting naming an
overlap, a choice of how the frames meet whose options hold 'cut', a choice of the side whose options name the
take's input ('new_images'). KJNodes' formula (read for facts): the first input's frames but the last N, then N
frames blending its last N into the take's first N at (i + 1) / (N + 1), then the rest of the take - Studio's
Transition 'dissolve', keep 'whole', N frames, its progress the same. An eased blend ('ease_in_out': 3t^2 - 2t^3)
is Transition's easing of that name; a cut on the take's side is the clip then the take from frame N (Concatenate
after Time's trim); what Studio has no like of (a blend in another colour space, a blend from the take back to the
clip, a cut of the clip's last frames whose count is not known when converting) is said, the join not made.
ComfyUI core's ImageBatch (the second input's frames after the first's, the second scaled to the first's size) is
Concatenate, conform to first (fitted, aspect kept). Plain data; the builder ``b`` of mapping.convert makes the
nodes (finishing.finish calls it)."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from .soundless import writes_none

THROUGH = ("GetVideoComponents", "Reroute")
BATCHES = ("ImageBatch",)  # ComfyUI core's: its second input's frames after its first's (no setting tells it)
JOINED = ("extend", "join", "batch", "merge")  # which IMAGE output of several is the joined frames: by its name
BLENDS = {"linear_blend": "linear", "ease_in_out": "ease_in_out"}  # a blend -> Transition's easing, the same curve


def _through(n: CNode, slot: int) -> str | None:
    """The one IMAGE input of an operation on pictures whose output ``slot`` is pictures, told by its declared types,
    with no setting picking frames (an index, a start); None for another node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or t.outputs is None or not 0 <= slot < len(t.outputs):
        return None
    images = [i.name for i in t.sockets if i.type == "IMAGE" and i.name in n.links]
    if t.outputs[slot].type != "IMAGE" or len(images) != 1 or \
            any("index" in w.name or w.name.startswith("start") for w in t.widgets):
        return None
    return images[0]


def _range(wf: Workflow, n: CNode) -> tuple[int, int] | None:
    """(first, end: 0 for the clip's end) of a pick of a run of frames told by its declared types, one picture input
    and pictures out, its one setting naming an index a text range 'a:' or 'a:b' of whole numbers from the start
    (VideoHelperSuite's Select Images: a Python slice); None for another node or value."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or t.output_types[0] != "IMAGE" or \
            [i.type for i in t.sockets if i.type == "IMAGE"] != ["IMAGE"]:
        return None
    at = [w for w in t.widgets if "index" in w.name]
    v = wf.value(n, at[0].name) if len(at) == 1 and at[0].type == "STRING" else None
    parts = v.strip().split(":") if isinstance(v, str) else []
    if len(parts) != 2 or not parts[0].isdigit() or parts[1] and not parts[1].isdigit():
        return None
    first, end = int(parts[0]), int(parts[1] or 0)
    return (first, end) if not end or end > first else None


def _loaded(wf: Workflow, n: CNode, port: str) -> tuple[CNode, list[CNode], tuple | None, set[str]] | None:
    """(the Load Video whose frames reach ``n``'s ``port``, the operations between, (a pick of a run of its frames,
    its first, its end) or None) through GetVideoComponents, a reroute, operations on the pictures told by their types
    or one such pick, the ids of the nodes passed on the way); None otherwise."""
    link, via, run, passed = n.links.get(port), [], None, set()
    for _ in range(16):
        src = wf.nodes.get(link[0]) if link else None
        if src is None or not src.enabled:
            return None
        if LOADER_NODES.get(src.cls, ("", ""))[1] == "video":
            return src, via, run, passed
        passed.add(src.id)
        if src.cls in THROUGH:
            k = next(iter(src.links), None)
        elif run is None and (got := _range(wf, src)) is not None:
            run, k = (src, *got), next(i.name for i in catalogue.node_type(src.origin or src.cls).sockets
                                       if i.type == "IMAGE")
        elif (k := _through(src, link[1])) is not None:
            via.append(src)
        else:
            return None
        link = src.links.get(k) if k else None
    return None


def _output(n: CNode, slots: set[int]) -> bool:
    """Whether the save's way reads the join's joined frames: its one output, else the IMAGE output named so."""
    t = catalogue.node_type(n.origin or n.cls)
    outs = t.outputs or ()
    if len(outs) == 1:
        return slots == {0}
    return len(slots) == 1 and (s := next(iter(slots))) < len(outs) and outs[s].type == "IMAGE" and \
        any(w in (outs[s].name or "").lower() for w in JOINED)


def _shape(wf: Workflow, n: CNode) -> dict | None:
    """How join ``n`` meets its frames, by its declared settings: {'overlap', 'mode', 'side'} (names and values);
    {} for a plain batch; None for another node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None:
        return None
    widgets = t.widgets
    if not widgets:
        return {} if n.cls in BATCHES else None
    overlap = [w for w in widgets if w.type == "INT" and "overlap" in w.name]
    modes = [w for w in widgets if isinstance(w.options, tuple) and "cut" in w.options]
    sides = [w for w in widgets if isinstance(w.options, tuple) and w not in modes and len(w.options) == 2]
    if len(overlap) != 1 or len(modes) != 1 or len(sides) > 1 or len(widgets) != 2 + len(sides):
        return None
    return {"overlap": (overlap[0].name, wf.value(n, overlap[0].name)), "mode": (modes[0].name, wf.value(n, modes[0].name)),
            "side": (sides[0].name, wf.value(n, sides[0].name), sides[0].options) if sides else None}


def made(b: Any, n: CNode, src: tuple[str, str], save: CNode, path: list[CNode], out: str,
         said: list[str]) -> tuple[str, str] | None:
    """Studio's join of the loaded clip and the take ``src`` for join ``n`` on ``save``'s way (``path``), said; None
    where ``n`` is no such join or Studio has no like of how it joins them (said by the caller, join_said)."""
    wf = b.wf
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not n.enabled:
        return None
    images = [i.name for i in t.sockets if i.type == "IMAGE" and i.name in n.links]
    slots = {l[1] for m in (save, *path) for l in m.links.values() if l[0] == n.id}
    shape = _shape(wf, n)
    if len(images) != 2 or shape is None or not _output(n, slots):
        return None
    found = {k: _loaded(wf, n, k) for k in images}
    clips = [k for k in images if found[k] is not None]
    if len(clips) != 1:
        return None
    clip = clips[0]
    if shape and images.index(clip) != 0:  # an overlap blended or cut from the clip's end: the clip comes first
        return None
    take = next(k for k in images if k != clip)
    loader, via, run, passed = found[clip]
    if run is not None and shape:  # a run of the clip's frames overlapped: its end is not the clip's
        return None
    file = b.file_of(loader)
    why = _unmade(shape, take)
    if why:
        said.append(f"{out} writes what {n.named()} makes from the clip '{file}' (its '{clip}') and the take (its "
                    f"'{take}'): not made, {why}; its Save Video writes the take alone")
        b.used.add(n.id)  # (said here, once)
        return src
    loaded = b.studio_loader(loader, 0)
    if run is not None:  # the clip's frames from ``first`` (to ``end``): Time's trim
        trim = b.add("edit.time", {"mode": "trim", "start": run[1], "length": run[2] - run[1] if run[2] else 0}, run[0])
        b.g.connect(*loaded, trim, "video")
        loaded = (trim, "video")
        b.used.add(run[0].id)
    b.used |= {n.id, loader.id} | {k for k in passed if wf.nodes[k].cls in THROUGH}
    node, how = _join(b, n, shape, images, (loaded, src) if images.index(clip) == 0 else (src, loaded), loaded, src)
    if run is not None:
        upto = f" to {run[2] - 1}" if run[2] else " on"
        how += f"; the clip's frames {run[1]}{upto}, as {run[0].named()} picks them: Time (trim)"
    steps = f"; the clip is joined without {', '.join(v.named() for v in via)} on its way" if via else ""
    who = {clip: f"the clip '{file}'", take: "the take"}
    said.append(f"{out} writes {who[images[0]]} then {who[images[1]]}, as {n.named()} joins its '{images[0]}' and "
                f"'{images[1]}': {how}{steps}")
    result = (node, "video")
    if (silent := writes_none(wf, save)) is not None:  # the clip's own sound is not what ComfyUI writes
        mute = b.add("edit.replace_audio", {}, save, title="No sound")
        b.g.connect(*result, mute, "video")
        result = (mute, "video")
        said.append(f"the workflow writes the joined video without sound ({silent}): Replace Audio with no sound goes "
                    f"before Save Video, so the sound of '{file}' is not written")
    return result


def _join(b: Any, n: CNode, shape: dict, images: list[str], order: tuple, loaded: tuple, src: tuple) -> tuple[str, str]:
    """Studio's nodes joining the clip ``loaded`` and the take ``src`` as ``n`` does (``order``: its inputs'); (the
    node giving the joined frames, how, in words)."""
    first, second = order
    if not shape:  # a plain batch: one after the other
        node = b.add("edit.concatenate", {"conform": "conform to first"}, n)
        b.g.connect(*first, node, "a")
        b.g.connect(*second, node, "b")
        how = (f"Studio's Concatenate, '{images[1]}' after '{images[0]}', conform to first (fitted into the first's "
               "size with its aspect kept; ComfyUI scales it to that size)")
    else:
        name, n_over = shape["overlap"]
        mode = shape["mode"][1]
        if mode == "cut":  # the take's side: all of the clip, then the take from frame N
            trim = b.add("edit.time", {"mode": "trim", "start": n_over, "length": 0}, n)
            b.g.connect(*src, trim, "video")
            node = b.add("edit.concatenate", {"conform": "conform to first"}, n)
            b.g.connect(*loaded, node, "a")
            b.g.connect(trim, "video", node, "b")
            how = (f"all of the clip, then the take from its frame {n_over} on ({shape['mode'][0]} 'cut', {name} "
                   f"{n_over}): Studio's Time (trim) and Concatenate")
        else:
            node = b.add("edit.transition", {"style": "dissolve", "frames": n_over, "keep": "whole",
                                             "easing": BLENDS[mode]}, n)
            b.g.connect(*first, node, "a")
            b.g.connect(*second, node, "b")
            how = (f"the clip's last {n_over} frames blended into the take's first {n_over} ({name} {n_over}, "
                   f"{shape['mode'][0]} '{mode}'): Studio's Transition 'dissolve', keep 'whole', {n_over} frames, "
                   f"easing '{BLENDS[mode]}', the second fitted into the first's size with its aspect kept")
    return node, how


def _unmade(shape: dict, take: str) -> str:
    """What Studio has no like of in how the join meets the frames, in words; '' where it has."""
    if not shape:
        return ""
    name, n_over = shape["overlap"]
    mode_name, mode = shape["mode"]
    side = shape["side"]
    if not isinstance(n_over, int) or isinstance(n_over, bool) or n_over < 1:
        return f"its {name} is not a count of frames known when converting"
    if not isinstance(mode, str) or mode != "cut" and mode not in BLENDS:
        return f"Studio's Transition has no like of its {mode_name} '{mode}'"
    on_take = side is not None and side[1] == take
    if side is not None and side[1] not in side[2]:
        return f"its {side[0]} is not one of its choices"
    if mode == "cut" and not on_take:
        return (f"its {mode_name} 'cut' drops the clip's last {n_over} frames, and the clip's length is not known when "
                "converting")
    if mode != "cut" and on_take:
        return (f"its {side[0]} '{side[1]}' blends from the take's frames back to the clip's, which Studio's "
                "Transition does not make")
    return ""
