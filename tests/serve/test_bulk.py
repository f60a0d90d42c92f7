"""Many queue changes of one request written once (studio/serve/bulk.py): ComfyUI's clear of 500
waiting prompts was 500 rewrites of the queue's file (34 s on the event loop)."""
from __future__ import annotations

from studio.queue.job import CANCELLED, Job
from studio.queue.queue import JobQueue
from studio.serve.bulk import one_write


def test_a_clear_of_many_jobs_writes_the_queue_once_and_keeps_every_change(tmp_path, monkeypatch):
    from studio.queue.store import JobStore
    q = JobQueue(str(tmp_path / "queue"))
    jobs = [q.add(Job(graph={"nodes": []}, title=f"j{k}")) for k in range(50)]
    writes = []
    real = JobStore.save
    monkeypatch.setattr(JobStore, "save", lambda self, *a, **k: (writes.append(1), real(self, *a, **k)))
    with one_write(q):
        for j in jobs[:40]:
            q.cancel(j.id)
        for j in jobs[:10]:
            q.remove(j.id)
    assert len(writes) == 1
    q.add(Job(graph={"nodes": []}))  # the queue's own save again after
    assert len(writes) == 2
    q.close()
    again = JobQueue(str(tmp_path / "queue"))  # what the file kept
    try:
        kept = {j.id: j.state for j in again.jobs()}
        assert len(kept) == 41 and all(kept[j.id] == CANCELLED for j in jobs[10:40])
        assert all(j.id not in kept for j in jobs[:10])
    finally:
        again.close()


def test_a_queue_without_a_store_is_changed_as_before():
    class Plain:
        def __init__(self):
            self.done = []
    q = Plain()
    with one_write(q):
        q.done.append(1)
    assert q.done == [1]
