"""A node pack's node types read from its Python sources without running them (``ast`` only): the old style
(``INPUT_TYPES`` returning a dict, ``RETURN_TYPES``, ``RETURN_NAMES``, ``CATEGORY``, ``NODE_CLASS_MAPPINGS``
and ``NODE_DISPLAY_NAME_MAPPINGS``, however a pack builds them from dict literals) and V3 (``define_schema``
returning ``io.Schema(node_id=..., inputs=[...], outputs=[...])``). ``extract_pack({path: source})`` gives
{type name: its record} (plain JSON data, the catalogue's form). What is not literal is "unknown"."""
from __future__ import annotations

import ast

from . import loops
from .inherited import inherit
from .helpers import helper_of, run_helper
from .values import UNKNOWN, ClassRef, FileList, IOCall, Scope, evaluate

WIDGETS = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")
_NUMBERS = ("default", "min", "max", "step")
_UPLOADS = {"image_upload": "image", "video_upload": "video", "audio_upload": "audio", "file_upload": "file",
            "animated_image_upload": "image"}


class Pack:
    """One pack's sources parsed: its modules' constants, one-line functions and classes (by name), the V3
    io kinds known (``io.Image`` -> IMAGE) and the core's constants it may import (MAX_RESOLUTION)."""

    def __init__(self, sources: dict[str, str], core_constants: dict | None = None, io_types: dict | None = None):
        self.trees, self.constants, self.functions, self.classes, self.builders = {}, {}, {}, {}, {}
        self.aliases: dict[str, str] = {}  # ``from .m import Cls as Other``: Other -> Cls (pack-wide, first kept)
        self.core = dict(core_constants or {})
        self.io_types = dict(io_types or {})
        self.known: dict = {}  # types already catalogued (other packs'), by name: the bases of a factory's types
        self._busy: set = set()
        for path, text in sorted(sources.items()):
            try:
                tree = ast.parse(text.lstrip("\ufeff"))  # a file saved with a byte-order mark reads the same
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue  # a file Python cannot read: no types from it
            self.trees[path] = tree
            self._index(path, tree)

    def _index(self, path, tree):
        consts = self.constants.setdefault(path, {})
        for st in tree.body:
            if isinstance(st, (ast.Try, ast.If)):  # ``try: ANY = IO.ANY except ImportError: ANY = "*"``: the first
                for inner in st.body:
                    if isinstance(inner, ast.Assign) and len(inner.targets) == 1 and \
                            isinstance(inner.targets[0], ast.Name):
                        consts.setdefault(inner.targets[0].id, inner.value)
            if isinstance(st, ast.ImportFrom):
                for a in st.names:
                    if a.asname and a.asname != a.name:
                        self.aliases.setdefault(a.asname, a.name)
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                consts.setdefault(st.targets[0].id, st.value)
            elif isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name) and st.value is not None:
                consts.setdefault(st.target.id, st.value)
            elif isinstance(st, ast.FunctionDef):
                body = [b for b in st.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
                if len(body) == 1 and isinstance(body[0], ast.Return):
                    self.functions.setdefault(st.name, (path, st))
                elif body and isinstance(body[-1], ast.Return):  # run by helpers.run_helper (a list built in a loop)
                    self.builders.setdefault(st.name, (path, st))
            elif isinstance(st, ast.ClassDef):
                old = self.classes.get(st.name)
                if old is None or (not is_node(old[1]) and is_node(st)):
                    self.classes[st.name] = (path, st)
                if st.name in ("IO", "io") or any(_decorated_io(d) for d in st.decorator_list):
                    self._io_kind(st)

    def _io_kind(self, cls):
        for d in cls.decorator_list:
            if _decorated_io(d):
                v = next((k.value.value for k in d.keywords if k.arg == "io_type"
                          and isinstance(k.value, ast.Constant)), d.args[0].value if d.args and
                         isinstance(d.args[0], ast.Constant) else None)
                if isinstance(v, str):
                    self.io_types[cls.name] = v

    def constant(self, name, module, depth):
        """A module-level name's value: its binding in ``module``, else the first known one elsewhere in the
        pack (at most a few tried), else the core's (``MAX_RESOLUTION = nodes.MAX_RESOLUTION`` reads through)."""
        own = self.constants.get(module, {})
        places = [module] if name in own else []
        places += [p for p, c in self.constants.items() if name in c and p != module][:4]
        for where in places:
            key = (where, name)
            if key in self._busy:
                continue
            self._busy.add(key)
            try:
                v = evaluate(self.constants[where][name], Scope(self, where), depth)
            finally:
                self._busy.discard(key)
            if v is not UNKNOWN:
                return v
        return self.core.get(name, UNKNOWN)

    def class_attr(self, cls, attr, depth, seen=()):
        """A class attribute's value (``RETURN_TYPES``), looked up through the pack's base classes."""
        if cls not in self.classes or cls in seen or len(seen) > 8:
            return UNKNOWN
        path, node = self.classes[cls]
        for st in node.body:
            targets = st.targets if isinstance(st, ast.Assign) else [st.target] if isinstance(st, ast.AnnAssign) else []
            if any(isinstance(t, ast.Name) and t.id == attr for t in targets) and st.value is not None:
                return evaluate(st.value, Scope(self, path, cls), depth)
        for b in _base_names(node):
            if b:
                v = self.class_attr(b, attr, depth, seen + (cls,))
                if v is not UNKNOWN:
                    return v
        return UNKNOWN

    def method(self, cls, name, seen=()):
        """(module, the method's def) of ``cls`` or its pack's bases, or None."""
        if cls not in self.classes or cls in seen or len(seen) > 8:
            return None
        path, node = self.classes[cls]
        for st in node.body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name == name:
                return path, st
        for b in _base_names(node):
            if b and (m := self.method(b, name, seen + (cls,))):
                return m
        return None

    def call(self, name, args, node, scope, depth):
        """A call's value: a str subclass made of a literal (``AnyType("*")``), or a pack's one-line function."""
        if name in self.classes and args and isinstance(args[0], str):  # AnyType("*"), MultiInput("IMAGE", [...])
            bases = [b.id for b in self.classes[name][1].bases if isinstance(b, ast.Name)]
            if "str" in bases:
                return args[0]
        if name in self.functions and not node.keywords and depth < 10:
            path, fn = self.functions[name]
            params = [a.arg for a in fn.args.args]
            if len(params) == len(args):
                return evaluate(fn.body[-1].value, Scope(self, path, local=dict(zip(params, args))), depth)
        if name in self.builders and isinstance(node.func, ast.Name) and depth < 10 and \
                not any(isinstance(a, ast.Starred) for a in node.args):  # a module function building a list of inputs
            path, fn = self.builders[name]
            kwargs = {k.arg: evaluate(k.value, scope, depth) for k in node.keywords if k.arg}
            if len(kwargs) == len(node.keywords):
                return run_helper(fn, path, self, args, kwargs, depth)
        helper = helper_of(self, node.func, scope, depth) if depth < 10 else None
        if helper:  # a lambda or a static/class method building a declaration (Derfuu's _n(...), Field.float())
            kwargs = {k.arg: evaluate(k.value, scope, depth) for k in node.keywords if k.arg}
            if len(kwargs) == len(node.keywords) and not any(isinstance(a, ast.Starred) for a in node.args):
                return run_helper(helper[0], helper[1], self, args, kwargs, depth, helper[2])
        return UNKNOWN


def _base_names(cls: ast.ClassDef) -> list[str]:
    """A class's bases by their last name (``nodes.SaveImage`` -> SaveImage: looked up among the pack's classes)."""
    return [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "" for b in cls.bases]


def _decorated_io(d) -> bool:
    f = d.func if isinstance(d, ast.Call) else None
    return f is not None and (getattr(f, "id", None) == "comfytype" or getattr(f, "attr", None) == "comfytype")


def is_node(cls: ast.ClassDef) -> bool:
    names = {st.name for st in cls.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))}
    names |= {t.id for st in cls.body if isinstance(st, ast.Assign) for t in st.targets if isinstance(t, ast.Name)}
    return bool(names & {"INPUT_TYPES", "define_schema", "RETURN_TYPES"})


