"""The words a generator says of its time before a run, carrying the seconds they say: the window shows the
words; the job queue adds up the seconds (studio.engine.graph_time), so a queued job's time counts the load, the
encode, the steps and the decode as the node's own estimate does (issue 116's walk: a queued job said 0:30, the
mean of other jobs, and took 1:54, 1.5 minutes of it loading)."""
from __future__ import annotations


class Said(str):
    """A node's words before its run (a ``str``), with ``seconds``: its run and its load where one is measured
    (a model not held in memory is loaded first), ``run`` without the load."""
    seconds: float | None = None
    run: float | None = None

    @classmethod
    def of(cls, words: str, run: float, load: float | None) -> "Said":
        said = cls(words)
        said.run = float(run)
        said.seconds = float(run) + float(load or 0.0)
        return said
