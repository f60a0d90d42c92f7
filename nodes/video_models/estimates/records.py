"""Which of this machine's earlier runs a prediction scales from: the one nearest in size and one
far enough away to fit an exponent. Both the time (times.py) and the peak memory (peaks.py) are
predicted from the same choice."""
from __future__ import annotations

import math


def nearest_and_far(recs: list[dict], pixels: int) -> tuple[dict, dict | None]:
    """(the record nearest ``pixels`` in size, the newest on a tie; the record farthest from it
    when its size differs by 1.2x or more, else None): what a prediction scales from."""
    near = min(reversed(recs), key=lambda r: abs(math.log(pixels / r["pixels"])))
    far = max(recs, key=lambda r: abs(math.log(r["pixels"] / near["pixels"])))
    return near, (far if abs(math.log(far["pixels"] / near["pixels"])) >= math.log(1.2) else None)


def of_the_model(data: dict, model_key: str, node: str, kind: str = "") -> tuple[list[dict], bool]:
    """(the records of the model ``model_key`` names, with its settings, on this machine at any size, the same
    take ``kind``: this ``node``'s when it has some, else any node's; whether they are another node's). A run
    of a size not yet made here is planned from them (estimates/take_time.py): the step time is the model's, the
    pixels scale it."""
    mine, others = [], []
    for key, recs in data.items():
        if not key.startswith(model_key + "|"):
            continue
        rest = key[len(model_key) + 1:].split("|")  # node, size[, kind]
        if len(rest) < 2 or "|".join(rest[2:]) != kind:
            continue
        (mine if rest[0] == node else others).extend(r for r in recs if isinstance(r, dict))
    return (mine, False) if mine else (others, bool(others))
