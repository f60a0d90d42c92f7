"""The families' ComfyUI mappings (api.ComfyMapping), found as studio.core.registry finds node
packages: each sub-package of a package in ``PACKAGES`` that holds a ``comfy`` module is imported by
its name (a string, so the converter never imports ``nodes``, which sits above it) and its
``MAPPING`` registered. The lookups the generic converter asks (which mapping knows this node type,
the hooks of a generator) are made once from the registered mappings.

Stdlib only (and families.hooks, the hook points, stdlib too): nothing else of the converter is imported here,
so every converter module may ask it."""
from __future__ import annotations

import functools
import importlib
import importlib.util
import pkgutil
from typing import Any

from . import hooks
from .hooks import hook

# where the mappings are found (a setting: tests point it elsewhere, then call reset())
PACKAGES: tuple[str, ...] = ("nodes.video_models.families", "nodes.finishing", "nodes.portrait")
MODULE = "comfy"  # the module of a family's folder that holds its MAPPING
# single modules whose MAPPING is registered too, after the packages' (the models Studio does not run)
MODULES: tuple[str, ...] = ("nodes.video_models.catalog.comfy_not_read",
                            "nodes.video_models.base.comfy_samplers")  # (every family's samplers: no node type)

_registered: dict[str, Any] = {}
_discovered = False
_derived: list[Any] = []  # other modules' caches made from the mappings (derived()): cleared whenever they change


def register(mapping: Any) -> Any:
    """Add one family's mapping; a node type another family already declares, or a hook that is no hook
    point (hooks.HOOKS), is refused (ValueError)."""
    if hooks.unknown(mapping):
        raise ValueError(f"{mapping.key}'s ComfyUI mapping names hooks that are no hook point: "
                         f"{', '.join(hooks.unknown(mapping))} (studio/convert/families/hooks.py lists them)")
    mine = node_types(mapping)
    for key, other in _registered.items():
        if key != mapping.key and mine & node_types(other):
            raise ValueError(f"ComfyUI node types declared by two families ({key}, {mapping.key}): "
                             f"{', '.join(sorted(mine & node_types(other)))}")
    _registered[mapping.key] = mapping
    _changed()
    return mapping


def derived(cached: Any) -> Any:
    """Mark a cache (a functools.lru_cache'd function) another module makes from the mappings: cleared with this
    module's lookups whenever a mapping is registered or all are forgotten, so that no answer outlives the mappings it
    was made from (a test's planted family, a reset to another package: the next conversion reads the mappings of now,
    not those of an earlier question)."""
    _derived.append(cached)
    return cached


def _changed() -> None:
    _lookups.cache_clear()
    for cached in _derived:
        cached.cache_clear()


def node_types(mapping: Any) -> set[str]:
    """Every ComfyUI node type a mapping declares as its family's."""
    return (set(mapping.tasks) | set(mapping.empty) | set(mapping.widgets) | set(mapping.passing)
            | set(mapping.folded) | set(mapping.prompt_nodes) | set(mapping.guiders) | hooks.declared(mapping)
            | {c.rstrip("*") for c in mapping.claims})


def discover(packages: tuple[str, ...] | None = None, modules: tuple[str, ...] | None = None) -> int:
    """Import each ``<package>.<sub>.comfy`` there is, then each of ``modules``, and register its MAPPING;
    how many were found."""
    names = []
    for package in PACKAGES if packages is None else packages:
        try:
            pkg = importlib.import_module(package)
        except ImportError:
            continue
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            name = f"{package}.{info.name}.{MODULE}"
            if info.ispkg and importlib.util.find_spec(name) is not None:
                names.append(name)
    for name in MODULES if modules is None else modules:
        try:
            if importlib.util.find_spec(name) is not None:
                names.append(name)
        except ImportError:  # its package is not there
            continue
    found = 0
    for name in names:
        mapping = getattr(importlib.import_module(name), "MAPPING", None)
        if mapping is not None:
            register(mapping)
            found += 1
    return found


