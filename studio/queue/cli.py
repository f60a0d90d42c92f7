"""`main.py queue`: the job queue from the command line. `add` puts graphs or ComfyUI workflows in
(with --set, --seed, and --vary for N variations), `list` shows them, `run` runs the queued jobs
(until none is left) and says what each wrote; `cancel`, `move`, `again`, `pause`, `resume`.
The queue is the window's own (its data folder's 'queue') unless --folder says another; while a
window or a server holds it, the command says so."""
from __future__ import annotations

import json
import os
import sys

from studio.core.errors import StudioError

from .job import ENDED


def default_folder() -> str:
    """The window's queue: its data folder ($STUDIO_DATA_DIR, else the user's data folder)'s 'queue'."""
    from studio.core.paths import user_dir
    return os.path.join(os.environ.get("STUDIO_DATA_DIR") or user_dir("data", "Studio", "Studio"), "queue")


def add_command(sub) -> None:
    q = sub.add_parser("queue", help="the job queue: add graphs or ComfyUI workflows (and variations), list, run, "
                                     "cancel, move, pause")
    q.add_argument("--folder", default=None, help="the queue's folder (default: the window's)")
    qs = q.add_subparsers(dest="queue_cmd", required=True)
    a = qs.add_parser("add", help="queue graph files or ComfyUI workflows (API or UI JSON)")
    a.add_argument("graphs", nargs="+")
    a.add_argument("--set", action="append", metavar="NODE.PARAM=VALUE", help="override a parameter")
    a.add_argument("--seed", type=int)
    a.add_argument("--vary", metavar="SEEDS|NODE.PARAM=V1,V2",
                   help="one job a variation: seeds ('1-5, 9') or one parameter swept ('n3.steps=20,30,40')")
    ls = qs.add_parser("list", help="the jobs, with place, state, progress, time and outputs")
    ls.add_argument("--json", action="store_true")
    r = qs.add_parser("run", help="run the queued jobs (one at a time) until none is left")
    r.add_argument("--cluster", default=None, metavar="ADDRESS",  # studio/cluster/cli.py
                   help="run them on the workers of the Ray cluster at ADDRESS, one job per device ('local': a Ray "
                        "started here); the queue's folder and the outputs on storage every node sees")
    for name, what in (("cancel", "cancel a job"), ("again", "queue an ended job again")):
        c = qs.add_parser(name, help=what)
        c.add_argument("job", help="its id (or the start of it)")
    m = qs.add_parser("move", help="put a queued job at a place (1: next)")
    m.add_argument("job")
    m.add_argument("place", type=int)
    qs.add_parser("pause", help="run no further job until resumed")
    qs.add_parser("resume")


def cmd_queue(args) -> int:
    from .queue import JobQueue
    q = JobQueue(args.folder or default_folder())
    for note in q.notes:  # a damaged queue file set aside: said, and the queue goes on empty
        print(f"warning: {note}", file=sys.stderr)
    try:
        return _COMMANDS[args.queue_cmd](q, args)
    finally:
        q.close()


def _find(q, ref: str):
    hits = [j for j in q.jobs() if j.id == ref or j.id.startswith(ref)]
    if len(hits) != 1:
        raise StudioError(f"no job '{ref}'" if not hits else f"'{ref}' names {len(hits)} jobs: give more of the id")
    return hits[0]


def _add(q, args) -> int:
    from .make import job_from_file, parse_variations, seed_variations, sweep_variations
    for path in args.graphs:
        job = job_from_file(path, args.set or [], args.seed)
        jobs = [job]
        if args.vary:
            what, values = parse_variations(args.vary)
            jobs = seed_variations(job, [int(v) for v in values]) if what == "seeds" else \
                sweep_variations(job, what, values)
        from .run import job_graph
        for j in jobs:
            job_graph(j)  # the overrides checked now, not when it runs
        for j in q.add_many(jobs):  # one write of the queue for all of them
            print(f"queued {j.id[:8]} {j.title}")
    return 0


def _list(q, args) -> int:
    places = q.positions()  # once: a place asked job by job would read the queue once per job
    if args.json:
        estimates = q.estimates()
        print(json.dumps([{"id": j.id, "title": j.title, "state": j.state, "worker": j.worker, "position": places.get(j.id),
                           "progress": j.progress, "estimate": estimates[j.id], "seconds": j.seconds,
                           "outputs": j.outputs, "error": j.error} for j in q.jobs()], indent=1))
        return 0
    for j in q.jobs():
        pos = places.get(j.id)
        where = f"#{pos}" if pos else j.state
        took = f" {j.seconds:.1f} s" if j.seconds is not None and j.state in ENDED else ""
        on = f"  [{j.worker}]" if j.worker else ""
        print(f"{j.id[:8]}  {where:<10} {j.title}{on}{took}" + (f"  -> {', '.join(j.outputs)}" if j.outputs else "")
              + (f"  ({j.error})" if j.error else ""))
    print(f"{len(places)} queued" + (" (paused)" if q.paused else ""))
    return 0


def run_all(q, args) -> int:
    """`queue run`: every queued job run on ``q`` (a cluster's queue too), each one's end said."""
    if q.paused:
        raise StudioError("the queue is paused: `main.py queue resume` first")
    failed = []

    def heard(kind, job, event):
        if kind == "started":
            print(f"running {job.id[:8]} {job.title}" + (f" on {job.worker}" if job.worker else ""), file=sys.stderr,
                  flush=True)
        elif kind == "ended":
            print(f"{job.state} {job.id[:8]} {job.title}" + (f": {job.error}" if job.error else "")
                  + "".join(f"\n  wrote {p}" for p in job.outputs), flush=True)
            if job.state != "done":
                failed.append(job)
    q.listen(heard)
    q.start()
    while not q.wait_idle(3600):
        if not q.working:
            raise StudioError("the queue's worker stopped before the queued jobs ran")
    if failed:
        print(f"error: {len(failed)} of the jobs run did not finish: "
              + ", ".join(f"{j.id[:8]} {j.state}" for j in failed), file=sys.stderr)
    return 1 if failed else 0


def _simple(what: str):
    def act(q, args) -> int:
        if what == "pause":
            q.set_paused(True)
        elif what == "resume":
            q.set_paused(False)
        elif what == "cancel":
            job = _find(q, args.job)
            if not q.cancel(job.id):
                raise StudioError(f"{job.id[:8]} has already ended ({job.state})")
        elif what == "again":
            print(f"queued {q.retry(_find(q, args.job).id).id[:8]}")
        elif what == "move":
            q.move(_find(q, args.job).id, max(0, args.place - 1))
        return 0
    return act


_COMMANDS = {"add": _add, "list": _list, "run": run_all, **{k: _simple(k) for k in ("pause", "resume", "cancel",
                                                                               "again", "move")}}
