"""A twin's own setting a family's generator reads: the sentence the family gives of it instead of the twin's
"not applied ... its result may differ" (packs/twins.py), asked of every family's 'twin_settings' hook.

heldout118 04: AnimateDiff-Evolved's CheckpointLoaderSimpleWithNoiseSelect, read as ComfyUI's CheckpointLoaderSimple,
was said "its beta_schedule 'sqrt_linear (AnimateDiff)' is not applied ... its result may differ from the pack's",
while Studio's AnimateDiff samples the model it loads with exactly those betas (the generator's own note said so of
the motion loader's same setting a few lines on). The family whose generator the loaded model reaches tells what the
setting is to it (the hook's words); a setting no family speaks of keeps the twin's sentence. Plain data."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..reading.workflow import CNode, Workflow


def family_said(wf: Workflow, n: CNode, other: list[str], named: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(the twin's other settings no family speaks of, the families' sentences of the rest). ``other``: the twin's
    settings in words ('name value'), ``named``: its settings by name as the file saves them."""
    kept, said = [], []
    for item in other:
        name = item.split(" ", 1)[0]
        words = None
        if name in named and not item.endswith("(wired)"):
            words = next((w for h in families.lookup("twin_settings") if (w := h(wf, n, name, named[name]))), None)
        (said if words else kept).append(words or item)
    return kept, said
