"""The environment of a benchmark's child process."""
from __future__ import annotations

import os


def extend_pythonpath(first: str) -> dict:
    """This environment with ``first`` put before PYTHONPATH, whose entries stay (a GPU machine
    carries wheels there: a child given only the project would lose them)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(x for x in (first, os.environ.get("PYTHONPATH", "")) if x)}


def own_tiny_cosmos() -> None:
    """A benchmark that builds its own tiny, random Cosmos models runs them with the guardrail's test stand-in
    (nodes/video_models/families/cosmos/guardrail.py: STUDIO_TEST_COSMOS_STAND_IN, as the test suite does), said
    by the run as unchecked: NVIDIA's guardrail checks prompts and frames of real models, which these are not.
    Its child processes inherit it. Never set by a benchmark of the user's own models."""
    from studio.core.stand_ins import hand_on
    hand_on("STUDIO_TEST_COSMOS_STAND_IN")  # a token of this live process: '1' set by a user turns nothing on


def own_folders(prefix: str) -> str:
    """A new temporary folder holding this benchmark's project, cache, config and data folders and an empty Hugging
    Face cache, set in the environment (never the machine's settings or models); returns it."""
    import tempfile
    tmp = tempfile.mkdtemp(prefix=prefix)
    for k, sub in (("STUDIO_PROJECT_DIR", "project"), ("STUDIO_CACHE_DIR", "cache"),
                   ("STUDIO_CONFIG_DIR", "config"), ("XDG_DATA_HOME", "data")):
        os.environ[k] = os.path.join(tmp, sub)
    os.environ["HF_HUB_CACHE"] = os.path.join(tmp, "no-hf-cache")
    return tmp