def mappings() -> list[Any]:
    """The registered mappings (discovered the first time it is asked)."""
    global _discovered
    if not _discovered:
        _discovered = True
        discover()
    return list(_registered.values())


def reset() -> None:
    """Forget every mapping: the next question discovers them again (from ``PACKAGES`` and ``MODULES``)."""
    global _discovered
    _registered.clear()
    _discovered = False
    _changed()


@functools.lru_cache(maxsize=1)
def _lookups() -> dict[str, Any]:
    ms = mappings()
    files = [(part, title) for m in ms for part, title in m.files]
    return {
        **hooks.gathered(ms),  # each hook point's hooks, gathered (under the point's name)
        "tasks": {cls: t for m in ms for cls, t in m.tasks.items()},
        "generators": {g.id: g for m in ms for g in m.generators},
        "empty": tuple(c for m in ms for c in m.empty),
        "files": tuple(sorted(files, key=lambda f: -len(f[0]))),  # the most specific name first
        "voices": tuple(v for m in ms for v in m.voices),
        "widgets": {cls: w for m in ms for cls, w in m.widgets.items()},
        "claims": tuple((m.claims, m.claimed) for m in ms if m.claims),
        "passing": {cls: p for m in ms for cls, p in m.passing.items()},
        "folded": tuple(c for m in ms for c in m.folded),
        "text_types": tuple(t for m in ms for t in m.text_types),
        "dual_types": tuple(t for m in ms for t in m.dual_types),
        "by_title": {**{m.title: m for m in ms if m.title},  # (its tasks' families first: a title they name)
                     **{t.family: m for m in ms for t in (*m.tasks.values(), m.claimed) if t is not None and t.family}},
        "guiders": {cls: g for m in ms for cls, g in m.guiders.items()},
        "prompt_nodes": {cls: k for m in ms for cls, k in m.prompt_nodes.items()},
        "pack_nodes": {cls: r for m in ms for cls, r in m.pack_nodes.items()},
        # the titles of the families whose text encoder, VAE... Load Video Model reads as separate files, by rank
        "separate": tuple(m.title for m in sorted(ms, key=lambda m: m.rank)
                          if m.text_types or hook(m, "text_loaders") or m.dual_types),
        "declared": frozenset().union(*(node_types(m) for m in ms)),
    }


def lookup(what: str) -> Any:
    """One of the lookups made from every mapping: 'tasks' (node type -> Task), 'generators' (type id ->
    Generator), 'empty', 'files', 'voices', 'widgets', 'claims', 'passing', 'folded', 'text_types', 'dual_types',
    'by_title' (a family's title -> its mapping), 'prompt_nodes', 'pack_nodes', 'separate' (the titles of the
    families whose separate part files Load Video Model reads, by rank), and each hook point's hooks gathered
    under its name ('latent_steps', 'whole', 'experts'...: hooks.HOOKS)."""
    return _lookups()[what]


def family_hook(title: str | None, name: str) -> Any:
    """The hook ``name`` of the family titled ``title`` (the hook point's default where it declares none)."""
    m = _lookups()["by_title"].get(title)
    return hook(m, name) if m is not None else hooks.HOOKS[name].default


def titled(title: str | None) -> Any:
    """The mapping of family ``title``: by its title or a task's family, else a title a mapping gives by its model
    file's name ('Wan 2.1'); None where none."""
    m = _lookups()["by_title"].get(title)
    return m if m is not None else next((m for m in mappings() if any(t == title for _, t in m.files)), None)


def declared() -> frozenset:
    """Every node type a mapping declares (a family reads it)."""
    return _lookups()["declared"]


def generator(type_id: str) -> Any:
    """The hooks a family declares for its generator ``type_id`` (None: none)."""
    return _lookups()["generators"].get(type_id)


def claimed(up: list) -> Any:
    """The Task of the family whose marks (node types, or prefixes ending in '*') are upstream, else None."""
    for marks, task in _lookups()["claims"]:
        for n in up:
            if any(n.cls.startswith(c[:-1]) if c.endswith("*") else n.cls == c for c in marks):
                return task
    return None
