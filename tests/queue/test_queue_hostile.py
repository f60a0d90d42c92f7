"""A queue folder is untrusted input (issue 101): a job's folder is the user's only under its seal, a
damaged or foreign queue file is set aside whole and the queue goes on empty, the file and its lock are
never read or made through a link or a FIFO, variations are counted before they are made, a list of
every job reads the queue once, and `queue run` says when a job it ran failed."""
from __future__ import annotations

import json
import os
import threading

import pytest

from studio.core.errors import StudioError
from studio.queue.job import DONE, FAILED, Job
from studio.queue.queue import JobQueue

GRAPH = {"format": "studio-graph", "version": 1, "settings": {}, "nodes": [], "links": []}


def _noop(job, executor, cancel, on_event):
    job.say("ran")


def _queue(folder, runner=_noop):
    return JobQueue(str(folder), runner=runner, executor_factory=lambda: None)


def _image_to_video(folder, read: str, write: str) -> str:
    import cv2
    import numpy as np

    from studio.core.fileformat import save_graph
    from studio.core.graph import Graph
    os.makedirs(folder, exist_ok=True)
    cv2.imwrite(os.path.join(folder, "pic.png"), np.full((16, 16, 3), 128, np.uint8))
    g = Graph()
    a, b = g.add_node("io.load_image", {"path": read}), g.add_node("io.save_video", {"path": write})
    g.connect(a.id, "image", b.id, "video")
    path = os.path.join(folder, "g.json")
    save_graph(g, path)
    return path


def test_a_job_edited_to_another_folder_reads_and_writes_nothing_there(tmp_path, monkeypatch):
    """The graph's own folder is the one its user queued it from, sealed: a job edited to name '/' as its
    folder (where `main.py render` of its graph is refused) fails in words, reading and writing nothing,
    and 'again' does not make it the user's; the job left as queued writes beside its graph."""
    from studio.queue.make import job_from_file
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path / "allowed"))
    shot = _image_to_video(tmp_path / "shot", "pic.png", "out.mp4")  # its own folder: allowed for it alone
    _image_to_video(tmp_path / "secret", "pic.png", "out.mp4")  # a folder never allowed
    outside = tmp_path / "outside" / "stolen.mp4"
    hostile = _image_to_video(tmp_path / "proj", str(tmp_path / "secret" / "pic.png"), str(outside))
    q = JobQueue(str(tmp_path / "q"))
    mine, edited = q.add(job_from_file(shot)), q.add(job_from_file(hostile))
    q.close()
    doc = json.loads((tmp_path / "q" / "queue.json").read_text())
    doc["jobs"][1]["base_dir"] = "/"
    (tmp_path / "q" / "queue.json").write_text(json.dumps(doc))
    q = JobQueue(str(tmp_path / "q"))  # another process, as `queue add` then `queue run`
    q.start()
    assert q.wait_idle(60)
    mine, edited = q.get(mine.id), q.get(edited.id)
    assert mine.state == DONE and mine.outputs == [os.path.realpath(tmp_path / "shot" / "out.mp4")], mine.error
    assert edited.state == FAILED and "changed outside Studio" in edited.error and "/" in edited.error
    assert not outside.exists() and not outside.parent.exists()
    with pytest.raises(StudioError, match="changed outside Studio"):
        q.retry(edited.id)
    q.close()


@pytest.mark.parametrize("damage", [
    lambda d: d["jobs"][0].update(log="abc"),
    lambda d: d.update(jobs=[[1]]),
    lambda d: d["jobs"][0].update(number="x"),
    lambda d: d["jobs"][0].update(error=5),
    lambda d: d["jobs"][0].update(started="x"),
    lambda d: d["jobs"][0].update(id=7),
    lambda d: d["jobs"][0].update(graph=[]),
    lambda d: d.update(jobs={"a": 1}),
    lambda d: d.update(format="something-else"),
    lambda d: d["jobs"].append(dict(d["jobs"][0])),  # two jobs of one id
], ids=["log-text", "job-list", "number-text", "error-number", "started-text", "id-number", "graph-list",
        "jobs-object", "foreign", "same-id"])
