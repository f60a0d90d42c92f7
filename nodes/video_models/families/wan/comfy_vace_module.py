"""The VACE module kijai's WanVideoWrapper adds to its model loader, read by declared types (issue 112): a loader
input of the catalogue's type VACEPATH ('vace_model', later 'extra_model') wired to a node giving VACEPATH
(WanVideoVACEModelSelect, WanVideoExtraModelSelect) whose file input names the module (its tensors added to the
model's state dict by the wrapper, read for facts). One module, plainly named, is kept on the loader as read
(the core node's 'vace_module' setting: Load Video Model's 'vace_module', set and said where the model is read,
studio/convert/mapping/module_file.py); a chain of modules (a select's own VACEPATH input wired) or a name not
worked out, or a module of another kind than its model's file (a GGUF module beside a .safetensors model), is
said as not read. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, node_type, module_named as what

MODULE_TYPE = "VACEPATH"  # the wrapper's type of a module file's path
SETTING = "vace_module"  # the core loader's setting it is kept in (mapping/module_file.py reads it)


KINDS = {".safetensors": ".safetensors", ".gguf": "GGUF"}  # the module files Load Video Model merges, beside a
# model file of the same kind (files/module_merge.py)


def _kind(name) -> str | None:
    return next((k for k in KINDS if name.lower().endswith(k)), None) if isinstance(name, str) else None


_shown = CNode.named  # the node in a sentence


def _gives(t, link) -> bool:
    """Whether ``link`` (source id, slot) comes from an output of type VACEPATH (as the file saves it, else as the
    catalogue declares it): an older file's 'vace_model' input as a newer one's 'extra_model'."""
    src = t.wf.nodes.get(link[0])
    if src is None:
        return False
    slot = int(link[1]) if str(link[1]).isdigit() else 0
    if len(src.out_types) > slot:
        return src.out_types[slot] == MODULE_TYPE
    spec = node_type(src.cls)
    outs = (spec.outputs or ()) if spec is not None else ()
    return len(outs) > slot and outs[slot].type == MODULE_TYPE


def _ports(t, n: CNode) -> list[str]:
    return [k for k, v in n.links.items() if _gives(t, v)]


def _outputs(n: CNode) -> list:
    spec = node_type(n.cls)
    return list((spec.outputs or ()) if spec is not None else ())


def _file_of(t, sel: CNode):
    """The module file the select node ``sel`` names (its file input, by the catalogue), or None."""
    spec = node_type(sel.cls)
    files = [i.name for i in (spec.inputs if spec is not None else ()) if i.files]
    w = t.named(sel)
    name = next((w.get(k) for k in files if w.get(k) is not None), None)
    if name is None and isinstance(sel.raw, list) and sel.raw:
        name = sel.raw[0]
    return name


def read(t) -> None:
    """Each wrapper model loader's module: kept on it (one module, a file name, the workflow's only loader given
    one: Load Video Model merges one, beside 'model'), else said not read; the select nodes read either way (not
    left unconverted), their links to the loader let go."""
    given = [n for n in t.wf.nodes.values() if _ports(t, n) and MODULE_TYPE not in
             (n.out_types or [o.type for o in _outputs(n)])]  # the loaders (not a select's own prev_model)
    for n in given:
        ports = _ports(t, n)
        sel = t.wf.nodes[n.links[ports[0]][0]]
        name = _file_of(t, sel)
        chained = _ports(t, sel)
        model = n.widgets.get("model") or (n.raw[0] if isinstance(n.raw, list) and n.raw else "")
        kind, own = _kind(name), _kind(model)
        if kind is not None and kind == own and not chained and len(given) <= 2:
            t.wf.modules[n.id] = (name, sel)  # set where the model is read (mapping/module_file.py), said there
        else:
            why = (f"with more modules chained on its '{chained[0]}'" if chained else
                   f"one of {len(given)} loaders given a module" if len(given) > 2 else
                   f"its file {name!r} not worked out" if not isinstance(name, str) else
                   "not a .safetensors or .gguf file" if kind is None else
                   f"a {KINDS[kind]} module beside a {KINDS.get(own, 'model of another kind')}{' model' if own else ''}")
            files = _chain_files(t, sel)
            advice = (": point Load Video Model at a Wan VACE model" if files and all(_says_vace(f) for f in files)
                      else f"; {_listed(files)} {'names' if len(files) == 1 else 'name'} no VACE module, so what "
                      f"{'it adds' if len(files) == 1 else 'they add'} to the model is not made" if files else "")
            t.said.append(f"{_shown(sel)} adds {what(sel)} '{name}' to '{n.title or n.shown_cls}' (#{n.id})'s "
                          f"model {model!r} ({why}): not read, Studio's Load Video Model merges a VACE module beside a "
                          f"model file of its own kind, .safetensors or GGUF ('vace_module'){advice}")
        t.wf.taken.add(sel.id)
        for k in [k for k in ports if n.links[k][0] == sel.id]:  # (a file wires both names)
            del n.links[k]


def _chain_files(t, sel: CNode) -> list[str]:
    """The module files a select node and the selects chained on its own VACEPATH input name, first to last."""
    out, seen = [], set()
    while sel is not None and sel.id not in seen and len(out) < 16:
        seen.add(sel.id)
        name = _file_of(t, sel)
        if isinstance(name, str) and name:
            out.append(name)
        ports = _ports(t, sel)
        sel = t.wf.nodes.get(sel.links[ports[0]][0]) if ports else None
    return out


def _says_vace(name: str) -> bool:
    """A module file whose name says VACE. The wrapper gives every extra module (VACE, Lynx's layers, MoCha's...)
    one declared type, VACEPATH, so its kind cannot be told from the declaration: only a name saying VACE makes
    'point Load Video Model at a Wan VACE model' the way to the workflow's take (heldout67 05: Lynx's layers)."""
    return "vace" in name.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _listed(files: list[str]) -> str:
    return ", ".join(f"'{f}'" for f in files)
