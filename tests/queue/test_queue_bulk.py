"""Many queue changes of one request written once (JobQueue.cancel_many, remove_many): ComfyUI's clients clear
500 waiting prompts or 1,000 of history in one request, which was 500 rewrites of the queue's file (34 s on the
server's event loop)."""
from __future__ import annotations

from studio.queue.job import CANCELLED, Job
from studio.queue.queue import JobQueue


def test_a_clear_of_many_jobs_writes_the_queue_once_and_keeps_every_change(tmp_path, monkeypatch):
    from studio.queue.store import JobStore
    q = JobQueue(str(tmp_path / "queue"))
    jobs = [q.add(Job(graph={"nodes": []}, title=f"j{k}")) for k in range(50)]
    writes, told = [], []
    real = JobStore.save
    monkeypatch.setattr(JobStore, "save", lambda self, *a, **k: (writes.append(1), real(self, *a, **k)))
    q.listen(lambda kind, job, _e: told.append((kind, job.id)))
    assert q.cancel_many([j.id for j in jobs[:40]] + ["no-such-job"]) == 40
    assert len(writes) == 1 and len(told) == 40  # every change told, the file written once
    assert q.remove_many([j.id for j in jobs[:10]] + [jobs[45].id]) == sorted(j.id for j in jobs[:10])
    assert len(writes) == 2  # a waiting job (jobs[45]) is not forgotten
    q.close()
    again = JobQueue(str(tmp_path / "queue"))  # what the file kept
    try:
        kept = {j.id: j.state for j in again.jobs()}
        assert len(kept) == 40 and all(kept[j.id] == CANCELLED for j in jobs[10:40])
        assert all(j.id not in kept for j in jobs[:10])
    finally:
        again.close()



def test_the_snapshot_holds_a_starting_job_in_one_of_its_lists(tmp_path):
    """/queue's two lists come from one read under the queue's lock (JobQueue.snapshot): a job starting while another
    thread polls is, in every snapshot, waiting or running until it ends (read one after the other, it had been in
    neither once in a whole-suite run, and ComfyUI's API proxy took it for gone: 'expired')."""
    import threading

    started, release = threading.Event(), threading.Event()

    def runner(job, executor, cancel, on_event):
        started.set()
        release.wait(10)
    q = JobQueue(str(tmp_path / "queue"), runner=runner, executor_factory=lambda: None)
    job = q.add(Job(graph={"nodes": []}, title="j"))
    seen, stop = [], threading.Event()

    def poll():
        while not stop.is_set():
            run, waiting = q.snapshot()
            seen.append((run is not None and run.id == job.id) or any(j.id == job.id for j in waiting))
    t = threading.Thread(target=poll)
    t.start()
    q.start()
    try:
        assert started.wait(10)
        stop.set()
        t.join(10)
        assert seen and all(seen)  # before and while it runs: in one list or the other, every time
        run, waiting = q.snapshot()
        assert run is job and waiting == []
    finally:
        release.set()
        stop.set()
        q.close()
