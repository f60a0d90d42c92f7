"""Bundles read away as the links they carry (heldout31: rgthree's Context and Context Switch between every loader and
sampler of a DaSiWa template hid the model, the prompts and the latent: the model said "passed over", the switch
called "a model patch" and each context said to give "settings Studio's nodes do not take"). Told by the types a UI
file saves: a bundle's first output is of a type its inputs take too (the bundle, RGTHREE_CONTEXT), not one of
ComfyUI's own; each of its other outputs gives the input of its type and name (MODEL: 'model', IMAGE: 'images'),
else that output of the bundle given on its bundle input (rgthree's 'base_ctx'); a node whose inputs all take the
bundle (a switch) gives that output of the first bundle it is given (rgthree's switch: the first context a node
gives; a muted one gives none, its link already cut as ComfyUI runs the workflow; one carrying nothing, all its
fields' sources bypassed or muted, is passed by as rgthree's switch passes an empty context). An API file saves no types: its
bundles are read from the declared types around them (api_bundles.py). Plain stdlib."""
from __future__ import annotations

from typing import Any

# ComfyUI's own types: a node whose first output is one of these is no bundle
OWN = frozenset({"MODEL", "CLIP", "VAE", "CONDITIONING", "LATENT", "IMAGE", "MASK", "INT", "FLOAT", "STRING",
                 "BOOLEAN", "AUDIO", "VIDEO", "NOISE", "SAMPLER", "SIGMAS", "GUIDER", "CLIP_VISION",
                 "CLIP_VISION_OUTPUT", "CONTROL_NET", "UPSCALE_MODEL", "*", ""})
MAX_DEPTH = 32


def _bundle(n: Any) -> str | None:
    """The bundle type of node ``n`` (see the module), else None: its first output's type, taken by its inputs too,
    and each of its (two or more) other outputs a field: an input of that type and name (a bundle), or its inputs all
    of the bundle's type, two or more (a switch). A node giving back what it is given with something added (a
    wrapper's image embeds with tracks) is none: its other outputs are no fields of its inputs."""
    outs, ins, names = n.out_types, n.in_types, n.out_names
    if len(outs) < 3 or len(names) != len(outs) or outs[0] in OWN or outs[0] not in ins.values():
        return None
    if any(t == "STRING" and k not in n.links and isinstance(v := n.widgets.get(k), str) and v.strip()
           for k, t in ins.items()):
        return None  # a text of its own set on what it gives on (heldout93 04: Apt_Preset's sum_editor, its prompt
        # the context's from there on): no carrier, read as what it is
    kind = outs[0]
    if sum(1 for t in ins.values() if t == kind) >= 2 and all(t == kind for t in ins.values()):
        return kind  # a switch
    fields = all(any(t == want and same_name(k, name) for k, t in ins.items()) for want, name in zip(outs[1:], names[1:]))
    return kind if fields else None


def same_name(a: str, b: str) -> bool:
    """Two names alike (one the other in the plural)."""
    a, b = a.lower(), b.lower()
    return a == b or a.rstrip("s") == b.rstrip("s")


def _field(nodes: dict[str, Any], nid: str, slot: int, depth: int = 0) -> tuple[str, int] | None:
    """The link output ``slot`` of bundle node ``nid`` carries (its source), None where it carries nothing."""
    n = nodes.get(nid)
    kind = _bundle(n) if n is not None else None
    if kind is None or depth > MAX_DEPTH:
        return (nid, slot) if n is not None and kind is None else None
    if not 0 < slot < len(n.out_types):
        return None  # (the bundle itself, read only through its fields; a slot it does not have: nothing)
    want, name = n.out_types[slot], n.out_names[slot]
    takes = [k for k, t in n.in_types.items() if t == kind]
    if len(takes) == len(n.in_types):  # a switch: the first bundle it is given that carries something
        for k in takes:
            if k in n.links and not _empty(nodes, n.links[k][0]):
                src, out = n.links[k]
                other = nodes.get(src)
                if other is None or _bundle(other) is None:
                    return None
                at = _slot(other, name, want)
                return _field(nodes, src, at, depth + 1) if at is not None else None
        return None
    typed = [k for k, t in n.in_types.items() if t == want]
    same = [k for k in typed if same_name(k, name)] or (typed if len(typed) == 1 else [])
    if same and same[0] in n.links:
        src, out = n.links[same[0]]
        other = nodes.get(src)
        return _field(nodes, src, out, depth + 1) if other is not None and _bundle(other) is not None else (src, out)
    for k in takes:  # not given here: what the bundle it is given carries ('base_ctx')
        if k in n.links:
            src, _ = n.links[k]
            other = nodes.get(src)
            at = _slot(other, name, want) if other is not None and _bundle(other) is not None else None
            return _field(nodes, src, at, depth + 1) if at is not None else None
    return None


