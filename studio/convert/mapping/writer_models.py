"""A text encoder loader whose every reader writes text (its declared outputs all STRING: ComfyUI's TextGenerate, a
pack's prompt writer given a CLIP): that writer's own model, which writes words when the workflow runs (a writer
Studio does not make), not the generator's text encoder. Told by the readers' declared types, never by their names
(heldout110 01: LTX-2.5's IC-LoRA workflow loads Gemma 4 E2B for TextGenerate beside the 12B Gemma its CLIPTextEncode
reads; the later of the two loaders overwrote Load Video Model's 'text_encoder', unsaid). Plain stdlib."""
from __future__ import annotations

from ..reading.by_types import declared_outputs
from ..reading.workflow import CNode


def writers(loader: CNode, up: list[CNode]) -> list[CNode]:
    """The nodes of ``up`` reading ``loader`` where each declares text its only output ([] else: a loader any
    conditioning node reads is the prompts' encoder)."""
    readers = [m for m in up if any(src == loader.id for src, _ in m.links.values())]
    outs = [declared_outputs(m) for m in readers]
    return readers if readers and all(o and set(o) == {"STRING"} for o in outs) else []


def line(loader: CNode, value, readers: list[CNode]) -> str:
    """The sentence: the file not set on Load Video Model, and why."""
    who = " and ".join(f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id})" for m in readers)
    one = len(readers) == 1
    return (f"text encoder '{value}' of '{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) is "
            f"read by {who} alone, which write{'s' if one else ''} text when the workflow runs (not made by Studio): "
            "it is not the text encoder of the prompts the generator is given, and is not set on Load Video Model")