def test_a_damaged_or_foreign_queue_file_is_set_aside_whole_and_the_queue_goes_on(tmp_path, damage):
    q = _queue(tmp_path / "q")
    q.add(Job(graph=GRAPH, title="first"))
    q.close()
    path = tmp_path / "q" / "queue.json"
    doc = json.loads(path.read_text())
    damage(doc)
    path.write_text(json.dumps(doc))
    before = path.read_bytes()
    q = _queue(tmp_path / "q")
    aside = [f for f in os.listdir(tmp_path / "q") if f.startswith("queue.json.damaged-")]
    assert len(aside) == 1 and (tmp_path / "q" / aside[0]).read_bytes() == before  # whole, as it was
    assert len(q.notes) == 1 and aside[0] in q.notes[0] and "could not be read as a queue" in q.notes[0]
    assert q.jobs() == []
    job = q.add(Job(graph=GRAPH, title="after"))
    q.start()
    assert q.wait_idle(10) and job.state == DONE and job.log == ["ran"]
    q.close()


def test_a_fifo_a_link_to_dev_zero_and_a_huge_file_are_refused_before_it_is_parsed(tmp_path):
    """Before a byte is read (a FIFO, a link, a size over the cap) or before it is parsed (more than 8 million
    objects and lists: 64 MB of '[],' would be 21 million lists, 1.6 GB once parsed; the cap keeps any queue
    file under 0.7 GB)."""
    lists = b"[" * 8_000_001
    cases = {"fifo": lambda p: os.mkfifo(p), "zero": lambda p: os.symlink("/dev/zero", p),
             "huge": lambda p: open(p, "wb").truncate(65_000_000),  # sparse: nothing written
             "lists": lambda p: open(p, "wb").write(lists)}
    for name, make in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        make(str(folder / "queue.json"))
        opened: list = []
        t = threading.Thread(target=lambda f=folder: opened.append(_queue(f)), daemon=True)
        t.start()
        t.join(20)
        assert not t.is_alive() and opened, f"{name}: opening the queue hung"
        q = opened[0]
        assert q.jobs() == [] and len(q.notes) == 1, name
        assert {"fifo": "not a regular file", "zero": "it is a link", "huge": "over the 64 MB",
                "lists": "more than 8,000,000 JSON objects and lists"}[name] in q.notes[0]
        assert not os.path.lexists(folder / "queue.json")  # set aside, as it was
        q.close()


def test_the_lock_and_the_key_are_never_made_through_a_link(tmp_path, monkeypatch):
    folder = tmp_path / "q"
    folder.mkdir()
    os.symlink(tmp_path / "victim", folder / ".lock")
    with pytest.raises(StudioError, match="lock file .* is a link"):
        _queue(folder)
    assert not os.path.lexists(tmp_path / "victim")
    os.unlink(folder / ".lock")
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(config))
    os.symlink(tmp_path / "victim-key", config / "queue.key")
    q = _queue(folder)
    q.add(Job(graph=GRAPH, base_dir=str(tmp_path)))
    assert not os.path.lexists(tmp_path / "victim-key")  # the link replaced by the key itself
    key = config / "queue.key"
    assert not key.is_symlink() and key.stat().st_mode & 0o777 == 0o600
    q.close()


def test_what_the_queue_adds_it_can_read_back(tmp_path):
    q = _queue(tmp_path / "q")
    with pytest.raises(StudioError, match="'seed'"):
        q.add(Job(graph=GRAPH, title="too big", seed=2 ** 64))
    with pytest.raises(StudioError, match="'output_suffix' that names a folder"):
        q.add(Job(graph=GRAPH, output_suffix="/../../x"))
    jobs = q.add_many([Job(graph=GRAPH, title=str(k)) for k in range(3)])
    q.close()
    assert [j.title for j in _queue(tmp_path / "q").jobs()] == [j.title for j in jobs]


def test_variations_are_counted_before_they_are_made():
    """Past MAX_VARIATIONS a seed range or a sweep is refused in words (it was cut to 1,000 unsaid, and
    0-100000000 built the whole range first: 5.7 GB)."""
    from studio.queue.make import parse_variations
    with pytest.raises(StudioError, match="5,001 seeds asked for: one add makes at most 1,000"):
        parse_variations("0-5000")
    with pytest.raises(StudioError, match="100,000,001 seeds"):
        parse_variations("0-100000000")
    with pytest.raises(StudioError, match="1,002 seeds"):
        parse_variations("1-600, 700-1100, 5")
    with pytest.raises(StudioError, match="1,001 values"):
        parse_variations("n3.steps=" + ",".join(str(k) for k in range(1001)))
    with pytest.raises(StudioError, match="too large"):
        parse_variations("9" * 5000)
    assert parse_variations("1-1000")[1][-1] == "1000" and len(parse_variations("1-1000")[1]) == 1000


