"""Where the Queue dock's jobs run (issue 114): on this machine (studio.queue's JobQueue), or on the workers of a
Ray cluster (studio.cluster's ClusterQueue: one job a worker, each job's row saying where it runs). The place
picked is kept with the queue (``dock-place.json``, as the dock's size is).

Connecting to Ray takes seconds (minutes for a head that does not answer, hence studio.cluster.pool.reach first):
it runs on a thread of its own, its end brought to the GUI thread by a Qt signal. Until it ends the queue is
paused (its jobs wait, nothing is lost); refused, the dock says why in words and runs on this machine, paused
(Resume runs the jobs here)."""
from __future__ import annotations

import json
import os
import threading

from PySide6.QtCore import QObject, Signal

from studio.core.errors import StudioError

PLACE_FILE = "dock-place.json"  # in the queue's folder: '' (this machine) or a cluster's address
THIS_MACHINE = "this machine"


def read_place(folder: str) -> str:
    """The cluster address the queue in ``folder`` ran on last ('' : this machine, or the file unreadable)."""
    try:
        with open(os.path.join(folder, PLACE_FILE), encoding="utf-8") as f:
            place = json.load(f).get("cluster", "")
    except (OSError, ValueError, AttributeError):
        return ""
    return place if isinstance(place, str) else ""


def write_place(folder: str, address: str) -> None:
    from studio.core.paths import write_atomic
    os.makedirs(folder, exist_ok=True)
    write_atomic(os.path.join(folder, PLACE_FILE), json.dumps({"cluster": address}))


class _Connected(QObject):
    done = Signal(int, str, object, str)  # attempt, address, pool (None when refused), why refused


class ClusterPlace:
    """The dock's place. ``panel``: the QueuePanel (its ``queue`` swapped, its ``say(text, level)`` told)."""

    def __init__(self, panel, make_local):
        self.panel, self.make_local = panel, make_local
        self.address = ""  # the cluster the queue runs on ('' : this machine)
        self.connecting = ""  # the address being connected to
        self.note = ""  # what the dock's status says of the place
        self.pool = None
        self._attempt = 0
        self._ray_at = ""  # the address this process's Ray was connected to (Ray keeps one connection a process)
        self._closed = False
        self._was_paused = False
        self._signal = _Connected()
        self._signal.done.connect(self._connected)

    def use_cluster(self, address: str) -> None:
        """Connect to the cluster at ``address`` on a thread of its own; the queue waits meanwhile."""
        address = address.strip()
        if not address or address in (self.address, self.connecting):
            return
        from studio.core.confine import allowed_dirs
        from studio.cluster.pool import shared_setup
        q = self.panel.queue
        if not self.connecting:
            self._was_paused = q.paused
        q.set_paused(True)  # until connected: the jobs stay queued
        self._attempt += 1
        self.connecting = address
        dirs = allowed_dirs(None)
        setup = shared_setup(self.panel.folder, write=dirs, read=dirs)
        self._tell(f"connecting to the cluster at {address}…", "info")
        self.panel.place_changed()
        threading.Thread(target=self._connect, args=(self._attempt, address, setup), name="studio-cluster-connect",
                         daemon=True).start()

    def _connect(self, attempt: int, address: str, setup: dict) -> None:
        from studio.cluster.pool import Pool
        pool, why = None, ""
        try:
            if self._ray_at and self._ray_at != address:  # another cluster than the last one: Ray connected anew
                import ray
                ray.shutdown()
            pool = Pool(address, setup)
            self._ray_at = address
        except StudioError as e:
            why = str(e)
        except Exception as e:  # noqa: BLE001 - Ray's refusal (its own words kept after ours)
            why = f"Ray refused the connection ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})"
        try:
            self._signal.done.emit(attempt, address, pool, why)
        except RuntimeError:  # the window closed meanwhile
            if pool is not None:
                pool.close()

    def _connected(self, attempt: int, address: str, pool, why: str) -> None:
        if self._closed or attempt != self._attempt:  # closed, or another place picked meanwhile
            if pool is not None:
                pool.close()
            return
        self.connecting = ""
        if pool is None:
            self._tell(f"the cluster at {address} cannot be used: {why}. The jobs run on this machine (paused: "
                       "Resume runs them here)", "error")
            self.panel.place_changed()
            return
        from studio.cluster.queue import ClusterQueue
        old = self._release_queue()
        self.pool, self.address = pool, address
        try:
            self.panel.set_queue(ClusterQueue(self.panel.folder, pool), old_paused=self._was_paused)
        except StudioError as e:  # the queue's folder taken meanwhile: back here, said
            self.pool, self.address = None, ""
            pool.close()
            self.panel.set_queue(self.make_local(), old_paused=True)
            self._tell(f"the cluster at {address} cannot be used: {e}", "error")
            return
        self._write(address)
        n = len(pool.workers)
        self._tell(f"{n} worker{'s' if n != 1 else ''} on the cluster at {address}", "ok")
        for w in pool.workers:
            self.panel.say(f"queue: {w.label()}: {w.device}, {w.memory / 2**30:.1f} GB", "info")
        self.panel.place_changed()

    def use_this_machine(self) -> None:
        """Back to this machine: the cluster's running jobs stop (their steps kept) and wait here."""
        self._attempt += 1  # a connection under way is let go
        if self.connecting:
            self.connecting = ""
            self.panel.queue.set_paused(self._was_paused)
        if self.address:
            paused = self.panel.queue.paused
            self._release_queue()
            self.panel.set_queue(self.make_local(), old_paused=paused)
            self.address = ""
        self._write("")
        self._tell("the jobs run on this machine", "info")
        self.panel.place_changed()

    def _release_queue(self):
        q = self.panel.queue
        q.unlisten(self.panel.heard)
        q.close()
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        return q

    def _write(self, address: str) -> None:
        try:
            write_place(self.panel.folder, address)
        except OSError as e:
            self.panel.say(f"queue: where the jobs run is not kept for the next session ({e.strerror or e})", "warn")

    def _tell(self, text: str, level: str) -> None:
        self.note = text
        self.panel.say(f"queue: {text}", level)
        self.panel.refresh()

    def close(self) -> None:
        self._closed = True
        if self.pool is not None:
            self.pool.close()
            self.pool = None
