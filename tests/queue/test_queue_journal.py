"""A job added to a long queue is one line appended to the queue's journal (issue 113: adding was a
whole write of the queue, quadratic to fill), read back after the queue file; the next whole write
empties it; a line cut by a kill is left out and said."""
from __future__ import annotations

import os

from studio.queue import store
from studio.queue.job import QUEUED, Job
from studio.queue.queue import JobQueue

GRAPH = {"format": "studio-graph", "version": 1, "settings": {}, "nodes": [], "links": []}


def _queue(path):
    return JobQueue(str(path), runner=lambda *a, **k: None, executor_factory=lambda: None)


def test_adds_past_the_threshold_are_journaled_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "JOURNAL_FROM", 0)
    q = _queue(tmp_path / "q")
    q.set_paused(True)  # written whole: the queue file exists
    size = os.path.getsize(tmp_path / "q" / store.FILE)
    for k in range(5):
        q.add(Job(graph=dict(GRAPH), title=f"j{k}"))
    assert os.path.getsize(tmp_path / "q" / store.FILE) == size  # the file itself untouched by the adds
    with open(tmp_path / "q" / store.JOURNAL, "rb") as f:
        assert f.read().count(b"\n") == 5
    ids = [j.id for j in q.jobs()]
    q.close()
    with open(tmp_path / "q" / store.JOURNAL, "ab") as f:
        f.write(b'{"id": "cut while writ')  # a kill while a line was written: never acknowledged
    q2 = _queue(tmp_path / "q")
    assert [j.id for j in q2.jobs()] == ids and all(j.state == QUEUED for j in q2.jobs()) and q2.paused
    assert any("being added when Studio stopped" in n for n in q2.notes)
    q2.move(ids[-1], 0)  # any other change: written whole, the journal emptied
    assert not os.path.exists(tmp_path / "q" / store.JOURNAL)
    q2.close()
    q3 = _queue(tmp_path / "q")
    assert [j.id for j in q3.jobs()] == [ids[-1]] + ids[:-1] and q3.notes == []
    q3.close()


def test_a_journal_left_beside_a_whole_write_adds_no_job_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "JOURNAL_FROM", 0)
    q = _queue(tmp_path / "q")
    q.set_paused(True)
    q.add(Job(graph=dict(GRAPH), title="a"))
    with open(tmp_path / "q" / store.JOURNAL, "rb") as f:
        line = f.read()
    q.set_paused(True)  # written whole (the job in the file), the journal removed...
    q.close()
    with open(tmp_path / "q" / store.JOURNAL, "wb") as f:
        f.write(line)  # ...as if the process died before it removed it
    q2 = _queue(tmp_path / "q")
    assert [j.title for j in q2.jobs()] == ["a"]
    q2.close()