def test_a_list_of_every_job_reads_the_queue_once(tmp_path, monkeypatch, capsys):
    """`queue list` was quadratic (each job's place and estimate read every job: 30,000 jobs 117 s); now the
    places and the estimates are made in one pass each."""
    from studio.queue import cli
    from studio.queue import queue as qmod
    q = _queue(tmp_path / "q")
    q.add_many([Job(graph=GRAPH, title=str(k)) for k in range(300)])
    calls = {"pending": 0, "kind": 0}
    pending, kind = JobQueue.pending, qmod._kind

    def counted_pending(self):
        calls["pending"] += 1
        return pending(self)

    def counted_kind(job):
        calls["kind"] += 1
        return kind(job)
    monkeypatch.setattr(JobQueue, "pending", counted_pending)
    monkeypatch.setattr(qmod, "_kind", counted_kind)
    for as_json in (False, True):
        assert cli._list(q, type("Args", (), {"json": as_json})()) == 0
    assert calls["pending"] <= 4 and calls["kind"] <= 2 * 300, calls
    assert "#300" in capsys.readouterr().out
    q.close()


def test_queue_run_exits_non_zero_when_a_job_it_ran_failed(tmp_path, monkeypatch, capsys):
    """The job's end was told after `queue run` stopped waiting: a failed job could exit 0 (4 runs in 6).
    The end is told before the queue counts as idle; a slow listener shows it every time."""
    from studio.cli import main
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    graph = tmp_path / "g.json"
    from studio.core.fileformat import save_graph
    from studio.core.graph import Graph
    g = Graph()
    g.add_node("procedural.solid", {"frames": 1})
    save_graph(g, str(graph))
    tell, slow = JobQueue._tell, threading.Event()

    def slow_tell(self, kind, job, event=None):
        if kind == "ended":
            slow.wait(0.3)  # a listener that takes its time (the window's, the server's)
        tell(self, kind, job, event)
    monkeypatch.setattr(JobQueue, "_tell", slow_tell)
    q = ["queue", "--folder", str(tmp_path / "q")]
    assert main([*q, "add", str(graph)]) == 0
    assert main([*q, "run"]) == 1
    out, err = capsys.readouterr()
    assert "failed" in out and "no output that writes a file" in out and "1 of the jobs run did not finish" in err


def test_the_worker_goes_on_when_the_queue_cannot_be_saved(tmp_path, monkeypatch):
    q = _queue(tmp_path / "q")
    a, b = q.add(Job(graph=GRAPH, title="a")), q.add(Job(graph=GRAPH, title="b"))
    save, failures = q.store.save, [0]

    def full_disk(jobs, paused=False, limit=None):
        if failures[0] < 2:
            failures[0] += 1
            raise OSError(28, "No space left on device")
        save(jobs, paused, limit)
    monkeypatch.setattr(q.store, "save", full_disk)
    q.start()
    assert q.wait_idle(10) and (a.state, b.state) == (DONE, DONE)
    assert "the queue could not be saved" in a.log[0] and "the disk is full" in a.log[0]
    q.close()


def test_outputs_named_by_an_edited_file_are_not_kept(tmp_path):
    """The window opens a job's outputs with the system's handler: a list of them edited in the file (a
    script, /etc/passwd) is dropped and said; the list a run wrote is kept from session to session."""
    def writes(job, executor, cancel, on_event):
        job.outputs.append(str(tmp_path / f"{job.title}.mp4"))
        job.node_outputs["n1"] = list(job.outputs)
    q = _queue(tmp_path / "q", writes)
    kept, edited = q.add(Job(graph=GRAPH, title="kept")), q.add(Job(graph=GRAPH, title="edited"))
    q.start()
    assert q.wait_idle(10)
    q.close()
    path = tmp_path / "q" / "queue.json"
    doc = json.loads(path.read_text())
    doc["jobs"][1]["outputs"] = doc["jobs"][1]["node_outputs"]["n1"] = ["/etc/passwd"]
    path.write_text(json.dumps(doc))
    q = _queue(tmp_path / "q")
    kept, edited = q.get(kept.id), q.get(edited.id)
    assert kept.outputs == [str(tmp_path / "kept.mp4")] and kept.node_outputs == {"n1": kept.outputs}
    assert edited.outputs == [] and edited.node_outputs == {} and "changed outside Studio" in edited.log[-1]
    q.close()
