"""`main.py queue run --cluster ADDRESS`: the queue's waiting jobs run on the workers of a Ray cluster
(queue.py), each one's worker said as it starts and its files as it ends, as `queue run` says them."""
from __future__ import annotations

import sys


def run_on_cluster(args) -> int:
    from studio.core.confine import allowed_dirs
    from studio.queue.cli import default_folder, run_all

    from .pool import Pool, shared_setup
    from .queue import ClusterQueue
    folder = args.folder or default_folder()
    dirs = allowed_dirs(None)
    pool = Pool(args.cluster, shared_setup(folder, write=dirs, read=dirs))
    try:
        q = ClusterQueue(folder, pool)
        for note in q.notes:
            print(f"warning: {note}", file=sys.stderr)
        for w in pool.workers:
            print(f"{w.label()}: {w.device}, {w.memory / 2**30:.1f} GB", file=sys.stderr)
        try:
            return run_all(q, args)
        finally:
            q.close()
    finally:
        pool.close()
