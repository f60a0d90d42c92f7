"""The still family a model loader's checkpoint is read as (SD 1.5's, SDXL's: a family with the 'still' hook): the
family its file's name names, else, for a whole checkpoint's loader (declaring MODEL, CLIP and VAE) whose file's name
names no family nor another image model's name part the whole checkpoints' still family lists ('still_checkpoint':
Flux's all-in-one fp8 file, an SDXL fine-tune's), that family (SD 1.5's: fine-tunes' names name no version). One rule
for the still made before a video (takes/still_first.py) and a tiled diffusion upscale's image model
(finishing/tiled_upscale.py). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..families import registry as families
from ..families.hooks import hook
from ..reading.workflow import CNode, Workflow
from .stills import UNKNOWN_MODEL
from .tasks import family
from .walks import model_file

WHOLE = {"MODEL", "CLIP", "VAE"}  # a whole checkpoint's loader's declared outputs


def still_family_of(wf: Workflow, loader: CNode, up: list[CNode]) -> tuple[str | None, bool]:
    """(the title of the still family reading ``loader``'s model, whether it is read as the whole checkpoints' still
    family because the file's name names none); (None, False): no still family reads it. ``up``: the nodes whose
    families' claims count (a sampler's upstream; the loader alone for a model read apart from its patches)."""
    title = family(model_file(wf, loader), None, up)
    if families.family_hook(title, "still"):
        return title, False
    t = catalogue.node_type(loader.origin or loader.cls)
    if title != UNKNOWN_MODEL or t is None or not WHOLE <= set(t.output_types or ()):
        return None, False
    file = model_file(wf, loader)
    name = file.replace("\\", "/").rsplit("/", 1)[-1].lower() if isinstance(file, str) else ""
    if (fine_tune := named(name)) is not None:  # an SDXL fine-tune's ('novaAnimeXL'): heldout76 09
        return fine_tune[0], True
    guess = next((m for m in families.mappings() if hook(m, "still_checkpoint")), None)
    if guess is None or not name or any(mark in name for mark in hook(guess, "still_checkpoint")):
        return None, False  # (another image model's name: Flux's all-in-one fp8 file, an SDXL fine-tune's)
    return guess.title, True


def named(name: str) -> tuple[str, str] | None:
    """(the still family, the part of its fine-tunes' names) a whole checkpoint's file ``name`` (lower case) is read
    as by its 'still_names' hook: a part of them in the name and none of the other image models' parts the
    'still_checkpoint' family lists (those beside the family's own parts); None otherwise."""
    others = {p for m in families.mappings() for p in hook(m, "still_checkpoint")}
    for m in families.mappings():
        parts = hook(m, "still_names")
        part = next((p for p in parts if p in name), None)
        if part is not None and not any(o in name for o in others - set(parts)):
            return m.title, part
    return None
