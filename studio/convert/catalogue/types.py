"""The catalogue of ComfyUI node types as Studio reads it: each type's inputs (name, type, widget or socket,
choices, range, default, upload kind, the models folder a file list shows), outputs, category, display name
and the pack@commit it was read from (data/comfy_types.json.gz, made by scripts/comfy_catalogue.py from the
packs' own sources). ``node_type(name)``; predicates on a type say what it is by its types alone."""
from __future__ import annotations

import functools
import gzip
import json
import os
from dataclasses import dataclass

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "comfy_types.json.gz")
UNKNOWN = "unknown"  # a value the source does not write as a literal
WIDGET_TYPES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"})
VALUE_TYPES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN"})
MEDIA = {"IMAGE": "image", "VIDEO": "video", "AUDIO": "audio"}


@dataclass(frozen=True)
class Input:
    """One declared input. ``options``: the choices (a tuple), UNKNOWN when made at run time, None for no combo;
    ``files``: the models folder a file-list widget lists ('loras'); ``upload``: 'image'/'video'/'audio'/'file'."""
    name: str
    type: str
    optional: bool = False
    widget: bool = False
    options: tuple | str | None = None
    min: float | str | None = None
    max: float | str | None = None
    step: float | str | None = None
    default: object = None
    upload: str | None = None
    files: str | None = None
    multiline: bool = False
    control: bool = False  # the frontend saves a control value (fixed / randomize) after it
    lazy: bool = False  # declared lazy: ComfyUI computes what is wired there only when the node asks for it
    dynamic: tuple | None = None  # a V3 dynamic combo's choices: ((choice, (the inputs it shows...)), ...); else None

    @property
    def is_socket(self) -> bool:
        return not self.widget


@dataclass(frozen=True)
class Output:
    type: str
    name: str | None = None


@dataclass(frozen=True)
class NodeType:
    """A node type as its pack declares it. ``inputs``/``outputs`` are None when the source builds them in a
    way this reader does not follow (then nothing is guessed)."""
    name: str
    pack: str
    commit: str
    category: str = ""
    display: str = ""
    inputs: tuple[Input, ...] | None = None
    outputs: tuple[Output, ...] | None = None
    output_node: bool = False
    lazy_read: bool = False  # its pack read by a reader that records 'lazy' (else whether an input is: not known)

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs or () if i.name == name), None)

    @property
    def widgets(self) -> tuple[Input, ...]:
        return tuple(i for i in self.inputs or () if i.widget)

    @property
    def sockets(self) -> tuple[Input, ...]:
        return tuple(i for i in self.inputs or () if not i.widget)

    @property
    def output_types(self) -> tuple[str, ...]:
        return tuple(o.type for o in self.outputs or ())

    def takes(self, type_: str) -> bool:
        """Has a socket of ``type_`` (IMAGE...)."""
        return any(i.type == type_ for i in self.sockets)

    def gives(self, type_: str) -> bool:
        return type_ in self.output_types


def _input(d: dict) -> Input:
    opts = d.get("options")
    return Input(name=d.get("name", UNKNOWN), type=d.get("type", UNKNOWN), optional=bool(d.get("optional")),
                 widget=bool(d.get("widget")), options=tuple(opts) if isinstance(opts, list) else opts,
                 min=d.get("min"), max=d.get("max"), step=d.get("step"), default=d.get("default"),
                 upload=d.get("upload"), files=d.get("files"), multiline=bool(d.get("multiline")),
                 control=bool(d.get("control")), lazy=bool(d.get("lazy")), dynamic=_dynamic(d.get("dynamic")))


def _dynamic(choices) -> tuple | None:
    """A dynamic combo's recorded choices ([{key, inputs}]) as ((choice, (Input...)), ...); None for none."""
    if not isinstance(choices, list):
        return None
    return tuple((str(c.get("key")), tuple(_input(i) for i in c.get("inputs") or [] if isinstance(i, dict)))
                 for c in choices if isinstance(c, dict))


