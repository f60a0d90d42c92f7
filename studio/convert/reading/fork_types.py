"""A fork's renamed copies of a pack's types, read as the types they copy (issue 112, item 2; heldout85 07): a fork
that installs beside the pack it copies renames every type it registers with one suffix of its own, the suffix its
repository's name ends with (jackytop/ComfyUI-WanVideoWrapper_jc registers each of kijai/ComfyUI-WanVideoWrapper's
node ids + '_jc', its __init__.py's NODE_ID_SUFFIX). A UI file's node of a type no pack in the catalogue declares,
whose own properties name such a fork (aux_id, else cnr_id: 'owner/Name_sfx'), whose type ends with that suffix, and
whose type less the suffix is a catalogued type of the pack the fork's name less the suffix names (the repository's
name, any owner), is read as that type, where the file saves its sockets and settings as that type declares them:
every socket saved is one it declares (name and type), every socket it requires is saved, its outputs are of its
types in order, and the values saved are as many as its settings (a seed's control value aside). One sentence per
fork names the nodes so read. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..values.wiring import SEED_CONTROLS

SEPARATORS = "_-."


class Renamed(str):
    """A fork's type name as the file has it ('WanVideoSampler_jc'), carrying the type it copies (``copies``): shown as
    the file's, looked up in the catalogue as the copied one (catalogue.node_type reads ``copies``)."""
    copies: str = ""

    def __new__(cls, name: str, copies: str) -> "Renamed":
        out = super().__new__(cls, name)
        out.copies = copies
        return out


def _suffix(pack: str) -> tuple[str, str] | None:
    """(the repository's name less its suffix, the suffix) of a fork named 'owner/Name_sfx'; None."""
    name = pack.rsplit("/", 1)[-1]
    at = max(name.rfind(c) for c in SEPARATORS)
    if at <= 0 or at >= len(name) - 1:
        return None
    return name[:at], name[at:]


def _values(values: Any) -> int | None:
    """How many settings a UI node's saved values are, a seed's control value not counted; None for other kinds."""
    if not isinstance(values, list):
        return None
    return sum(1 for i, v in enumerate(values) if not (
        i and isinstance(v, str) and v in SEED_CONTROLS and isinstance(values[i - 1], int)
        and not isinstance(values[i - 1], bool)))


def _takes(n: dict, t) -> bool:
    """The UI node ``n`` saves ``t``'s sockets and settings (see the module's note)."""
    ins = [i for i in n.get("inputs") or [] if isinstance(i, dict) and not i.get("widget")]
    declared = {i.name: i for i in t.inputs}
    for i in ins:
        d = declared.get(str(i.get("name")))
        if d is None or d.widget or d.type != str(i.get("type")):
            return False
    saved = {str(i.get("name")) for i in ins}
    if any(not d.widget and not d.optional and d.name not in saved for d in t.inputs):
        return False
    outs = tuple(str(o.get("type")) for o in n.get("outputs") or [] if isinstance(o, dict))
    if outs != tuple(t.output_types):
        return False
    widgets = sum(1 for d in t.inputs if d.widget)  # (a setting wired from elsewhere still saves its value)
    count = _values(n.get("widgets_values"))
    return count == widgets or (not widgets and count is None)


def upstream(n: dict) -> tuple[str, str] | None:
    """(the catalogued type a UI node of a fork's renamed type copies, the fork) (see the module's note); None."""
    cls = str(n.get("type") or "")
    props = n.get("properties") if isinstance(n.get("properties"), dict) else {}
    pack = str(props.get("aux_id") or props.get("cnr_id") or "")
    if not pack or catalogue.node_type(cls) is not None or (split := _suffix(pack)) is None:
        return None
    repo, sfx = split
    if not cls.endswith(sfx) or len(cls) == len(sfx):
        return None
    t = catalogue.node_type(cls[:-len(sfx)])
    if t is None or t.inputs is None or not t.pack or t.pack.rsplit("/", 1)[-1].lower() != repo.lower():
        return None
    return (t.name, pack) if _takes(n, t) else None


def said(nodes: dict) -> list[str]:
    """One sentence per fork whose renamed types are read as the types they copy (``CNode.fork`` set)."""
    by_pack: dict[str, list] = {}
    for n in nodes.values():
        if n.fork:
            by_pack.setdefault(n.fork[2], []).append(n)
    out = []
    for pack, got in sorted(by_pack.items()):
        repo, sfx = _suffix(pack) or ("", "")
        t = catalogue.node_type(got[0].fork[1])
        names = ", ".join(f"'{n.title or n.fork[0]}' ({n.fork[0]}, #{n.id}) as {n.fork[1]}" for n in got)
        out.append(f"{names}: their properties name {pack}, a copy of {t.pack if t is not None else repo} that "
                   f"renames each of its types with '{sfx}'; each node saves the sockets and as many settings as the "
                   f"type it is named after declares, and is read as that type")
    return out
