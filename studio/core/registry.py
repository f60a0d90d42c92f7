"""Node registry: discovers node classes in the ``nodes`` package (and any extra folders)
without listing them by hand, and resolves legacy identifiers."""
from __future__ import annotations

import importlib
import pkgutil
import traceback

from . import manifest
from .errors import UnknownNodeTypeError
from .manifest import node_classes
from .spec import NodeSpec


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

    def model_families(self) -> list[dict]:
        """Every kind of model the registered nodes read (each node's ``model_families``), once
        each: video models first, then the others by kind, each kind in its nodes' own order."""
        seen, out = set(), []
        for spec in self.specs():
            for r in spec.model_records():  # from the manifest: no node module imported
                key = (r.get("kind"), r.get("family"))
                if key not in seen:
                    seen.add(key)
                    out.append(r)
        kinds = list(dict.fromkeys(r.get("kind") for r in out))
        return sorted(out, key=lambda r: (r.get("kind") != "video model", kinds.index(r.get("kind"))))

    def categories(self) -> dict[str, list[NodeSpec]]:
        out: dict[str, list[NodeSpec]] = {}
        for s in self.specs():
            out.setdefault(s.category, []).append(s)
        return out

    def register_module(self, module) -> int:
        return len(self._register_module(module))

    def _register_module(self, module) -> list[NodeSpec]:
        return [self.register(c) for c in node_classes(module)]

    def discover(self, package: str = "nodes", use_manifest: bool = False) -> int:
        """Import every module under ``package`` and register its Node classes.

        A module that fails to import is recorded in ``load_errors`` and skipped: one broken
        node package must not take the studio down.

        With ``use_manifest``, the declarations come from the node manifest cache
        (:mod:`studio.core.manifest`) when it matches the package's files, and no module is
        imported until a node's class is needed; on a miss every module is imported as
        without it and the manifest is rewritten (not when a module failed to import, so the
        failure is reported again at the next start)."""
        roots = manifest.package_roots(package) if use_manifest else None
        fp = manifest.fingerprint(package, roots) if roots else None
        if fp is not None:
            cached = manifest.read(package, roots, fp)
            if cached is not None:
                return self._register_cached(cached)
        n_errors = len(self.load_errors)
        modules: list[tuple[str, list[NodeSpec]]] = []
        try:
            pkg = importlib.import_module(package)
        except Exception as e:  # noqa: BLE001
            self.load_errors.append((package, f"{type(e).__name__}: {e}"))
            return 0
        modules.append((pkg.__name__, self._register_module(pkg)))
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + ".",
                                          onerror=lambda name: self.load_errors.append((name, "import failed"))):
            try:
                mod = importlib.import_module(info.name)
            except Exception as e:  # noqa: BLE001
                self.load_errors.append((info.name, f"{type(e).__name__}: {e}"))
                traceback.print_exc()
                continue
            modules.append((info.name, self._register_module(mod)))
        if fp is not None and len(self.load_errors) == n_errors:
            manifest.write(package, roots, fp, [(m, s) for m, s in modules if s])
        return sum(len(s) for _, s in modules)

    def _register_cached(self, cached) -> int:
        n = 0
        for name, specs in cached:
            if specs is None:  # declarations that do not fit the manifest: imported as before
                try:
                    n += self.register_module(importlib.import_module(name))
                except Exception as e:  # noqa: BLE001
                    self.load_errors.append((name, f"{type(e).__name__}: {e}"))
                    traceback.print_exc()
                continue
            for spec in specs:
                if spec.id in self._specs:  # never import a module just to compare classes
                    raise ValueError(f"node id '{spec.id}' is declared twice")
                self._specs[spec.id] = spec
                for old in spec.legacy_ids:
                    self._legacy[old] = spec.id
                n += 1
        return n


_default: Registry | None = None


def default_registry() -> Registry:
    """The registry of every node in the ``nodes`` package (built on first use)."""
    global _default
    if _default is None:
        r = Registry()
        from . import builtin_nodes
        r.register_module(builtin_nodes)
        r.discover("nodes", use_manifest=True)
        _default = r
    return _default