def _node(name: str, d: dict, packs: dict) -> NodeType:
    ins, outs = d.get("inputs"), d.get("outputs")
    commit = d.get("commit") or packs.get(d.get("pack", ""), {}).get("commit", "")  # a type added from a newer read
    return NodeType(name=name, pack=d.get("pack", ""), commit=commit,
                    category=d.get("category") or "", display=d.get("display") or "",
                    inputs=tuple(_input(i) for i in ins) if isinstance(ins, list) else None,
                    outputs=tuple(Output(o.get("type", UNKNOWN), o.get("name")) for o in outs)
                    if isinstance(outs, list) else None, output_node=d.get("output_node") is True,
                    lazy_read=packs.get(d.get("pack", ""), {}).get("lazy") is True)


@functools.lru_cache(maxsize=4)
def _load(path: str = DATA) -> tuple[dict, dict]:
    """(raw types, packs) of the catalogue file; an absent or unreadable file is an empty catalogue."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError, EOFError):
        return {}, {}
    return data.get("types", {}), data.get("packs", {})


@functools.lru_cache(maxsize=4096)
def node_type(name: str) -> NodeType | None:
    """The declared type ``name`` (a ComfyUI ``class_type``), or None when no pack in the catalogue has it (a fork's
    renamed copy's name, carrying the type it copies as ``copies``: that type; reading/fork_types.py)."""
    name = getattr(name, "copies", None) or name
    types, packs = _load()
    d = types.get(name)
    return _node(name, d, packs) if isinstance(d, dict) else None


def names() -> list[str]:
    """Every type name in the catalogue."""
    return list(_load()[0])


def packs() -> dict[str, dict]:
    """{repository: {"commit", "date", "types"}} of the packs the catalogue was read from."""
    return {k: dict(v) for k, v in _load()[1].items()}


FILE_WIDGETS = frozenset({"image", "video", "audio", "file", "path", "filename", "file_path", "filepath",
                          "image_path", "video_path", "audio_path", "image_file", "video_file", "audio_file"})


def loader_kind(t: NodeType | None) -> str | None:
    """'image' / 'video' / 'audio' when ``t`` loads a file: it gives that medium, takes none as a socket, and an
    upload widget of that medium names the file, or (a loader by its name: 'Load' in it) a file or path widget
    does; a video's pictures (IMAGE) from a video file are 'video'."""
    if t is None or t.inputs is None:
        return None
    given = [MEDIA[x] for x in t.output_types if x in MEDIA]
    if not given or any(t.takes(x) for x in MEDIA):
        return None
    f = file_input(t)
    if f is None:
        return None
    if f.upload:
        return f.upload if f.upload in ("image", "video", "audio") else None
    for words in (f.name.lower(), t.name.lower()):  # its file's setting, else its type's name ('TS_VideoLoader')
        m = next((m for m in ("video", "audio", "image") if m in words and (m in given or m == "video")), None)
        if m is not None:
            return m
    return given[0]


# a text setting naming one file by its path, by its last word ('source_path', 'input_path', 'image_filename'), and
# the words of a name or a category saying a type loads (its category 'CRT/Load', 'LevelPixel/IO')
PATH_ENDS = frozenset({"path", "file", "filename", "filepath"})
NOT_ONE_FILE = frozenset({"folder", "dir", "directory", "output", "save", "result", "working", "temp", "pattern"})
LOADER_WORDS = frozenset({"load", "loader", "loaders", "io", "input", "inputs"})


def file_input(t: NodeType) -> Input | None:
    """The widget naming a loader's file: its upload widget, else (a type named a loader) its file or path
    widget (a combo of the input folder's files, or a text), else a media loader's one path text (path_text)."""
    ins = t.inputs or ()
    up = next((i for i in ins if i.upload), None)
    if up is not None:
        return up
    named = next((i for i in ins if i.widget and i.type in ("COMBO", "STRING") and i.name.lower() in FILE_WIDGETS),
                 None) if "load" in t.name.lower() else None
    return named or path_text(t)


def path_text(t: NodeType) -> Input | None:
    """The one text setting naming a file by its path ('source_path', 'input_path': PATH_ENDS, no word of a folder or
    an output) of a type that loads, by its name ('Load' in it) or its category's words (LOADER_WORDS), giving a
    picture, a clip or a sound and taking none as a socket (TS_VideoLoader's 'source_path', LevelPixel's
    ImageLoaderFromPath 'input_path'; a value naming no file of its kind is not read as one: reading.by_types); None
    where it has none or several (a folder and a file name: its file is both) or it takes a socket."""
    words = set(t.category.lower().replace("/", " ").replace("|", " ").split())
    if "load" not in t.name.lower() and not words & LOADER_WORDS:
        return None
    if not any(x in MEDIA for x in t.output_types) or any(not i.widget for i in t.inputs or ()):
        return None  # (a node also taking a model or a picture, TS_SAM_MediaLoader's SAM: not a loader)
    texts = [i for i in t.inputs or () if i.widget and i.type == "STRING" and (
        i.name.lower() in FILE_WIDGETS or i.name.lower().split("_")[-1] in PATH_ENDS
        and not NOT_ONE_FILE & set(i.name.lower().split("_")))]
    return texts[0] if len(texts) == 1 else None


def is_primitive(t: NodeType | None) -> bool:
    """Gives only values (INT/FLOAT/STRING/BOOLEAN) and takes only widgets: what it gives is what is set."""
    return bool(t and t.inputs is not None and t.outputs and all(o in VALUE_TYPES for o in t.output_types)
                and all(i.widget for i in t.inputs))


def image_operation(t: NodeType | None) -> bool:
    """Takes an IMAGE socket and gives an IMAGE: an operation on pictures (resize, crop, colour, frames)."""
    return bool(t and t.takes("IMAGE") and t.gives("IMAGE"))


def ranges(name: str) -> dict[str, dict]:
    """{input: {"min", "max", "step", "default"}} of the numeric widgets ``name`` declares with literal bounds
    (what a server checks a value against); {} for a type not in the catalogue."""
    t = node_type(name)
    out = {}
    for i in (t.inputs or ()) if t else ():
        if i.type in ("INT", "FLOAT"):
            r = {k: getattr(i, k) for k in ("min", "max", "step", "default")
                 if isinstance(getattr(i, k), (int, float)) and not isinstance(getattr(i, k), bool)}
            if r:
                out[i.name] = r
    return out


def object_info(name: str) -> dict | None:
    """The type in the form of ComfyUI's ``/object_info`` entry (input.required/optional: name -> [type or
    choices, options], output, output_name, category, display_name, output_node), from its declaration; choices
    made at run time (a folder's files) are an empty list, a models folder's named as ``files``; None for a type
    not catalogued or whose inputs are not known."""
    t = node_type(name)
    if t is None or t.inputs is None or t.outputs is None:
        return None
    ins: dict[str, dict] = {"required": {}, "optional": {}}
    for i in t.inputs:
        opts = {k: getattr(i, k) for k in ("default", "min", "max", "step")
                if getattr(i, k) is not None and getattr(i, k) != UNKNOWN}
        if i.upload:
            opts[f"{i.upload}_upload"] = True
        if i.files:
            opts["files"] = i.files
        if i.multiline:
            opts["multiline"] = True
        kind = list(i.options) if isinstance(i.options, tuple) else [] if i.type == "COMBO" else i.type
        ins["optional" if i.optional else "required"][i.name] = [kind, opts] if opts else [kind]
    return {"input": {k: v for k, v in ins.items() if v or k == "required"}, "output": list(t.output_types),
            "output_name": [o.name or o.type for o in t.outputs], "name": t.name,
            "display_name": t.display or t.name, "category": t.category, "output_node": t.output_node,
            "python_module": t.pack}
