"""Methods of a pipeline's objects wrapped for one ``with`` block and put back however it ends, so a cached
pipeline is left as it was: the base of a sampling mode that works by wrapping a diffusers pipeline's own calls
(Time-to-Move's scheduler steps, SVI 2.0 Pro's and the motion amplitude's image conditions). A subclass names its
wraps in :meth:`Wrapped.wraps`. Stdlib only."""
from __future__ import annotations

from typing import Any, Callable, Iterable


class Wrapped:
    """A block whose entry replaces each (object, name) of :meth:`wraps` by ``make(its current value)`` and whose
    exit puts every one back (an attribute the object did not hold itself deleted again, its class's kept)."""

    def __init__(self) -> None:
        self._saved: list = []

    def wraps(self) -> Iterable[tuple[Any, str, Callable]]:
        """(object, attribute name, make) for each call this block wraps, in order."""
        return ()

    def wrap(self, obj, name: str, make: Callable) -> None:
        """``obj``'s ``name`` replaced by ``make(its current value)`` until the block ends."""
        self._saved.append((obj, name, name in vars(obj), vars(obj).get(name)))
        setattr(obj, name, make(getattr(obj, name)))

    def __enter__(self):
        for obj, name, make in self.wraps():
            self.wrap(obj, name, make)
        return self

    def __exit__(self, *exc):
        for obj, name, own, value in reversed(self._saved):
            if own:
                setattr(obj, name, value)
            else:
                delattr(obj, name)
        self._saved = []
        return False
