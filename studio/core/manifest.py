"""Node manifest cache: the registry's declarations of every node, kept as plain JSON in the
user's cache folder, so start-up and ``validate`` need not import the node modules (and torch,
which half of them import at top level: ~1.5 s of a 3 s start-up).

The manifest is keyed by a fingerprint of the node packages' source files (relative path, size
and mtime of every ``.py``), of Studio's own source files, of Studio's and
Python's versions and of the installed packages (the site-packages folders' mtimes). A manifest
that does not match, or that cannot be read back exactly, is ignored and rebuilt: it is never
trusted blindly. It holds data only: parameters are rebuilt from a whitelist of Studio's
parameter classes by class name and field values; nothing is unpickled or evaluated.

A spec built from the manifest (:class:`LazyNodeSpec`) imports its node's module the first
time something asks for ``spec.cls`` (a run, a signature), not before.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import inspect
import json
import os
import sys
import sysconfig
from typing import Any

from .errors import StudioError
from .params import Bool, CameraKeys, Choice, Color, Float, Frames, Int, Path, Seed, String
from .spec import In, Node, NodeSpec, Out

FORMAT = 10  # 2: specs say disk_cache; 3: and shows_first_frame; 4: and lists_models; 5: and keywords;
# 6: and the records of the models each node reads; 7: and whether it estimates its time (Node.estimate);
# 8: and a generator's clip ports (NodeSpec.clip_ports: the converter reads them without importing a node module);
# 9: and their 'like' kind (the clip whose size a generator's width and height 0 always take);
# 10: and whether its clip carries its first clip input's sound (NodeSpec.carries_sound: read by the converter)
PARAM_CLASSES = {c.__name__: c for c in (Int, Float, Bool, Choice, String, Path, Color, Seed, Frames, CameraKeys)}


class NodeLoadError(StudioError):
    """A node's module could not be imported (or no longer declares the node) when it was needed."""


def cache_dir() -> str:
    """$STUDIO_CACHE_DIR, else platformdirs' user cache folder for Studio."""
    env = os.environ.get("STUDIO_CACHE_DIR")
    if env:
        return os.path.abspath(os.path.expanduser(env))
    from .paths import user_dir
    return user_dir("cache", "Studio")


