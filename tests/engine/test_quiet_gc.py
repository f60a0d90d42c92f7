"""A library imported beside the GUI thread sets off no full garbage collection (studio/engine/quiet_gc.py):
diffusers' import made five, each holding the GIL 160-300 ms, and the window stood still at the first F5."""
from __future__ import annotations

import gc
import sys
import threading

from studio.engine.quiet_gc import imports_quietly


def _collections(fn) -> list[int]:
    seen: list[int] = []

    def cb(phase, info):
        if phase == "start":
            seen.append(info["generation"])
    gc.callbacks.append(cb)
    try:
        fn()
    finally:
        gc.callbacks.remove(cb)
    return seen


def _import_like(n: int = 200_000) -> list:
    """What an import leaves: many small containers alive (modules' tables, classes, functions)."""
    return [[k] for k in range(n)]


def test_no_collection_inside_and_what_it_made_frozen_after(tmp_path, monkeypatch):
    assert gc.isenabled()
    assert _collections(_import_like)  # outside: so many new containers set off collections
    kept: list = []
    before = gc.get_freeze_count()
    (tmp_path / "quiet_gc_stand_in_lib.py").write_text("TABLE = [[k] for k in range(200_000)]\n")  # a library's tables
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "quiet_gc_stand_in_lib", raising=False)

    def work():
        with imports_quietly():
            assert not gc.isenabled()
            import quiet_gc_stand_in_lib
            kept.append(quiet_gc_stand_in_lib)
    try:
        seen = _collections(lambda: (t := threading.Thread(target=work), t.start(), t.join()))
        assert seen == []  # none while the 'import' ran on its thread
        assert gc.isenabled()
        assert gc.get_freeze_count() - before >= 200_000  # later full passes skip them
    finally:
        gc.unfreeze()


def test_a_block_that_imports_nothing_freezes_nothing():
    before = gc.get_freeze_count()
    with imports_quietly():
        kept = _import_like(10_000)
    # frozen objects from earlier tests may die meanwhile (the count then falls); a freeze would add the 10,000
    assert gc.get_freeze_count() <= before and gc.isenabled() and kept


def test_nested_and_concurrent_blocks_share_one_pause():
    inside, leave = threading.Event(), threading.Event()

    def other():
        with imports_quietly():
            inside.set()
            leave.wait(5)
    t = threading.Thread(target=other)
    try:
        t.start()
        assert inside.wait(5)
        with imports_quietly():
            with imports_quietly():
                pass
            assert not gc.isenabled()
        assert not gc.isenabled()  # the other thread's block still open
        leave.set()
        t.join(5)
        assert gc.isenabled()
    finally:
        leave.set()
        gc.unfreeze()


def test_a_collector_switched_off_stays_off():
    gc.disable()
    try:
        with imports_quietly():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
