"""Words a family's ``not_built`` shares with others: diffusers' modular pipelines of models Studio runs by their
classic pipelines. Each names the classes, so that ``main.py families`` says every video pipeline diffusers
carries (tests/video_models/test_diffusers_said.py). Stdlib only."""
from __future__ import annotations


def modular_forms(classes: tuple[str, ...], runs: str) -> tuple[str, str]:
    """The ``not_built`` entry of a family's modular pipeline classes (``runs``: the classic pipeline(s) Studio
    runs its models by, in words)."""
    return (f"its modular pipelines ({', '.join(classes)})",
            f"Studio runs these models by {runs} on the same diffusers folders; the modular blocks are not used, and "
            "a folder holding only a modular_model_index.json is not recognised")
