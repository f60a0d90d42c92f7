"""Invented node types planted in the catalogue for one test (a fixture's body): the catalogue's data as loaded, plus
``made`` (type name -> declaration as the data file holds it), with the caches built from it cleared on the way in
and out, so a test reads a type no pack declares without touching the data file or other tests."""
from __future__ import annotations

from collections.abc import Iterator

from studio.convert import catalogue
from studio.convert.catalogue import types as catalogue_types
from studio.convert.families import registry


def _cleared() -> None:
    catalogue.node_type.cache_clear()
    registry._changed()  # (the twins' caches, made from the catalogue)


def plant(monkeypatch, made: dict) -> Iterator[None]:
    """``yield from plant(monkeypatch, made)`` in a fixture: ``made`` is in the catalogue until the test ends."""
    types, packs = catalogue_types._load()
    monkeypatch.setattr(catalogue_types, "_load", lambda path=None: ({**types, **made}, packs))
    _cleared()
    yield
    monkeypatch.undo()
    _cleared()
