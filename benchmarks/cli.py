"""A benchmark's command line when it is only settings with defaults (frames, steps, repeats...)."""
from __future__ import annotations

import argparse


def settings(**defaults) -> argparse.Namespace:
    """The command line's ``--name`` options, one per keyword (``long_take`` is ``--long-take``), each of
    its default's type (int, float or str) and that default when not given: parsed."""
    ap = argparse.ArgumentParser()
    for name, default in defaults.items():
        ap.add_argument("--" + name.replace("_", "-"), type=type(default), default=default)
    return ap.parse_args()
