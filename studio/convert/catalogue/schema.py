"""ComfyUI's V3 node declarations read without running them: ``define_schema`` returning
``io.Schema(node_id=..., display_name=..., category=..., inputs=[io.Int.Input("x", min=...), ...],
outputs=[io.Image.Output(...)])``, into the catalogue's record form (extract.py's)."""
from __future__ import annotations

import ast

from .extract import Pack, clean, locals_of, returned, input_record
from .values import UNKNOWN, DynOption, FileList, IOCall, Scope, evaluate

def _schema_call(fn, scope: Scope):
    """The ``Schema(...)`` call ``define_schema`` returns (directly or through one local name), or None."""
    ret = returned(fn)
    if isinstance(ret, ast.Name):
        ret = next((st.value for st in ast.walk(fn) if isinstance(st, ast.Assign) and len(st.targets) == 1
                    and isinstance(st.targets[0], ast.Name) and st.targets[0].id == ret.id), None)
    f = getattr(ret, "func", None)
    name = getattr(f, "attr", getattr(f, "id", None))
    return ret if isinstance(ret, ast.Call) and name == "Schema" else None


def _v3_input(call) -> dict | None:
    if not isinstance(call, IOCall) or call.side != "Input":
        return None
    name = call.args[0] if call.args and isinstance(call.args[0], str) else call.kwargs.get("id")
    if not isinstance(name, str):
        return None
    kw = dict(call.kwargs)
    upload = kw.pop("upload", None)
    if isinstance(upload, str) and upload.endswith("_upload"):  # io.UploadType.image -> image_upload
        kw[upload] = True
    kind = call.io_type
    if kind == "COMBO":
        opts = kw.get("options")
        kind = opts if isinstance(opts, (list, FileList)) else "COMBO"
    rec = input_record(name, kind if kind is not UNKNOWN else "?", kw, kw.get("optional") is not True)
    if kind is UNKNOWN:  # io.Autogrow, io.MultiType...: a kind this reader does not know
        rec["type"] = UNKNOWN
    if isinstance(kw.get("display_name"), str):
        rec["label"] = kw["display_name"]
    if (dynamic := _dynamic(kw.get("options"))) is not None:
        rec["dynamic"] = dynamic
    return rec


def _dynamic(options) -> list | None:
    """A dynamic combo's choices (``io.DynamicCombo.Input(name, options=[io.DynamicCombo.Option(key, [inputs])])``)
    in the record's form: [{"key": the choice, "inputs": [the inputs it shows]}], in order; None where an option is
    not a literal choice (the frontend saves the choice, then the values of the inputs it shows, 'name.input' in an
    API file)."""
    if not isinstance(options, list) or not options or not all(isinstance(o, DynOption) for o in options):
        return None
    out = []
    for o in options:
        if not isinstance(o.key, str) or o.key == UNKNOWN or not isinstance(o.inputs, list):
            return None  # a choice or the inputs it shows not literal: no choices recorded (never a wrong [])
        out.append({"key": o.key, "inputs": _list(o.inputs, _v3_input)})
    return out


def _v3_output(call) -> dict | None:
    if not isinstance(call, IOCall) or call.side != "Output":
        return None
    rec = {"type": call.io_type if isinstance(call.io_type, str) else UNKNOWN}
    name = call.kwargs.get("display_name")
    if not isinstance(name, str):
        name = call.args[0] if call.args and isinstance(call.args[0], str) else call.kwargs.get("id")
    if isinstance(name, str):
        rec["name"] = name
    return rec


def _list(v, read) -> list | str:
    if not isinstance(v, list):
        return UNKNOWN
    return [r if r is not None else {"name": UNKNOWN, "type": UNKNOWN} for r in map(read, v)]


def v3_node(pack: Pack, cls: str) -> tuple[str, dict] | None:
    """(node id, record) of a V3 node class, or None when its schema names no literal id."""
    found = pack.method(cls, "define_schema")
    if not found:
        return None
    path, fn = found
    self_name = fn.args.args[0].arg if fn.args.args else None
    scope = locals_of(fn, Scope(pack, path, cls, self_name))
    call = _schema_call(fn, scope)
    if call is None:
        return None
    kw = {k.arg: evaluate(k.value, scope) for k in call.keywords if k.arg}
    node_id = kw.get("node_id")
    if not isinstance(node_id, str):
        return None
    rec: dict = {"inputs": _list(kw.get("inputs", []), _v3_input),  # (io.Schema's own defaults: none of either)
                 "outputs": _list(kw.get("outputs", []), _v3_output), "v3": True}
    for key, src in (("category", "category"), ("display", "display_name"), ("output_node", "is_output_node")):
        if isinstance(kw.get(src), (str, bool)) and kw[src] is not UNKNOWN:
            rec[key] = clean(kw[src])
    return node_id, rec


def read_list(field: str, value) -> list | str:
    """A schema's ``inputs`` or ``outputs`` list (evaluated) in the record's form (derived.py's)."""
    return _list(value, _v3_input if field == "inputs" else _v3_output)
