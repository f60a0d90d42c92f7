"""Library imports on a thread beside the GUI's without the garbage collector's full passes.

Importing diffusers (transformers, accelerate, peft, sympy: millions of new objects) set off five full
collections of the cyclic garbage collector, each scanning every object of the process while holding the GIL:
the GUI thread stood still 160-300 ms five times at the first F5 on tiny models (730 ms on a loaded machine;
benchmarks/gui_stalls_run.py), though the import ran on the run's thread. Inside :func:`imports_quietly` the
automatic collections wait (objects still go when their last reference does); at its end the objects alive then
(the libraries' modules, classes and tables, there for the life of the process) are moved to the collector's
permanent generation (``gc.freeze``), so later full passes no longer scan them, and the collector is on again.
A cycle of garbage alive at that moment is kept too: a block for imports, not for work that makes big data; a block
that imported no module freezes nothing (the next window's warm-up: the earlier windows' garbage still goes).
Nested and concurrent blocks (the window's warm-up and a run's first load) share one pause.
"""
from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_on = False
_modules = 0  # modules loaded when the outermost block began


@contextmanager
def imports_quietly() -> Iterator[None]:
    """Automatic garbage collection paused for the block; what is alive at its end frozen (see the module)."""
    global _depth, _was_on, _modules
    with _lock:
        if _depth == 0:
            _was_on, _modules = gc.isenabled(), len(sys.modules)
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if len(sys.modules) > _modules:  # libraries came in: freeze them (a block that imported nothing,
                    gc.freeze()  # a window's warm-up after the first, leaves the objects alive then to the collector)
                if _was_on:
                    gc.enable()
