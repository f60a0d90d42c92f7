"""fresh_stack (studio/engine/stack.py): a call's frames start in a chunk of Python's frame stack of their own,
so a loop of calls under it never maps and unmaps a chunk at a boundary, however deep its caller is."""
from __future__ import annotations

import resource
import sys

import pytest

from studio.engine.stack import fresh_stack

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or sys.version_info < (3, 11),
                                reason="the chunked frame stack of CPython 3.11+, its page faults counted on Linux")


def _pad(k: int, fn):
    """``fn()`` called ``k`` small frames deeper."""
    return fn() if k <= 0 else _pad(k - 1, fn)


def _leaf(a=0, b=0, c=0, d=0, e=0, f=0, g=0, h=0):  # a frame of some size, called in a loop
    x1 = x2 = x3 = x4 = x5 = x6 = x7 = x8 = a  # noqa: F841
    return b


def _loop(n: int = 300) -> int:
    """Page faults of ``n`` calls of a leaf function: one or more a call when each maps a chunk."""
    r0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(n):
        _leaf()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0


def _worst(depths, through) -> int:
    return max(_pad(k, lambda: through(lambda: _pad(8, _loop))) for k in depths)


def test_a_loop_under_fresh_stack_maps_no_chunk_from_any_caller_depth():
    depths = range(0, 200)  # over a whole 16 KiB chunk of callers' frames, one small frame at a time
    assert fresh_stack(lambda a, b=0: a + b, 1, b=2) == 3
    assert _worst(depths, fresh_stack) < 30  # a chunk mapped a call would be 300 and more
    if sys.version_info < (3, 13):  # unfixed here (gh-142183): some caller depth puts a boundary in the loop
        assert _worst(depths, lambda fn: fn()) >= 300


def test_an_error_inside_comes_out_as_it_is():
    def boom():
        raise KeyError("inside")
    with pytest.raises(KeyError, match="inside"):
        fresh_stack(boom)
