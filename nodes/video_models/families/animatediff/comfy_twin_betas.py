"""A pack's checkpoint loader's own beta_schedule, where the model it loads is AnimateDiff's: the betas Studio samples
that model with, said as the motion loaders' beta_schedule is (comfy.py), not the generic "not applied ... may differ"
of a setting the ComfyUI node it is read as lacks (the 'twin_settings' hook, studio/convert/packs/twins.py).

heldout118 04: AnimateDiff-Evolved's CheckpointLoaderSimpleWithNoiseSelect 'sqrt_linear (AnimateDiff)', read as
CheckpointLoaderSimple, was said "not applied ... its result may differ", while Studio's AnimateDiff samples with those
very betas (schedule.py: ComfyUI's 'sqrt_linear' spaces the betas evenly from 0.00085 to 0.012, AnimateDiff's
release's). Told by where the loaded model goes: a motion loader of the family's (MOTION_LOADERS, PASSED) reached
along the model's way down (the nodes reading what it gives), whatever the checkpoint loader's pack. Plain data."""
from __future__ import annotations

from .schedule import SAME_BETAS, SCHEDULER, SQUARE_ROOTS

BETA = "beta_schedule"  # (comfy.BETA: the loaders' noise schedule)
DEPTH = 12  # how far down the model's way a motion loader is looked for


def _reaches(wf, n, targets) -> bool:
    """A node of ``targets`` reads, directly or down a chain of nodes, what ``n`` gives."""
    seen, edge = {n.id}, [n.id]
    for _ in range(DEPTH):
        edge = [m.id for m in wf.nodes.values() if m.id not in seen and m.enabled and
                any(src in edge for src, _slot in m.links.values())]
        if any(wf.nodes[k].cls in targets for k in edge):
            return True
        seen.update(edge)
        if not edge:
            return False
    return False


def said(wf, n, name: str, value, loaders: tuple[str, ...] = ()) -> str | None:
    """The words for ``n``'s own ``name`` setting where it is its beta_schedule and its model reaches one of
    ``loaders`` (the family's motion loaders and the nodes applying a motion module: comfy.py gives them); None
    otherwise (the twin's own sentence stays)."""
    if name != BETA or not isinstance(value, str) or not _reaches(wf, n, loaders):
        return None
    betas = f"linear betas {SCHEDULER['beta_start']:g}-{SCHEDULER['beta_end']:g}"
    if value in SAME_BETAS:
        return (f"its {BETA} '{value}' is the betas Studio's AnimateDiff samples the model it loads with "
                f"(ComfyUI's 'sqrt_linear': {betas}, AnimateDiff's release's)")
    why = " (ComfyUI's 'linear' spaces the betas' square roots evenly)" if value in SQUARE_ROOTS else ""
    return f"its {BETA} '{value}' is not taken{why}: Studio's AnimateDiff samples the model it loads with {betas}"
