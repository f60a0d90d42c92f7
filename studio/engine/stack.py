"""A call whose frames start at the beginning of a fresh chunk of Python's frame stack.

CPython (3.11 on) keeps a thread's frames on a data stack made of chunks of 16 KiB. A chunk is mapped
(``mmap``) when a frame does not fit in the current one and unmapped as soon as the frame that opened it
returns. Code that calls in and out across a chunk's boundary in a loop maps and unmaps a chunk each time
(CPython issue gh-142183; fixed by keeping one chunk per thread in the 3.13 and 3.14 releases after March
2026, not in 3.11, which Studio runs on). torch's flex attention on the CPU recurses through its pytree
helpers at every attention call, so where a chunk's boundary falls under a pipeline call decides whether a
run pays it: measured on a tiny Wan Animate 2 run on the CPU with two threads, the same call with the same
arguments made 2,880 map/unmap pairs a run from inside Studio's node and none from a script; each unmap
is a TLB shootdown to the core running torch's other thread (0.08 s of system time, twice the preemptions);
the call took 0.61 s against 0.52 s.

Where the boundary falls depends on how deep the caller is (the executor, the node, the window's worker),
not on the model. :func:`fresh_stack` calls ``fn`` from a frame too big for any 16 KiB chunk, so ``fn``'s
frames start in a new chunk with 16 KiB before the next boundary, whatever called it: where a script's
call starts. It costs one chunk's map and unmap per call (about 17 us). Plain Python, no torch.
"""
from __future__ import annotations

from typing import Any, Callable

SLOTS = 2100  # locals of the opening frame: 8 bytes each, over 16 KiB with its header (a chunk's whole size)

# the opening frame: SLOTS locals (never assigned: the branch is never taken, but the names make the frame's
# size), then the call. Built from text once at import: a function with 2,100 named locals written out
_SOURCE = ("def fresh_stack(fn, *args, **kwargs):\n"
           "    if fn is None:\n"
           "        " + " = ".join(f"_{i}" for i in range(SLOTS)) + " = None\n"
           "    return fn(*args, **kwargs)\n")
_NS: dict[str, Any] = {}
exec(compile(_SOURCE, __file__, "exec"), _NS)  # noqa: S102 - this module's own constant text

fresh_stack: Callable[..., Any] = _NS["fresh_stack"]
fresh_stack.__module__ = __name__
fresh_stack.__doc__ = """``fn(*args, **kwargs)``, its frames starting in a chunk of their own (the module's docstring):
the same position under a pipeline call whether it is made by a script, the executor or the window."""
