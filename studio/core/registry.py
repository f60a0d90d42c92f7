"""Node registry: discovers node classes in the ``nodes`` package (and any extra folders)
without listing them by hand, and resolves legacy identifiers."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import traceback
from typing import Iterable

from .errors import UnknownNodeTypeError
from .spec import Node, NodeSpec


class Registry:
    def __init__(self):
        self._specs: dict[str, NodeSpec] = {}
        self._legacy: dict[str, str] = {}
        self.load_errors: list[tuple[str, str]] = []  # (module, one-line cause)

    def register(self, cls_or_spec) -> NodeSpec:
        spec = cls_or_spec if isinstance(cls_or_spec, NodeSpec) else cls_or_spec.spec()
        if spec.id in self._specs and self._specs[spec.id].cls is not spec.cls:
            raise ValueError(f"node id '{spec.id}' is declared twice "
                             f"({self._specs[spec.id].cls} and {spec.cls})")
        self._specs[spec.id] = spec
        for old in spec.legacy_ids:
            self._legacy[old] = spec.id
        return spec

    def resolve(self, type_id: str) -> str | None:
        if type_id in self._specs:
            return type_id
        return self._legacy.get(type_id)

    def get(self, type_id: str, node_id: str | None = None) -> NodeSpec:
        rid = self.resolve(type_id)
        if rid is None:
            raise UnknownNodeTypeError(type_id, node_id)
        return self._specs[rid]

    def __contains__(self, type_id: str) -> bool:
        return self.resolve(type_id) is not None

    def specs(self) -> list[NodeSpec]:
        return sorted(self._specs.values(), key=lambda s: (s.category, s.title))

    def categories(self) -> dict[str, list[NodeSpec]]:
        out: dict[str, list[NodeSpec]] = {}
        for s in self.specs():
            out.setdefault(s.category, []).append(s)
        return out

    def register_module(self, module) -> int:
        n = 0
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Node) and obj is not Node and obj.__dict__.get("id") \
                    and obj.__module__ == module.__name__:
                self.register(obj)
                n += 1
        return n

    def discover(self, package: str = "nodes") -> int:
        """Import every module under ``package`` and register its Node classes.

        A module that fails to import is recorded in ``load_errors`` and skipped: one broken
        node package must not take the studio down."""
        try:
            pkg = importlib.import_module(package)
        except Exception as e:  # noqa: BLE001
            self.load_errors.append((package, f"{type(e).__name__}: {e}"))
            return 0
        n = self.register_module(pkg)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + ".",
                                          onerror=lambda name: self.load_errors.append((name, "import failed"))):
            try:
                mod = importlib.import_module(info.name)
            except Exception as e:  # noqa: BLE001
                self.load_errors.append((info.name, f"{type(e).__name__}: {e}"))
                traceback.print_exc()
                continue
            n += self.register_module(mod)
        return n


_default: Registry | None = None


def default_registry() -> Registry:
    """The registry of every node in the ``nodes`` package (built on first use)."""
    global _default
    if _default is None:
        r = Registry()
        from . import builtin_nodes
        r.register_module(builtin_nodes)
        r.discover("nodes")
        _default = r
    return _default


def register_all(classes: Iterable[type]) -> None:
    r = default_registry()
    for c in classes:
        r.register(c)