def _empty(nodes: dict[str, Any], nid: str, depth: int = 0) -> bool:
    """Bundle node ``nid`` carries nothing: no field of it given (a loader bypassed or muted before it gives none, its
    link cut as ComfyUI runs the workflow), nor any by a bundle it is given. rgthree's Context Switch passes on the
    first context not empty so (its context_switch.py: is_context_empty, read at 006885dc), proxymine19: a switch of
    contexts of a bypassed UNETLoader, a bypassed checkpoint and a GGUF loader gave the generator no model."""
    n = nodes.get(nid)
    kind = _bundle(n) if n is not None else None
    if kind is None or depth > MAX_DEPTH:
        return n is None
    return all(n.in_types.get(k) == kind and _empty(nodes, src, depth + 1) for k, (src, _) in n.links.items())


def _dead(nodes: dict[str, Any], nid: str, slot: int, depth: int = 0) -> tuple[str, ...]:
    """The muted or bypassed nodes output ``slot`` of bundle ``nid`` would have carried, had ComfyUI run them (their
    links cut by the modes: CNode.cut), through the bundles it is given (every one of a switch's)."""
    n = nodes.get(nid)
    if n is None or _bundle(n) is None or depth > MAX_DEPTH or not 0 < slot < len(n.out_types):
        return ()
    kind, want, name = _bundle(n), n.out_types[slot], n.out_names[slot]
    out: list[str] = []
    for k, t in n.in_types.items():
        if t == want and same_name(k, name):
            out += getattr(n, "cut", {}).get(k, ())
        elif t == kind and k in n.links and (other := nodes.get(n.links[k][0])) is not None \
                and _bundle(other) is not None and (at := _slot(other, name, want)) is not None:
            out += _dead(nodes, other.id, at, depth + 1)
    return tuple(dict.fromkeys(out))


def _slot(n: Any, name: str, kind: str) -> int | None:
    """The output of bundle ``n`` of that name and type."""
    return next((i for i, (t, o) in enumerate(zip(n.out_types, n.out_names)) if i and t == kind and o == name), None)


def read_away(nodes: dict[str, Any]) -> dict[str, int]:
    """Links from bundle nodes read as what they carry; a bundle nothing else reads then is removed; how many of each
    type were removed."""
    bundles = {k for k, n in nodes.items() if _bundle(n) is not None}
    if not bundles:
        return {}
    for n in nodes.values():
        if n.id in bundles or not any(src in bundles for src, _ in n.links.values()):
            continue
        links = {}
        for name, (src, slot) in n.links.items():
            if src not in bundles:
                links[name] = (src, slot)
            elif (got := _field(nodes, src, slot)) is not None:
                links[name] = got
            elif dead := _dead(nodes, src, slot):  # (a loader bypassed on its way: mapping/cut_vae.py says it)
                n.cut[name] = dead
        n.links = links
    read = {src for k, n in nodes.items() if k not in bundles for src, _ in n.links.values()}
    counts: dict[str, int] = {}
    for k in sorted(bundles - read):
        counts[nodes[k].cls] = counts.get(nodes[k].cls, 0) + 1
        del nodes[k]
    return counts
