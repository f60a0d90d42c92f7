"""One record per video model family (``main.py families``): its key, name, variants, the task kinds
it does with the inputs each takes, and the file formats and layouts Studio reads for it. Asks the
registry only (no torch, no diffusers)."""
from __future__ import annotations

from ..base.registry import all_families
from ..base.tasks import INPUTS, task_kinds


def family_record(fam) -> dict:
    kinds = task_kinds(fam)
    return {"kind": "video model", "family": fam.key, "name": fam.title,
            "variants": [t for t, _ in fam.variants] or [fam.title],
            "tasks": [t.key for t in kinds],
            "inputs": {t.key: [INPUTS[i].title for i in t.inputs] for t in kinds},
            "formats": fam.formats(),
            "frames": fam.frames, "fps": fam.fps}


def family_records() -> list[dict]:
    return [family_record(f) for f in all_families()]
