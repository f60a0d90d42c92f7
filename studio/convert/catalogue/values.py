"""The literal values a node pack's source declares, read from its syntax tree without running it: constants,
tuples, lists, dicts, names bound at module or class level, ``folder_paths.get_filename_list('loras')`` as
the folder it lists, the V3 ``io.Int.Input(...)`` calls as what they declare. Anything else is ``UNKNOWN``,
never an error. Stdlib only (``ast``)."""
from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field

UNKNOWN = "unknown"
_DEPTH = 12  # names resolved through names: deeper is unknown (and no loop runs forever)
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
          ast.FloorDiv: operator.floordiv, ast.Pow: operator.pow, ast.Mod: operator.mod}
_UPLOAD_MEMBERS = {"image": "image_upload", "audio": "audio_upload", "video": "video_upload", "model": "file_upload"}
_IO_NAMES = ("IO", "io", "comfy_io", "IO_V3")  # the names ComfyUI's type enum and V3 module go by


@dataclass(frozen=True)
class FileList:
    """A combo listing a models folder: ``folder_paths.get_filename_list(folder)`` (with ``extra`` choices)."""
    folder: str
    extra: tuple = ()


@dataclass
class IOCall:
    """A V3 declaration ``io.<Kind>.Input(...)`` / ``.Output(...)``: its io type and its arguments."""
    io_type: str
    side: str  # "Input" | "Output"
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)


@dataclass
class DynOption:
    """One choice of a V3 dynamic combo, ``io.DynamicCombo.Option(key, [inputs])``: its key and the inputs it shows."""
    key: object
    inputs: list | str = field(default_factory=list)  # UNKNOWN where they are not literal


@dataclass
class ClassRef:
    """A class named in an expression (``cls``, ``s``, a class of the pack): its attributes looked up."""
    name: str


class Scope:
    """Where names resolve: a function's locals, the class (its parameter name), the module's constants, the
    pack's, the core's; the pack's classes and one-line functions; the V3 io type of each ``io.<Kind>``."""

    def __init__(self, pack, module, cls: str | None = None, self_name: str | None = None, local=None):
        self.pack, self.module, self.cls, self.self_name = pack, module, cls, self_name
        self.local = dict(local or {})

    def child(self, local) -> "Scope":
        return Scope(self.pack, self.module, self.cls, self.self_name, local)


def evaluate(node, scope: Scope, depth: int = 0):
    """The value ``node`` (an ``ast`` expression) declares, or UNKNOWN."""
    if node is None or depth > _DEPTH:
        return UNKNOWN
    try:
        fn = _RULES.get(type(node))
        return fn(node, scope, depth + 1) if fn else UNKNOWN
    except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError, RecursionError,
            OverflowError, MemoryError):
        return UNKNOWN


def _constant(node, scope, depth):
    return node.value


def _sequence(node, scope, depth):
    items = []
    for e in node.elts:
        if isinstance(e, ast.Starred):
            inner = evaluate(e.value, scope, depth)
            if not isinstance(inner, (list, tuple)):
                return UNKNOWN
            items.extend(inner)
        else:
            items.append(evaluate(e, scope, depth))
    return items


def _dict(node, scope, depth):
    out = {}
    for k, v in zip(node.keys, node.values):
        if k is None:  # {**other}
            inner = evaluate(v, scope, depth)
            if isinstance(inner, dict):
                out.update(inner)
            continue
        key = evaluate(k, scope, depth)
        if isinstance(key, (str, int, float, bool)):
            out[key] = evaluate(v, scope, depth)
    return out


def _name(node, scope, depth):
    n = node.id
    if n in scope.local:
        return scope.local[n]
    if scope.self_name and n == scope.self_name:
        return ClassRef(scope.cls)
    if n in scope.pack.classes:
        return ClassRef(n)
    return scope.pack.constant(n, scope.module, depth)


def _attribute(node, scope, depth):
    base, attr = node.value, node.attr
    if getattr(base, "attr", getattr(base, "id", None)) == "UploadType":  # io.UploadType.image
        return _UPLOAD_MEMBERS.get(attr, UNKNOWN)
    if isinstance(base, ast.Name) and base.id in _IO_NAMES and base.id not in scope.local:
        if attr in scope.pack.io_types:
            return ("io", scope.pack.io_types[attr])
        if attr.isupper() or attr == "ANY":  # IO.IMAGE, IO.ANY
            return "*" if attr == "ANY" else attr
    owner = evaluate(base, scope, depth) if not isinstance(base, ast.Name) or base.id in scope.local \
        or base.id == scope.self_name or base.id in scope.pack.classes else None
    if isinstance(owner, ClassRef):
        return scope.pack.class_attr(owner.name, attr, depth)
    if isinstance(owner, str) and owner != UNKNOWN and attr in ("value", "name"):  # an Enum member's text
        return owner
    if isinstance(owner, tuple) and owner and owner[0] == "io":
        return ("io-member", owner[1], attr)
    if isinstance(base, (ast.Name, ast.Attribute)):  # nodes.MAX_RESOLUTION, folder_paths.X: by the last name
        return scope.pack.constant(attr, scope.module, depth)
    return UNKNOWN


