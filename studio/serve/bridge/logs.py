"""The server's log as ComfyUI's page and clients read it (``/internal/logs``: its text;
``/internal/logs/raw``: its entries, each {t: time, m: text}, as comfyui-cli's `system logs` and the
page's log panel ask): what the queue did with each prompt (queued, started, ended and why) and what
each job said, the last MAX_ENTRIES kept (older lines go first, said in the first line kept)."""
from __future__ import annotations

import collections
import datetime
import threading

MAX_ENTRIES = 2000
MAX_JOB_LINES = 50  # of a job's own log copied when it ends (its first lines and its last are in its history)
MAX_LINE = 2000  # characters of one line


class ServerLog:
    def __init__(self):
        self._entries: collections.deque = collections.deque(maxlen=MAX_ENTRIES)
        self._dropped = 0
        self._lock = threading.Lock()

    def say(self, line: str) -> None:
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
        with self._lock:
            if len(self._entries) == MAX_ENTRIES:
                self._dropped += 1
            self._entries.append({"t": now, "m": line[:MAX_LINE] + "\n"})

    def heard(self, kind: str, job, event) -> None:
        """A queue notice (the worker's or a request's thread) made a line."""
        name = f"prompt {job.id[:8]}" if job.source.startswith("comfy") else f"job {job.title[:80]!r}"
        if kind == "added":
            self.say(f"{name} queued")
        elif kind == "started":
            self.say(f"{name} started")
        elif kind == "ended":
            for line in job.log[-MAX_JOB_LINES:]:
                self.say(f"{name}: {line}")
            self.say(f"{name} ended: {job.state}" + (f" ({job.error})" if job.error else ""))

    def entries(self) -> list[dict]:
        with self._lock:
            kept = list(self._entries)
            dropped = self._dropped
        if dropped:
            kept.insert(0, {"t": kept[0]["t"], "m": f"({dropped} older line(s) not kept: the log keeps the last "
                                                  f"{MAX_ENTRIES})\n"})
        return kept

    def text(self) -> str:
        return "".join(f"{e['t']} {e['m']}" for e in self.entries())
