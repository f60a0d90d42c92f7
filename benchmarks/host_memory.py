"""This process's host memory for the memory benchmarks: resident now (``rss``), its own high-water
mark (``peak_mb``: VmHWM, counted from its exec; ``ru_maxrss`` carries a parent's peak across fork and
exec), and a thread sampling the highest resident size since a reset (``Peak``)."""
from __future__ import annotations

import os
import resource
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    """Resident bytes now."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def peak_mb() -> float:
    """This process's peak resident memory in MB (VmHWM; ru_maxrss where /proc has none)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Peak:
    """The highest resident size seen since ``reset`` (a thread samples every ``interval`` s)."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak, self.stop = rss(), False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while not self.stop:
            self.peak = max(self.peak, rss())
            time.sleep(self.interval)

    def reset(self) -> int:
        self.peak = now = rss()
        return now
