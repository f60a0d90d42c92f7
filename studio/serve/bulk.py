"""Many changes to the queue written once: ComfyUI's clients clear 500 waiting prompts or 1,000 of
history in one request, and the queue writes its whole file at every change (studio.queue.store:
500 cancels were 500 rewrites of a growing file with a flush to the disk each, 34 s). Inside
``one_write(queue)`` the queue's store holds its writes back; at the end the queue is written once,
under its own lock, as it is then (a change the worker made meanwhile included).

Until JobQueue has changes in bulk of its own, this swaps its store's ``save`` for the time of the
changes (one bulk change at a time) and writes through ``set_paused`` (the queue's own save)."""
from __future__ import annotations

import threading
from contextlib import contextmanager

_ONE_AT_A_TIME = threading.Lock()


@contextmanager
def one_write(queue):
    store = getattr(queue, "store", None)
    if store is None or not callable(getattr(store, "save", None)):  # another queue: a write a change
        yield
        return
    with _ONE_AT_A_TIME:
        store.save = _held
        try:
            yield
        finally:
            del store.save  # the store's own again
            queue.set_paused(queue.paused)  # one write of the whole queue, under its lock


def _held(*_args, **_kwargs) -> None:
    """The store's save while changes are gathered (written once by one_write)."""
