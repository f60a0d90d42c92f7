"""A latent's length worked out by a math node from a count of a clip's frames (ComfyUI's LTX-2.3 IC-LoRA lipdub:
EmptyLTXVLatentVideo's length from ComfyMathExpression '(int((a - 1) / 8)) * 8 + 1' of GetImageSizeAndCount's count):
the node read by its settings, not its name: one 'expression' setting evaluated by Studio's arithmetic reader
(reading.primitives.evaluate, never Python's eval) and one wired number input. Where the expression keeps every count
from 1 to MAX_COUNT or rounds it down by less than MAX_DOWN (a frame rule), the length is that count so rounded
(folded_sizes._counted then names the clip). Plain data and stdlib (left10, heldout62's note)."""
from __future__ import annotations

from ..reading.primitives import evaluate
from ..reading.workflow import CNode, Workflow

MAX_COUNT = 2000  # the counts tried (a clip's frames)
MAX_DOWN = 16  # at most this far below the count: a frame rule's rounding (8k + 1, 4k + 1), never another length


def through(wf: Workflow, src: CNode) -> tuple[CNode, int, str] | None:
    """(the node counted, its output slot, the expression) where ``src`` rounds a count down as above; else None."""
    expr = wf.value(src, "expression")
    if not isinstance(expr, str) or len(src.links) != 1:
        return None
    name, (up, slot) = next(iter(src.links.items()))
    var = name.rsplit(".", 1)[-1]  # ('values.a': the expression's 'a')
    for n in range(1, MAX_COUNT + 1):
        v = evaluate(expr, {var: n}, comfy=src.cls == "ComfyMathExpression")
        if v is None or v != int(v) or not n - MAX_DOWN < v <= n or v < 1:
            return None
    node = wf.nodes.get(up)
    return (node, slot, expr) if node is not None else None