def package_roots(package: str) -> list[str] | None:
    """The folders of ``package``, found without importing it; None when it is not a package."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return [os.path.abspath(r) for r in spec.submodule_search_locations]


def manifest_path(package: str, roots: list[str]) -> str:
    """One file per package and location (two checkouts of Studio do not overwrite each other's)."""
    where = hashlib.sha256("\0".join(roots).encode()).hexdigest()[:12]
    return os.path.join(cache_dir(), f"nodes-manifest-{package}-{where}.json")


def _stat_entries(root: str, label: str) -> list[list[Any]]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for f in sorted(filenames):
            if f.endswith(".py"):
                p = os.path.join(dirpath, f)
                try:
                    st = os.stat(p)
                except OSError:
                    continue
                out.append([label, os.path.relpath(p, root), st.st_size, st.st_mtime_ns])
    return out


def fingerprint(package: str, roots: list[str]) -> str:
    """A hash of everything a manifest of ``package`` (found in ``roots``) depends on."""
    import studio
    entries: list[Any] = [FORMAT, package, studio.__version__, sys.version, sys.executable]
    for root in roots:
        entries.append(_stat_entries(root, root))
    # Studio's own files: declarations use its parameter classes and constants from anywhere in it
    # (model families, codecs...); ~150 stats, about a millisecond
    entries.append(_stat_entries(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "studio"))
    for key in ("purelib", "platlib"):  # a package installed or removed changes these folders
        p = sysconfig.get_paths().get(key)
        try:
            entries.append([key, p, os.stat(p).st_mtime_ns])
        except (OSError, TypeError):
            entries.append([key, p])
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()


# -- specs <-> plain data --------------------------------------------------------------------
def _tuples(v: Any) -> Any:
    return tuple(_tuples(x) for x in v) if isinstance(v, list) else v


def _param_to_json(p) -> dict:
    name = type(p).__name__
    if PARAM_CLASSES.get(name) is not type(p):
        raise ValueError(f"parameter class {type(p).__qualname__} is not one of Studio's")
    return {"class": name, "fields": {f.name: getattr(p, f.name) for f in dataclasses.fields(p) if f.init}}


def _param_from_json(d: dict):
    cls = PARAM_CLASSES[d["class"]]  # KeyError for anything else: the manifest is rejected
    allowed = {f.name for f in dataclasses.fields(cls) if f.init}
    fields = d["fields"]
    if not isinstance(fields, dict) or set(fields) - allowed:
        raise ValueError("unknown parameter fields")
    return cls(**{k: _tuples(v) for k, v in fields.items()})


def spec_to_json(spec: NodeSpec) -> dict:
    return {"id": spec.id, "title": spec.title, "category": spec.category, "help": spec.help,
            "inputs": [dataclasses.asdict(p) for p in spec.inputs],
            "outputs": [dataclasses.asdict(p) for p in spec.outputs],
            "params": [_param_to_json(p) for p in spec.params],
            "timing": spec.timing, "window": list(spec.window), "version": spec.version,
            "legacy_ids": list(spec.legacy_ids), "is_output": spec.is_output, "cacheable": spec.cacheable,
            "disk_cache": spec.disk_cache, "preflight": spec.preflight,
            "shows_first_frame": spec.shows_first_frame, "lists_models": spec.lists_models,
            "estimates": spec.estimates,
            "keywords": list(spec.keywords),
            "clip_ports": [[k, list(p)] for k, p in spec.clip_ports],
            "carries_sound": spec.carries_sound,
            # the kinds of model it reads (Node.model_families), so main.py families and Help >
            # Model families import no node module (the text encoder's imports torch)
            "models": spec.model_records()}


def spec_from_json(d: dict, module: str) -> "LazyNodeSpec":
    return LazyNodeSpec(module, id=str(d["id"]), title=d["title"], category=d["category"], help=d["help"],
                        inputs=tuple(In(**p) for p in d["inputs"]),
                        outputs=tuple(Out(**p) for p in d["outputs"]),
                        params=tuple(_param_from_json(p) for p in d["params"]),
                        timing=d["timing"], window=tuple(d["window"]), version=d["version"],
                        legacy_ids=tuple(d["legacy_ids"]), is_output=d["is_output"],
                        cacheable=d["cacheable"], disk_cache=bool(d.get("disk_cache", False)),
                        preflight=bool(d.get("preflight", False)),
                        shows_first_frame=bool(d.get("shows_first_frame", False)),
                        lists_models=bool(d.get("lists_models", False)),
                        estimates=bool(d.get("estimates", False)),
                        keywords=tuple(str(k) for k in d.get("keywords") or () if isinstance(k, str)),
                        clip_ports=tuple((str(k), tuple(str(x) for x in p)) for k, p in d.get("clip_ports") or ()),
                        carries_sound=bool(d.get("carries_sound", False)),
                        models=_records(d.get("models", [])))


def _records(v: Any) -> list[dict]:
    """A node's model records as the manifest holds them: a list of JSON objects, else the manifest
    is rejected."""
    if not isinstance(v, list) or not all(isinstance(r, dict) for r in v):
        raise ValueError("model records are not a list of objects")
    return v


def same_spec(a: NodeSpec, b: NodeSpec) -> bool:
    """Equal in every compared field (the classes may differ: NodeSpec vs LazyNodeSpec)."""
    return all(getattr(a, f.name) == getattr(b, f.name) and type(getattr(a, f.name)) is type(getattr(b, f.name))
               for f in dataclasses.fields(NodeSpec) if f.compare)


class LazyNodeSpec(NodeSpec):
    """A :class:`NodeSpec` read from the manifest: ``cls`` imports the node's module on first use."""

    def __init__(self, module: str | None = None, **fields: Any):  # noqa: D107 - not the dataclass one
        cls = fields.pop("cls", None)  # given by dataclasses.replace(spec, ...): already resolved
        models = fields.pop("models", None)  # the model records the manifest holds (model_records)
        for f in dataclasses.fields(NodeSpec):
            if f.name != "cls":
                object.__setattr__(self, f.name, fields.pop(f.name) if f.name in fields else f.default)
        if fields:
            raise TypeError(f"unknown NodeSpec fields: {', '.join(fields)}")
        object.__setattr__(self, "_module", module if module is not None else cls.__module__)
        object.__setattr__(self, "_cls", cls)
        object.__setattr__(self, "_models", models)

    def model_records(self) -> list[dict]:
        """The records the manifest holds, without importing the node's module."""
        m = self.__dict__["_models"]
        return list(m) if m is not None else super().model_records()

    @property
    def module(self) -> str:
        return self.__dict__["_module"]

    @property
    def loaded(self) -> bool:
        return self.__dict__["_cls"] is not None

    @property
    def cls(self) -> type:  # type: ignore[override]
        c = self.__dict__["_cls"]
        if c is None:
            c = _resolve(self.__dict__["_module"], self.id, self.title)
            object.__setattr__(self, "_cls", c)
        return c

    def __reduce__(self):
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(NodeSpec) if f.name != "cls"}
        return (_rebuild, (self.module, {**d, "models": self.__dict__["_models"]}))