def locals_of(fn, scope: Scope) -> Scope:
    """A function's simple locals, in order (``x = {...}``; ``x["optional"] = {...}``; ``x.extend([...])`` in the
    function's own body), as values."""
    inner, top = scope.child({}), getattr(fn, "body", [])  # a loop is followed only where loops.py can run it
    for st in ast.walk(fn):
        if isinstance(st, ast.Assign) and len(st.targets) == 1:
            t = st.targets[0]
            if isinstance(t, ast.Name):
                inner.local[t.id] = evaluate(st.value, inner)
            elif isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                holder, key = inner.local.get(t.value.id), evaluate(t.slice, inner)
                if isinstance(holder, dict) and isinstance(key, str):
                    holder[key] = evaluate(st.value, inner)
        elif st in top and isinstance(st, ast.For):  # a loop building the declaration, run in its place (loops.py:
            loops.run(st, inner)  # KJNodes' dynamic combo choices, 1 to 20 guides)
        elif st in top and isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and len(st.value.args) == 1 and \
                getattr(st.value.func, "attr", None) in ("append", "extend") and \
                isinstance(getattr(st.value.func, "value", None), ast.Name):  # inputs.extend(cls.extra_inputs)
            holder, v = inner.local.get(st.value.func.value.id), evaluate(st.value.args[0], inner)
            grown = v if st.value.func.attr == "extend" else [v]
            if isinstance(holder, list) and isinstance(grown, list) and UNKNOWN not in grown:  # else as before
                holder.extend(grown)
    for name, values in _forked(fn, inner).items():  # set one way or another by an ``if``: not known here
        if any(v != values[0] for v in values[1:]):
            inner.local[name] = UNKNOWN
    return inner


