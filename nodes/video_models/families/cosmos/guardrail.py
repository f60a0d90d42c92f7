"""Cosmos's guardrail. Every diffusers Cosmos pipeline takes a ``safety_checker`` and refuses to run
without one (pipelines/cosmos in diffusers 0.42.1: with none given it builds ``cosmos_guardrail``'s
CosmosSafetyChecker, which downloads its own models; with None it refuses each call), and the NVIDIA Open
Model License ties the rights to keeping the model's guardrail. Studio follows diffusers (issue 102): a
Cosmos family runs with cosmos_guardrail's checker, an optional extra (``pip install cosmos-guardrail``)
whose models it reads offline from the Hugging Face cache, as Studio's models folders do; without either,
the model is refused before anything is loaded, in one sentence saying what to install and where its files
go (``missing``: its family's Requires (GUARDRAIL), asked by Load Video Model's check and load, and the model picker).

The stand-in that passes prompts and frames through unchecked is the test suite's only: it is used where
``STUDIO_TEST_COSMOS_STAND_IN`` is '1', which the suite's conftest.py sets and nothing else does. Importing
this module costs nothing (stdlib; torch only for the stand-in)."""
from __future__ import annotations

import importlib.util
import os

from ...base.capabilities import Requires

PACKAGE, MODULE = "cosmos-guardrail", "cosmos_guardrail"
# what CosmosSafetyChecker reads through the Hugging Face hub (cosmos_guardrail 0.3.2: its blocklist and
# face-blur filter from NVIDIA's checkpoint, the text guard Qwen3Guard)
REPOS = ("nvidia/Cosmos-1.0-Guardrail", "Qwen/Qwen3Guard-Gen-0.6B")
TEST_ONLY = "STUDIO_TEST_COSMOS_STAND_IN"
UNCHECKED = ("Cosmos guardrail: the test suite's stand-in (STUDIO_TEST_COSMOS_STAND_IN): prompts and frames are "
             "not checked")


def missing(title: str = "Cosmos") -> str:
    """Why ``title`` (a Cosmos model) cannot run here, in one sentence ('' : its guardrail is installed and its
    models are in the Hugging Face cache)."""
    from studio.core.models import hf_cache_dir, hf_snapshot
    cache = hf_cache_dir()
    absent = [r for r in REPOS if hf_snapshot(r) is None]
    if importlib.util.find_spec(MODULE) is not None and not absent:
        return ""
    where = cache or os.environ.get("HF_HUB_CACHE") or os.path.join("~", ".cache", "huggingface", "hub")
    install = f"install it into Studio's Python (pip install {PACKAGE}) and " \
        if importlib.util.find_spec(MODULE) is None else ""
    return (f"{title} runs only with NVIDIA's Cosmos guardrail, as its licence and diffusers ask: {install}download "
            f"its models ({', '.join(absent or REPOS)}: huggingface-cli download NAME) into the Hugging Face cache "
            f"Studio reads, {where}")


def stand_in_allowed() -> bool:
    """The test suite's stand-in is on (conftest.py): never in a run of the app."""
    return os.environ.get(TEST_ONLY) == "1"


def unavailable(title: str) -> str:
    """Why a Cosmos family cannot run here ('' : it can: its guardrail, or the tests' stand-in)."""
    return "" if stand_in_allowed() else missing(title)


def _family_unavailable(fam) -> str:
    return unavailable(fam.title)


GUARDRAIL = Requires(_family_unavailable)  # every Cosmos family needs it: refused without it, before loading


def _stand_in():
    import torch

    class PassThrough(torch.nn.Module):
        """Takes the guardrail's place in tests: every prompt passes, every frame is returned as it is. Its
        one value gives it a device and a dtype, which a pipeline reads of each of its modules."""

        def __init__(self):
            super().__init__()
            self.register_buffer("placed", torch.zeros(1), persistent=False)

        @property
        def device(self):
            return self.placed.device

        @property
        def dtype(self):
            return self.placed.dtype

        def check_text_safety(self, prompt: str) -> bool:
            return True

        def check_video_safety(self, frames):
            return frames

    return PassThrough()


def safety_checker(info=None, title: str = "Cosmos"):
    """cosmos_guardrail's CosmosSafetyChecker, read offline (the Hugging Face hub is switched offline before
    diffusers is imported: loading/load.py); under the test suite without it, the stand-in (said through
    ``info``); else the refusal (a ModelError), as the load's check would have said."""
    why = missing(title)
    if why and stand_in_allowed():
        if info is not None:
            info(UNCHECKED)
        return _stand_in()
    if why:
        from ...base.errors import ModelError
        raise ModelError(why)
    from cosmos_guardrail import CosmosSafetyChecker  # optional: not a dependency of Studio
    return CosmosSafetyChecker()
