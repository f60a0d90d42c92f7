"""A later pass that refines regions cut out of the take, not the take (heldout115 03: a face-fix pass encodes what
'Cut By Mask' makes of the take's decoded frames with a mask of the faces, a 512 crop, and refines that): its sentence
names the step that cuts them and never says the pass "refines the take" nor that a Video to Video after the generator
would make it (that would refine the whole frame).

Told by links and declared types, never by a node's name: from the pass's encoder (a node on its latent's way taking
pictures) the picture's way is followed back, past any input whose name or declared type is a mask, to a decoder of a
latent; a node on that way given a mask (an input declared MASK, or named 'mask') besides one picture is the step
that cuts the regions (one given two pictures and a mask lays one over the other: a whole frame, heldout ic_bands2's
LTXVLaplacianPyramidBlend). Bounded (MAX_NODES); linear in the nodes looked at. Plain data."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type

MAX_NODES = 64  # the picture's way followed back from the encoder, at most


def _mask_input(n: CNode, k: str) -> bool:
    return k.lower() == "mask" or in_type(n, k) == "MASK"


def _cuts(n: CNode) -> bool:
    """``n`` is given a mask besides one picture (two pictures and a mask lay one over the other: a whole frame)."""
    masked = [k for k in n.links if _mask_input(n, k)]
    return bool(masked) and len([k for k in n.links if k not in masked and in_type(n, k) == "IMAGE"]) == 1


def _picture_way(wf: Workflow, enc: CNode) -> CNode | None:
    """The node on ``enc``'s picture way back to a latent's decoder (the way itself: each node's picture inputs, not
    its masks) that is given a mask besides that one picture; None where none is or the way reaches no decoder."""
    came: dict[str, CNode | None] = {enc.id: None}  # a node -> the node it was reached from (nearer the encoder)
    todo = [enc]
    while todo and len(came) < MAX_NODES:
        n = todo.pop()
        for k, (src, _) in n.links.items():
            s = wf.nodes.get(src)
            if s is None or s.id in came or _mask_input(n, k) or in_type(n, k) in ("VAE", "LATENT"):
                continue
            came[s.id] = n
            if any(in_type(s, j) == "LATENT" for j in s.links):  # (a decoder: the latent's frames)
                step = n
                while step is not None and step is not enc:  # (the way from that decoder to the encoder)
                    if _cuts(step):
                        return step
                    step = came[step.id]
                continue
            todo.append(s)
    return None


def cutter(wf: Workflow, passed: list[CNode]) -> CNode | None:
    """The step cutting the regions of the take that a later pass refines, else None (it refines the take);
    ``passed``: the nodes on that pass's latent's way back to the pass before it (passes.latent_back)."""
    for n in passed:
        if n.enabled and any(in_type(n, k) == "IMAGE" for k in n.links):  # (its encoder: pictures in, a latent out)
            cut = _picture_way(wf, n)
            if cut is not None:
                return cut
    return None


def shared(wf: Workflow, main: str, key: frozenset, made, latent_way) -> tuple[frozenset, list[CNode]] | None:
    """The samplers of a pipeline already made (a key of ``made``) that make the same take as the output of samplers
    ``key`` (its first ``main``): they differ only by later passes refining regions cut out of the take, which Studio
    makes in neither (heldout115 03: a raw preview and a face-fixed output of one first sampler were two pipelines,
    the take generated twice); with those passes of ``key``'s own. None where no made pipeline is so. ``latent_way``:
    a pass -> the nodes on its latent's way back to the pass before it (passes.latent_back's second)."""
    for other in made:
        apart = [wf.nodes.get(s) for s in key ^ other]
        if main not in other or not apart or any(n is None or cutter(wf, latent_way(n)) is None for n in apart):
            continue
        return other, [n for n in apart if n.id in key]
    return None


def shared_line(save: CNode, main: CNode, refines: list[str]) -> str:
    """The sentence of output ``save`` written as one more Save Video of the take ``main`` makes; ``refines``: the
    sentences of the passes on its way refining regions cut out of that take (passes.refine_line), not made."""
    head = f"{save.named()} writes the take {main.named()} makes"
    if not refines:
        return f"{head}: one more Save Video of it, the take generated once"
    return f"{head}, then {'; then '.join(refines)}; so it is one more Save Video of that take, generated once"