def _forked(fn, scope: Scope) -> dict:
    """{name: [values]} of the names an ``if`` of ``fn`` sets in both its branches (``opts = (files,)`` where the
    host is there, else ``opts = ("STRING", {})``): which one ComfyUI sees depends on where it runs."""
    out: dict = {}
    for st in ast.walk(fn):
        if isinstance(st, ast.If) and st.orelse:
            sides = [{t.id: b.value for b in part if isinstance(b, (ast.Assign, ast.AnnAssign)) and b.value
                      for t in (b.targets if isinstance(b, ast.Assign) else [b.target]) if isinstance(t, ast.Name)}
                     for part in (st.body, st.orelse)]
            for name in sides[0].keys() & sides[1].keys():
                out.setdefault(name, []).extend(evaluate(side[name], scope) for side in sides)
    return out


def returned(fn):
    return next((st.value for st in ast.walk(fn) if isinstance(st, ast.Return) and st.value is not None), None)


def clean(v):
    """A value as JSON keeps it: numbers, strings, booleans, lists of them; anything else "unknown"."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return v if v == v and abs(v) != float("inf") else UNKNOWN
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    return UNKNOWN


def _options(kind, opts: dict, record: dict) -> None:
    """The combo's choices or folder into ``record``."""
    if isinstance(kind, FileList):
        record["files"] = kind.folder
        if kind.extra:
            record["options"] = clean(list(kind.extra))
    elif isinstance(kind, list):
        record["options"] = clean(kind)
    elif isinstance(opts.get("options"), (list, FileList)):
        _options(opts["options"], {}, record)
    else:
        record["options"] = UNKNOWN


def input_record(name: str, kind, opts, required: bool) -> dict:
    """One input in the catalogue's form, from its declared type (a type name, a list of choices, a folder's
    files) and its options dict."""
    opts = opts if isinstance(opts, dict) else {}
    rec: dict = {"name": name}
    if isinstance(kind, (list, FileList)):
        rec["type"] = "COMBO"
        _options(kind, opts, rec)
    elif isinstance(kind, str) and kind is not UNKNOWN:
        rec["type"] = kind
        if kind == "COMBO":
            _options(opts.get("options"), opts, rec)
    else:  # a list made at run time (files in a folder, a table elsewhere): a type is always a literal name
        rec["type"], rec["options"] = "COMBO", UNKNOWN
    if not required:
        rec["optional"] = True
    force = opts.get("forceInput") is True or opts.get("force_input") is True
    rec["widget"] = rec["type"] in WIDGETS and not force
    for k in _NUMBERS:
        if k in opts:
            rec[k] = clean(opts[k])
    up = next((v for k, v in _UPLOADS.items() if opts.get(k) is True), None)
    if up:
        rec["upload"] = up
    if opts.get("multiline") is True:
        rec["multiline"] = True
    if opts.get("control_after_generate") is True:  # the frontend's fixed/randomize value after it
        rec["control"] = True
    if opts.get("lazy") is True:  # ComfyUI computes what is wired there only when the node asks (a switch's)
        rec["lazy"] = True
    return rec


def _v1_inputs(declared) -> list | str:
    if not isinstance(declared, dict):
        return UNKNOWN
    out = []
    for section in ("required", "optional"):
        block = declared.get(section)
        if not isinstance(block, dict):
            continue
        for name, spec in block.items():
            if not isinstance(name, str):
                continue
            spec = spec if isinstance(spec, list) else [spec]
            kind = spec[0] if spec else UNKNOWN
            out.append(input_record(name, kind, spec[1] if len(spec) > 1 else {}, section == "required"))
    return out


def output_records(types, names) -> list | str:
    if not isinstance(types, list):
        return UNKNOWN
    names = names if isinstance(names, list) else []
    out = []
    for i, t in enumerate(types):
        rec = {"type": t if isinstance(t, str) else ("COMBO" if isinstance(t, (list, FileList)) else UNKNOWN)}
        n = names[i] if i < len(names) and isinstance(names[i], str) else None
        if n:
            rec["name"] = n
        out.append(rec)
    return out


def v1_node(pack: Pack, cls: str) -> dict:
    """An old-style node class's record (inputs, outputs, category, output node)."""
    rec: dict = {}
    found = pack.method(cls, "INPUT_TYPES")
    if found:
        path, fn = found
        self_name = fn.args.args[0].arg if fn.args.args else None
        scope = locals_of(fn, Scope(pack, path, cls, self_name))
        rec["inputs"] = _v1_inputs(evaluate(returned(fn), scope))
    else:
        rec["inputs"] = UNKNOWN
    rec["outputs"] = output_records(pack.class_attr(cls, "RETURN_TYPES", 0), pack.class_attr(cls, "RETURN_NAMES", 0))
    inherit(pack, cls, found[1] if found else None, rec)  # a known base's inputs and outputs it takes (KSampler's)
    for key, attr in (("category", "CATEGORY"), ("display", "DISPLAY_NAME"), ("output_node", "OUTPUT_NODE")):
        v = pack.class_attr(cls, attr, 0)
        if isinstance(v, (str, bool)) and v is not UNKNOWN:
            rec[key] = v
    return rec
