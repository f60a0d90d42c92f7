"""The settings of a task Studio holds (a pack's own sampler, an image model's still, FantasyTalking...), said once
in its note so an artist rebuilding it by hand keeps them: each sampler of the held task's way (told by its declared
types, tracing.roles) and the nodes that give it its latent, noise, sampler, sigmas or guider, with the values of their
settings named as the steps, cfg, seed, sampler and scheduler, size, length, denoise and shift are (read as the
workflow sets them, through primitives and constants: Workflow.value). A value wired to a node Studio cannot work out
is said as such; an earlier pass (a still the video is made from: mapping.earlier_prompts) is left out, its values
not the held task's. Nothing guessed: a node with none of these settings is not named; a sampler whose values the
file saves without names (a UI file's uncatalogued pack sampler) has them said by place. Plain data."""
from __future__ import annotations

from dataclasses import replace

from studio.core.shown import number

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import out_types, role
from .earlier_prompts import earlier_passes

KEYS = ("seed", "noise_seed", "steps", "cfg", "guidance", "sampler_name", "scheduler", "denoise", "denoise_strength",
        "start_at_step", "end_at_step", "shift", "width", "height", "length", "num_frames", "frames", "video_frames",
        "batch_size", "fps", "frame_rate", "motion_bucket_id", "augmentation_level")
GIVES = {"LATENT", "SAMPLER", "SIGMAS", "NOISE", "GUIDER"}  # what a sampler takes besides its model and prompts
SIZE = ("width", "height", "length", "num_frames", "frames", "video_frames")
VALUE_OUTS = {"INT", "FLOAT", "STRING", "BOOLEAN", "NUMBER"}  # a constant's or a math node's outputs  # a node on the way setting the take's size


def _way(wf: Workflow, samplers: list[CNode], earlier: set[str]) -> list[CNode]:
    """The nodes upstream of the held task's samplers, not crossing into an earlier pass."""
    seen, todo, out = {s.id for s in samplers}, list(samplers), []
    while todo:
        n = todo.pop()
        out.append(n)
        for src, _ in n.links.values():
            if src not in seen and src in wf.nodes and src not in earlier:
                seen.add(src)
                todo.append(wf.nodes[src])
    return out


def _own(wf: Workflow, n: CNode) -> dict | None:
    """The settings the file saves, by name, for a node read as another type (mapping.held_settings.keep), a wired
    one as its link; None for one read as its own type, or whose values the file saves by place."""
    saved = getattr(wf, "as_saved", {}).get(n.id) if n.origin else None
    if saved is None or not saved[1] or any(k.startswith("#") for k in saved[1]):
        return None
    return saved[1] | saved[2]


def _value(wf: Workflow, n: CNode, key: str) -> str | None:
    if (own := _own(wf, n)) is not None and key not in n.links:  # (read as another: the file's own setting of that
        if key not in own:  # name, never one of the type it is read as: heldout104 07's 'scheduler simple' of a
            return None  # WanVideoSamplerSettings saving scheduler 'euler', its noise_seed; the rest: held_settings)
        v = own[key]  # (wired in the file: what that link gives, heldout105's WanVideoSamplerv2 'scheduler')
        n = replace(n, links={key: v}) if isinstance(v, tuple) else replace(n, widgets={key: v})
    if key not in n.links and key in n.let_go:  # (wired into a pack node read as another, which let it go)
        n = replace(n, links={key: n.let_go[key]})
    if key in n.links:
        v = wf.value(n, key)
        if v is None:
            src = wf.nodes.get(n.links[key][0])
            who = f"'{src.title or src.shown_cls}' (#{src.id})" if src is not None else "a node"
            return f"{key} from {who}"
    else:
        v = n.widgets.get(key)
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        return None
    if key == "batch_size" and v == 1:
        return None  # (one video: said by its length)
    if isinstance(v, (int, float)):
        return f"{key} {number(v)}"
    return f"{key} {v}" if isinstance(v, str) and v.strip() and len(v) < 64 else None


def listed_wired(wf: Workflow, n: CNode, vals: list[str]) -> None:
    """Node ``n``'s settings listed in ``vals`` with the value wired to them (a primitive's, a constant's) marked read
    there (``held_listed``: (node id, input) pairs, read by mapping.passing), so the node giving it is not said to give
    a value "which Studio does not read there" beside the held note that reads it (heldout103 10: LTX-2.5 MSR's Width /
    Height / FPS constants). The node's own sentences (a step not applied, its settings) are left as they are."""
    listed = held_listed(wf)
    for k in n.links:
        v = wf.value(n, k) if k in KEYS else None
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            continue
        if (f"{k} {number(v)}" if isinstance(v, (int, float)) else f"{k} {v}") in vals:
            listed.add((n.id, k))
            _chain_read(wf, listed, n.links[k][0], 8)


def held_listed(wf: Workflow) -> set[tuple[str, str]]:
    """The (node id, input) pairs whose wired value a held task's note lists as read (listed_wired)."""
    if not isinstance(getattr(wf, "held_listed", None), set):
        wf.held_listed = set()
    return wf.held_listed


def _chain_read(wf: Workflow, listed: set, nid: str, depth: int) -> None:
    """The wired inputs of the nodes a listed value was worked out through (a math node given constants: heldout103
    10's length 24 * 15 + 1) marked read too: the constants feeding it are read where the held note reads them."""
    n = wf.nodes.get(nid)
    if n is None or depth <= 0 or not (given := out_types(wf, n)) or not given <= VALUE_OUTS:
        return  # (only nodes giving plain values: a resize's picture and its settings are no constant)
    for k, (src, _) in n.links.items():
        if (n.id, k) not in listed:
            listed.add((n.id, k))
            _chain_read(wf, listed, src, depth - 1)


