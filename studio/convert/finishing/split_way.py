"""A split of a clip's frames on a utility's way (VideoHelperSuite's Split Images: the first 'split_index' frames on
its first picture output, the rest on its second; heldout84 12: a clip's frames from the second on interpolated and
given sound, the split "not applied" and the first frame written too): Studio's Trim of the part the way reads, said.
Told by the node's declared types (one picture socket in; pictures, a count, pictures, a count out; one whole-number
setting), not by its name; a split whose two parts are both read, or whose setting is not a fixed number, stays
said not applied. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

SHAPE = ("IMAGE", "INT", "IMAGE", "INT")  # its outputs: the first part, its count, the rest, its count


def _setting(n: Any) -> str | None:
    """The name of the split's one whole-number setting, where ``n`` has a split's declared shape; else None."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or tuple(t.output_types) != SHAPE or \
            [s.type for s in t.sockets] != ["IMAGE"] or [w.type for w in t.widgets] != ["INT"]:
        return None
    return t.widgets[0].name


def on_way(b: Any, n: Any, wire: tuple[str, str], said: list[str]) -> tuple[str, str] | None:
    """Studio's Trim for the split ``n`` on the way ``wire`` (its part read further on), said; None for another node,
    a split whose setting is not fixed or whose read part is not one of the two."""
    name = _setting(n)
    at = b.wf.value(n, name) if name is not None and (name in n.widgets or name in n.links) else None
    if not isinstance(at, int) or isinstance(at, bool) or at < 0:
        return None
    read = {slot for m in b.wf.nodes.values() if m.enabled for src, slot in m.links.values() if src == n.id}
    part = read & {0, 2}
    if len(part) != 1 or part == {0} and at == 0:
        return None
    first = part == {0}
    b.used.add(n.id)
    trim = b.add("transform.trim", {"start": 0, "end": at} if first else {"start": at}, n)
    b.g.connect(*wire, trim, "video")
    said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) passes on the clip's "
                + (f"first {at} frame{'s' if at != 1 else ''}" if first else f"frames from frame {at} on (its "
                                                                              f"{name} {at})")
                + ": Studio's Trim")
    return trim, "video"