def _rebuild(module: str, d: dict) -> LazyNodeSpec:
    return LazyNodeSpec(module, **d)


def node_classes(module) -> list[type]:
    """The Node classes ``module`` itself declares (with an id)."""
    return [obj for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, Node) and obj is not Node and obj.__dict__.get("id")
            and obj.__module__ == module.__name__]


def _resolve(module: str, node_id: str, title: str) -> type:
    try:
        mod = importlib.import_module(module)
    except Exception as e:  # noqa: BLE001 - said in full, naming the node
        raise NodeLoadError(f"'{title}' ({node_id}): its module {module} could not be imported: "
                            f"{type(e).__name__}: {e}") from e
    for c in node_classes(mod):
        if c.id == node_id:
            return c
    raise NodeLoadError(f"'{title}' ({node_id}) is no longer declared in {module}; restart Studio "
                        "to read the node packages again")


# -- the manifest file -----------------------------------------------------------------------
def read(package: str, roots: list[str], fp: str) -> list[tuple[str, list[LazyNodeSpec] | None]] | None:
    """[(module, specs or None when the module must be imported)] from a manifest matching
    ``fp``, or None (missing, foreign, stale or broken: the caller imports and rewrites)."""
    from .paths import read_own_file
    try:
        raw = read_own_file(manifest_path(package, roots))  # a FIFO, a device or a huge file: rebuilt, not read
        if raw is None:
            return None
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("fingerprint") != fp \
                or data.get("package") != package:
            return None
        out = []
        for m in data["modules"]:
            name = m["module"]
            if not isinstance(name, str) or not (name == package or name.startswith(package + ".")):
                return None
            out.append((name, None if m.get("import") else [spec_from_json(s, name) for s in m["specs"]]))
        return out
    except Exception:  # noqa: BLE001 - anything unreadable is rebuilt, never half-trusted
        return None


def write(package: str, roots: list[str], fp: str, modules: list[tuple[str, list[NodeSpec]]]) -> bool:
    """Write the manifest atomically. A module whose declarations do not survive the trip to
    JSON and back exactly is marked to be imported at start-up instead. False when it could not
    be written (a read-only cache folder: start-up just stays slow)."""
    entries = []
    for name, specs in modules:
        try:
            js = [spec_to_json(s) for s in specs]
            text = json.dumps(js, allow_nan=False)
            back = [spec_from_json(s, name) for s in json.loads(text)]
            ok = len(back) == len(specs) and all(same_spec(a, b) for a, b in zip(specs, back))
        except (ValueError, TypeError, KeyError):
            ok = False
        entries.append({"module": name, "specs": js} if ok else {"module": name, "import": True})
    data = {"format": FORMAT, "package": package, "fingerprint": fp, "modules": entries}
    path = manifest_path(package, roots)
    try:
        from .paths import write_atomic
        write_atomic(path, json.dumps(data, allow_nan=False))
        return True
    except (OSError, ValueError, TypeError):
        return False
