"""Cosmos's guardrail. Every diffusers Cosmos pipeline takes a ``safety_checker`` and refuses to run
without one (pipelines/cosmos in diffusers 0.42.1: with none given it builds ``cosmos_guardrail``'s
CosmosSafetyChecker, which downloads its own models; with None it refuses each call), and the NVIDIA Open
Model License ties the rights to keeping the model's guardrail. Studio follows diffusers (issue 102): a
Cosmos family runs with cosmos_guardrail's checker, an optional extra (``pip install cosmos-guardrail``)
whose models it reads offline from the Hugging Face cache, as Studio's models folders do; without either,
the model is refused before anything is loaded, in one sentence saying what to install and where its files
go (``missing``: its family's Requires (GUARDRAIL), asked by Load Video Model's check and load, and the model picker).

Its models are checked by the files cosmos_guardrail reads of them (``EXPECTED``: names and the least size a whole
one has), in the Hugging Face cache Studio reads (HF_HUB_CACHE, else HF_HOME's hub, else the default); the refusal
names the files missing and that folder, and asks to download only what is missing. The extra is installed by the
set-up beside the pinned torch (``STUDIO_EXTRAS=cosmos-guardrail bash scripts/setup.sh``: torch kept at its pin,
the torchvision made for it): a plain ``pip install cosmos-guardrail`` replaces Studio's torch.

The stand-in that passes prompts and frames through unchecked is the test suite's only: ``STUDIO_TEST_COSMOS_STAND_IN``
must hold a token a live test or benchmark process handed on (studio.core.stand_ins: the suite's conftest.py and a
benchmark of its own tiny models); '1' in a user's environment turns nothing on, so ``validate`` and ``render`` both
refuse. Importing this module costs nothing (stdlib; torch only for the stand-in)."""
from __future__ import annotations

import importlib.util
import os

from ...base.capabilities import Requires

PACKAGE, MODULE = "cosmos-guardrail", "cosmos_guardrail"
# what CosmosSafetyChecker reads through the Hugging Face hub (cosmos_guardrail 0.3.2: its blocklist and
# face-blur filter from NVIDIA's checkpoint, the text guard Qwen3Guard)
REPOS = ("nvidia/Cosmos-1.0-Guardrail", "Qwen/Qwen3Guard-Gen-0.6B")
# the files CosmosSafetyChecker reads of each (cosmos_guardrail 0.3.2's snapshot_download patterns and
# from_pretrained calls), each with the least size a whole one has (bytes; a folder: 0, it must hold a file)
EXPECTED = {
    "nvidia/Cosmos-1.0-Guardrail": (("blocklist", 0), ("video_content_safety_filter/safety_filter.pt", 1_000),
                                    ("face_blur_filter/Resnet50_Final.pth", 1_000_000)),
    "Qwen/Qwen3Guard-Gen-0.6B": (("config.json", 10), ("tokenizer_config.json", 10), ("tokenizer.json", 1_000),
                                 ("model.safetensors", 100_000_000)),
}
INSTALL = f"STUDIO_EXTRAS={PACKAGE} bash scripts/setup.sh"  # the set-up keeps torch at its pin (a plain pip
# install cosmos-guardrail replaces it)
TEST_ONLY = "STUDIO_TEST_COSMOS_STAND_IN"
UNCHECKED = ("Cosmos guardrail: the test suite's stand-in (STUDIO_TEST_COSMOS_STAND_IN): prompts and frames are "
             "not checked")


def hub_folder() -> str:
    """The Hugging Face cache Studio (and the guardrail's offline reads) look in, whether it exists or not:
    HF_HUB_CACHE, else HF_HOME's hub, else the default."""
    d = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if d:
        return d
    return os.path.join(os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface"),
                        "hub")


def _snapshots(cache: str, repo: str) -> list[str]:
    snaps = os.path.join(cache, "models--" + repo.strip("/").replace("/", "--"), "snapshots")
    try:
        return [os.path.join(snaps, s) for s in sorted(os.listdir(snaps))]
    except OSError:
        return []


def _whole(path: str, least: int) -> bool:
    try:
        if least == 0:
            return os.path.isdir(path) and any(f for _, _, fs in os.walk(path) for f in fs)
        return os.path.isfile(path) and os.path.getsize(path) >= least  # a snapshot's link to its blob followed
    except OSError:
        return False


def missing_files(repo: str, cache: str | None = None) -> list[str]:
    """The files of ``repo`` (EXPECTED) no snapshot of it in the cache holds whole (all of them where it has
    none): a folder holding some other file is not its weights."""
    cache = cache or hub_folder()
    best: list[str] | None = None
    for snap in _snapshots(cache, repo):
        lack = [name for name, least in EXPECTED[repo] if not _whole(os.path.join(snap, name), least)]
        best = lack if best is None or len(lack) < len(best) else best
    return [name for name, _ in EXPECTED[repo]] if best is None else best


def missing(title: str = "Cosmos") -> str:
    """Why ``title`` (a Cosmos model) cannot run here, in one sentence ('' : its guardrail is installed and its
    models' files are in the Hugging Face cache): what to install, which files of which models are missing, and
    the folder they go in."""
    cache = hub_folder()
    lacking = {r: missing_files(r, cache) for r in REPOS}
    absent = {r: f for r, f in lacking.items() if f}
    installed = importlib.util.find_spec(MODULE) is not None
    if installed and not absent:
        return ""
    parts = []
    if not installed:
        parts.append(f"install it into Studio's Python ({INSTALL}: torch stays at its pin; pip install {PACKAGE} "
                     "alone replaces it)")
    if absent:
        files = "; ".join(f"{r}: {'all of its files' if len(f) == len(EXPECTED[r]) else ', '.join(f)}"
                          for r, f in absent.items())
        parts.append(f"download the files missing from its models ({files}; huggingface-cli download NAME) into the "
                     f"Hugging Face cache Studio reads, {cache}")
    return f"{title} runs only with NVIDIA's Cosmos guardrail, as its licence and diffusers ask: " + " and ".join(parts)


def stand_in_allowed() -> bool:
    """The test suite's stand-in is on: a token a live test or benchmark process handed on (studio.core.stand_ins),
    never a value a user sets."""
    from studio.core.stand_ins import handed
    return handed(TEST_ONLY)


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
