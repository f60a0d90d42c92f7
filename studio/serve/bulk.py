"""Many changes to the queue written once: ComfyUI's clients clear 500 waiting prompts or 1,000 of
history in one request, and the queue writes its whole file at every change (studio.queue.store:
500 cancels were 500 rewrites of a growing file with a flush to the disk each, 34 s). Inside
``one_write(queue)`` the queue's lock is held (the worker starts no job halfway through) and its
writes are held back; the file is written once at the end, whatever happened inside.

Until JobQueue has changes in bulk of its own this reaches its lock and its save, both private; a
queue without them is changed one write a change, as before (slower, never wrong)."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def one_write(queue):
    lock, save = getattr(queue, "_lock", None), getattr(queue, "_save", None)
    if lock is None or not callable(save) or "_save" in vars(queue):
        yield
        return
    with lock:
        queue._save = _held
        try:
            yield
        finally:
            del queue._save  # the class's own again
            queue._save()


def _held() -> None:
    """The queue's save while changes are gathered (written once by one_write)."""
