"""The files a held task was found to be made from, held with it (heldout125 04: an LTX-2.3 clip maker whose sound is
a driving video's, VHS_LoadVideoPath's audio found as the task's 'audio' input, held because its start frame is
picked when the workflow runs; the loader, taken by that finding, was then named nowhere: neither held nor said).
What the task's reading found for its inputs (Output.inputs: the generator's input -> (the loader, its slot, the
steps)) joins the nodes the held graph takes its files from, so its sentence names them. Plain stdlib."""
from __future__ import annotations

from ..reading.workflow import LOADER_NODES, CNode


def found(inputs: dict) -> tuple[CNode, ...]:
    """Each file loader ``inputs`` found for the task (of a kind Studio's loaders make), once, in the order found."""
    out: list[CNode] = []
    for got in inputs.values():
        n = got[0] if isinstance(got, tuple) and got else None
        if isinstance(n, CNode) and n.cls in LOADER_NODES and n.enabled and n not in out:
            out.append(n)
    return tuple(out)