RATE = ("fps", "frame_rate")  # a writer's rate (CreateVideo's fps, VHS_VideoCombine's frame_rate)


def _writers(wf: Workflow, region: list[CNode], way: list[CNode]) -> list[CNode]:
    """The nodes of the held task's region off its samplers' way that set the rate its frames are written at."""
    on_way = {n.id for n in way}
    return [n for n in region if n.enabled and n.id not in on_way and any(k in n.widgets or k in n.links for k in RATE)]


def _add(parts: dict, n: CNode, vals: list[str]) -> None:
    """Node ``n``'s values added to ``parts`` under its entry: a core node made beside a pack node ('69:shift')
    under the pack node's, a subgraph's node ('outer:inner') its own."""
    if not vals:
        return
    head, _, tail = n.id.rpartition(":")
    pid = head if head and not tail.isdigit() else n.id
    label, had = parts.get(pid, (f"'{n.title or n.shown_cls}' (#{pid}", []))
    if n.origin and n.origin != n.cls and pid == n.id:
        label += f", read as ComfyUI's {n.cls}"
    parts[pid] = (label, had + [v for v in vals if v not in had])


def _carried(wf: Workflow, n: CNode, had: list[str]) -> list[str]:
    """The values another node gives this sampler where a pack's reading carries them onto it (a wrapper's context
    options: window, overlap; heldout53 01), said once per node they come from: held, they reach no generator."""
    at = getattr(wf, "carried_at", {}).get(n.id, {})
    by: dict[str, tuple[CNode, list[str]]] = {}
    for k, v in (getattr(wf, "carried", {}).get(n.id) or {}).items():
        if isinstance(v, bool) or not isinstance(v, (int, float, str)) or isinstance(v, str) and len(v) >= 64:
            continue
        src = at.get(k)
        if src is None or src.id == n.id:
            continue  # (its own values, as its reading carries them: named by its settings above, or not at all)
        x = f"{k} {number(v) if isinstance(v, (int, float)) else v}"
        if x not in had:
            by.setdefault(src.id, (src, []))[1].append(x)
    return [", ".join(xs) + f" (given by '{src.title or src.shown_cls}', #{src.id})" for src, xs in by.values()]


def said(wf: Workflow, region: list[CNode], rates: bool = True) -> str:
    """' Its settings, as the workflow sets them: ...' for the held task of ``region`` (the nodes upstream of its
    output), its writers' rates last (not with ``rates`` False); '' where none is read."""
    samplers = [n for n in region if n.enabled and role(wf, n) == "sampler"]
    if not samplers:  # (a pack's own node making the take, its type uncatalogued: the rate its frames are written
        rated: dict[str, tuple[str, list[str]]] = {}  # at still said, named nowhere else: heldout105 05, 06, 10)
        for n in _writers(wf, region, []) if rates else ():
            _add(rated, n, [x for k in RATE if (x := _value(wf, n, k))])
        return _words(rated)
    earlier = set(earlier_passes(wf, samplers))
    way = _way(wf, [s for s in samplers if s.id not in earlier], earlier)
    parts: dict[str, tuple[str, list[str]]] = {}  # node id -> its name, its values (a pack node read as
    for n in sorted(way, key=lambda n: (role(wf, n) != "sampler", n.id)):  # several core nodes: one entry)
        if not n.enabled or not (role(wf, n) == "sampler" or out_types(wf, n) & GIVES or "shift" in n.widgets or
                                 any(k in n.widgets or k in n.links for k in SIZE)):  # (a pack's embeds sized so, a
            continue  # resize of its picture: heldout33 11's WanVideoEmptyEmbeds and ImageResizeKJv2, named nowhere)
        own = _own(wf, n) or {}  # (read as another: its own settings' names, its seed where read as a noise_seed)
        vals = [x for k in KEYS if (k in n.widgets or k in n.links or k in n.let_go or k in own) and
                (x := _value(wf, n, k))]
        if not n.widgets and isinstance(n.raw, list) and n.raw and role(wf, n) == "sampler":  # (no names saved)
            vals = ["its settings saved by place, unnamed in the file: " + ", ".join(
                f"#{i} {v}" for i, v in enumerate(n.raw) if isinstance(v, (int, float, str)) and len(str(v)) < 64)]
        vals += _carried(wf, n, vals)
        _add(parts, n, vals)
        listed_wired(wf, n, vals)
    for n in _writers(wf, region, way) if rates else ():  # the rate its frames are written at (heldout86 03, 10, 11: named nowhere)
        _add(parts, n, vals := [x for k in RATE if (x := _value(wf, n, k))])
        listed_wired(wf, n, vals)
    return _words(parts)


def _words(parts: dict[str, tuple[str, list[str]]]) -> str:
    """' Its settings, as Studio reads them in the workflow (to set by hand): ...' of ``parts``; '' for none."""
    if not parts:
        return ""
    wired = lambda x: " from '" in x or " from a node" in x  # noqa: E731
    first = next((k for k, (_, v) in parts.items() if any(map(wired, v))), None)  # (the remark beside the first
    if first is not None:  # such value itself, never after the last entry's (heldout29 01's seed 69) nor after a
        label, v = parts[first]  # value read beside it (heldout98 02, 04: "..., length 97 (a value 'from' ...)")
        at = next(i for i, x in enumerate(v) if wired(x))
        parts[first] = (label, v[:at] + [v[at] + " (a value 'from' a node: one Studio cannot work out when converting)"]
                        + v[at + 1:])
    return (" Its settings, as Studio reads them in the workflow (to set by hand): "
            + "; ".join(f"{label}) {', '.join(v)}" for label, v in parts.values()) + ".")


