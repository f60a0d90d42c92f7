"""A family's model patch read into the generator's settings (models._patches: WanVideoNAG's nag_scale, ...) that is
on the model way of only some passes of a take (one expert of Wan 2.2 A14B's two): the generator applies its settings
on every step of the take, so that is said, naming the patch and the passes (nag8: heldout52 02's WanVideoNAG on the
high-noise expert alone). Plain data and stdlib."""
from __future__ import annotations


def record(seen: dict, s, n, values: dict) -> None:
    """Patch ``n`` giving ``values`` found on sampler pass ``s``'s model way."""
    if values:
        seen.setdefault(s.node.id, {})[n.id] = (n, tuple(sorted(values)))


def said_partial(seen: dict, passes: list, said: list[str]) -> None:
    """Each patch's settings on some of ``passes`` (two or more) but not all: said once."""
    if len(passes) < 2:
        return
    keys: dict = {}
    for s in passes:
        for nid, (n, names) in seen.get(s.node.id, {}).items():
            keys.setdefault(names, ({}, []))[0][nid] = n
            keys[names][1].append(s)
    for names, (nodes, on) in keys.items():
        ids = {s.node.id for s in on}
        off = [s for s in passes if s.node.id not in ids]
        if not off:
            continue
        who = ", ".join(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in nodes.values())
        line = (f"{who} on the model of {_named(on)} only, not on that of {_named(off)}: the generator's "
                f"{', '.join(names)} apply to every step of the take (ComfyUI applies them on those passes alone)")
        if line not in said:
            said.append(line)


def _named(passes) -> str:
    seen, out = set(), []
    for s in passes:
        if s.node.id not in seen:
            seen.add(s.node.id)
            out.append(f"'{s.node.title or s.node.shown_cls}' (#{s.node.id})")
    return " and ".join(out)