def _binop(node, scope, depth):
    a, b = evaluate(node.left, scope, depth), evaluate(node.right, scope, depth)
    if isinstance(node.op, ast.Add) and (isinstance(a, FileList) or isinstance(b, FileList)):
        files = a if isinstance(a, FileList) else b
        other = b if files is a else a
        return FileList(files.folder, files.extra + tuple(other)) if isinstance(other, (list, tuple)) else files
    if a is UNKNOWN or b is UNKNOWN or isinstance(a, (ClassRef, IOCall)) or isinstance(b, (ClassRef, IOCall)):
        return UNKNOWN
    if isinstance(node.op, ast.Pow) and isinstance(b, (int, float)) and abs(b) > 128:
        return UNKNOWN
    if isinstance(node.op, ast.Mult) and isinstance(a, (list, str)) and isinstance(b, int) and b > 64:
        return UNKNOWN
    op = _ARITH.get(type(node.op))
    return op(a, b) if op else UNKNOWN


def _unary(node, scope, depth):
    v = evaluate(node.operand, scope, depth)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if isinstance(node.op, ast.USub):
            return -v
        if isinstance(node.op, ast.UAdd):
            return v
    if isinstance(node.op, ast.Not) and isinstance(v, bool):
        return not v
    return UNKNOWN


def _joined(node, scope, depth):
    parts = []
    for v in node.values:
        x = evaluate(v.value if isinstance(v, ast.FormattedValue) else v, scope, depth)
        if x is UNKNOWN or not isinstance(x, (str, int, float)):
            return UNKNOWN
        parts.append(str(x))
    return "".join(parts)


def _call(node, scope, depth):
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    args = [evaluate(a, scope, depth) for a in node.args]
    if name in ("get_filename_list", "get_filename_list_"):
        return FileList(args[0]) if args and isinstance(args[0], str) else UNKNOWN
    if name in ("sorted", "list", "tuple") and len(args) == 1:
        return args[0] if isinstance(args[0], (FileList, list)) else UNKNOWN
    if name in ("Input", "Output") and isinstance(f, ast.Attribute):
        return _io_call(f, node, scope, depth)
    if name == "format" and isinstance(f, ast.Attribute):
        text = evaluate(f.value, scope, depth)
        if isinstance(text, str) and all(isinstance(a, (str, int, float)) for a in args) and not node.keywords:
            return text.format(*args)
        return UNKNOWN
    if name == "Option" and isinstance(f, ast.Attribute):  # io.DynamicCombo.Option(key, [...]), or key= / inputs=
        kind = evaluate(f.value, scope, depth)
        if isinstance(kind, tuple) and kind and kind[0] == "io":
            named = {k.arg: k.value for k in node.keywords if k.arg in ("key", "inputs")}
            key = args[0] if args else evaluate(named.get("key"), scope, depth)
            inner = args[1] if len(args) > 1 else evaluate(named.get("inputs"), scope, depth)
            return DynOption(key, inner if isinstance(inner, list) else UNKNOWN)  # inputs a helper makes: not known
    if name == "str" and isinstance(f, ast.Name) and len(args) == 1 and isinstance(args[0], (int, str)) \
            and not isinstance(args[0], bool) and args[0] != UNKNOWN:  # str(n): a choice named by its count
        return str(args[0])
    if name == "Custom" and args and isinstance(args[0], str):
        return ("io", args[0])
    return scope.pack.call(name, args, node, scope, depth)


def _io_call(f, node, scope, depth):
    kind = evaluate(f.value, scope, depth)
    io_type = kind[1] if isinstance(kind, tuple) and kind and kind[0] == "io" else UNKNOWN
    kwargs = {k.arg: evaluate(k.value, scope, depth) for k in node.keywords if k.arg}
    return IOCall(io_type, f.attr, [evaluate(a, scope, depth) for a in node.args], kwargs)


_RULES = {ast.Constant: _constant, ast.Tuple: _sequence, ast.List: _sequence, ast.Set: _sequence,
          ast.Dict: _dict, ast.Name: _name, ast.Attribute: _attribute, ast.BinOp: _binop, ast.UnaryOp: _unary,
          ast.JoinedStr: _joined, ast.Call: _call}
