"""The environment of a benchmark's child process."""
from __future__ import annotations

import os


def extend_pythonpath(first: str) -> dict:
    """This environment with ``first`` put before PYTHONPATH, whose entries stay (a GPU machine
    carries wheels there: a child given only the project would lose them)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(x for x in (first, os.environ.get("PYTHONPATH", "")) if x)}
