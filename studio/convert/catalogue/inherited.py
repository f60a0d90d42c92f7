"""An old-style node class subclassing a node another pack declares (ComfyUI's KSampler, catalogued before the pack
is read: ``Pack.known``), its INPUT_TYPES growing the base's (``inputs["required"].update(KSampler.INPUT_TYPES()
["required"])``) and its RETURN_TYPES the base's, not its own: ArtVentureX/comfyui-animatediff's AnimateDiffSampler
(animatediff/sampler.py at 08aad389). The base's catalogued inputs of that section and its outputs are taken."""
from __future__ import annotations

import ast


def _bases(node: ast.ClassDef) -> list[str]:
    return [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "" for b in node.bases]


def known_base(pack, cls: str, seen: tuple = ()) -> tuple[str, dict, bool] | None:
    """(name, catalogued record, whether a class of the pack on the way sets RETURN_TYPES) of the first base of
    ``cls`` (through the pack's own classes) that the pack does not declare and the catalogue knows, or None."""
    if cls not in pack.classes or cls in seen or len(seen) > 8:
        return None
    node = pack.classes[cls][1]
    own = any(isinstance(t, ast.Name) and t.id == "RETURN_TYPES" for st in node.body if isinstance(st, ast.Assign)
              for t in st.targets)
    for b in _bases(node):
        if b in pack.classes:
            found = known_base(pack, b, seen + (cls,))
        elif isinstance(pack.known.get(b), dict) and isinstance(pack.known[b].get("inputs"), list):
            found = (b, pack.known[b], False)
        else:
            continue
        if found:
            return found[0], found[1], found[2] or own
    return None


def _grown(fn, base: str) -> list[str]:
    """The sections (``required``, ``optional``) ``fn`` updates with ``<base>.INPUT_TYPES()[section]``."""
    out = []
    for st in ast.walk(fn):
        if isinstance(st, ast.Call) and getattr(st.func, "attr", None) == "update" and len(st.args) == 1:
            arg = st.args[0]
            call = arg.value if isinstance(arg, ast.Subscript) else None
            if isinstance(call, ast.Call) and getattr(call.func, "attr", None) == "INPUT_TYPES" and \
                    getattr(call.func.value, "id", None) == base and isinstance(arg.slice, ast.Constant) and \
                    arg.slice.value in ("required", "optional"):
                out.append(arg.slice.value)
    return out


def inherit(pack, cls: str, fn, rec: dict) -> None:
    """``rec`` (the class's record, its own inputs read) given the known base's inputs its INPUT_TYPES ``fn`` takes
    (after its own of that section) and the base's outputs where no class of the pack sets RETURN_TYPES."""
    found = known_base(pack, cls)
    if found is None:
        return
    base, brec, returns = found
    inputs = rec.get("inputs")
    if isinstance(inputs, list) and fn is not None:
        for section in _grown(fn, base):
            opt = section == "optional"
            have = {i.get("name") for i in inputs if isinstance(i, dict)}
            add = [dict(i) for i in brec["inputs"] if isinstance(i, dict) and bool(i.get("optional")) == opt
                   and i.get("name") not in have]
            at = len(inputs) if opt else next((k for k, i in enumerate(inputs) if isinstance(i, dict)
                                               and i.get("optional")), len(inputs))
            inputs[at:at] = add
    if not returns and isinstance(brec.get("outputs"), list):
        rec["outputs"] = [dict(o) for o in brec["outputs"]]
