"""A running job's memory watched: the process's resident memory read every tenth of a second while the
job runs, and the job stopped, failed with a message naming the node that ran, once it passes a cap. A
job's size is estimated before it runs where it can be (the server's /prompt refuses what would not
fit); this catches what no estimate saw (a node that grows as it goes) before the machine swaps or the
system kills the whole process, queue and server with it.

The cap: the setting ``job_memory_percent`` (Studio's settings file), a share of this machine's memory,
90 % when not set. The stop is the queue's cancel, which a node meets at its next check (each frame
or step): a node that never checks is stopped at its end.

Plain stdlib (psutil where there is no /proc)."""
from __future__ import annotations

import os
import threading

from studio.engine.events import NodeFailed, NodeFinished, NodeStarted

DEFAULT_PERCENT = 90.0
EVERY = 0.1  # seconds between two reads of the process's memory


def machine_bytes() -> int:
    """This machine's memory in bytes (0 when it cannot be told)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        try:
            import psutil
            return int(psutil.virtual_memory().total)
        except ImportError:  # pragma: no cover
            return 0


def resident_bytes() -> int | None:
    """This process's resident memory now (None when it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil
        return int(psutil.Process().memory_info().rss)
    except Exception:  # noqa: BLE001 - no way to read it: the job is not watched
        return None


def default_cap() -> tuple[int | None, str]:
    """(bytes, where the figure comes from) of the cap set by the settings, or (None, '') when the machine's
    memory cannot be told."""
    percent = DEFAULT_PERCENT
    try:
        from studio.core.settings import load_settings
        v = load_settings().get("job_memory_percent")
        if isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v <= 100:
            percent = float(v)
    except Exception:  # noqa: BLE001 - unreadable settings: the default
        pass
    total = machine_bytes()
    if not total:
        return None, ""
    return int(total * percent / 100), (f"{percent:g} % of this machine's {total / 2**30:.1f} GB, the setting "
                                        "'job_memory_percent'")


class MemoryWatch:
    """Watches while a job runs (``with``): ``heard(event)`` follows which node runs; past ``cap`` bytes the
    job's ``cancel`` is cancelled and ``message`` says why, naming that node."""

    def __init__(self, cap: int | None, why: str, cancel, read=resident_bytes):
        self.cap, self.why, self.cancel, self.read = cap, why, cancel, read
        self.node: tuple[str, str] | None = None  # (id, title) of the node running now
        self.message = ""
        self.node_id = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def heard(self, e) -> None:
        if isinstance(e, NodeStarted):
            self.node = (e.node_id, e.title)
        elif isinstance(e, (NodeFinished, NodeFailed)) and self.node and self.node[0] == e.node_id:
            self.node = None

    def __enter__(self) -> "MemoryWatch":
        if self.cap is not None and self.read() is not None:
            self._thread = threading.Thread(target=self._watch, name="studio-job-memory", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _watch(self) -> None:
        while not self._stop.wait(EVERY):
            node, rss = self.node, self.read()
            if node is None or rss is None or rss <= self.cap:  # between nodes: the next one is named
                continue
            self.node_id = node[0]
            self.message = (f"stopped: Studio's memory reached {_gb(rss)} while {node[1]} ({node[0]}) ran, over "
                            f"the {_gb(self.cap)} a job may use ({self.why}); give it smaller sizes or fewer "
                            "frames, or raise the setting")
            self.cancel.cancel()
            return


def _gb(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**28 else f"{n / 2**20:.0f} MB"
