"""The way from a still made first to a video's start image (takes/still_first.py): the still's decoder feeding the
task node's start-image input directly, or through resizes Studio's Scale makes (tracing/resizes.py: each whose size
its settings fix or a rule works out; heldout76 09: the WanVideoWrapper's early encode with adjust_resolution on,
read as ComfyUI's WanImageToVideo given the picture stretched to a size worked out of its aspect, after an
ImageScaleToMaxDimension), through reroutes and the steps a family declares its input passes through (LTX's
LTXVPreprocess). Those resizes made as Studio's Scale between the still and its Frame Hold, each said as
on a file's way. Any other step on the way: no such still (left to the rules that hold it). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..families import registry as families
from ..reading.by_types import passed_input
from ..reading.pass_any import any_through
from ..reading.workflow import CNode, Workflow
from ..tracing.crops_on_way import way_said
from ..tracing.resizes import on_way, size_makers
from ..tracing.roles import role
from ..tracing.tasks import LATENT_NAMES

MAX_STEPS = 8  # resizes walked through from a start image to the still's decoder
MAX_LATENT_WAY = 16  # nodes walked up a sampler's latent to its task node


def latent_way(wf: Workflow, sampler: CNode, task: CNode | None) -> list[tuple[CNode, str]]:
    """The linked pictures (each node's input its declaration types IMAGE) of the nodes on ``sampler``'s latent's
    way up to ``task`` (its task node, which names its own ports) that encode their picture at no frame they are told
    (their declaration has no INT input naming a frame or an index: the start; a guide at a frame, LTXVAddGuide's, is
    left to its own reading): a step encoding the start picture into the latent (heldout19: ComfyUI-LTXVideo's
    LTXVImgToVideoConditionOnly between EmptyLTXVLatentVideo and the sampler, its image a Z-Image still), which its
    family reads as the generator's start image (its latent_steps hook)."""
    out, src = [], next((sampler.links[k] for k in LATENT_NAMES if k in sampler.links), None)
    for _ in range(MAX_LATENT_WAY):
        n = wf.nodes.get(src[0]) if src is not None else None
        if n is None or n is task:
            break
        t = catalogue.node_type(n.origin or n.cls)
        at = t is not None and any(i.type == "INT" and ("frame" in i.name or "idx" in i.name or "index" in i.name)
                                   for i in t.inputs or ())
        out += [(n, i.name) for i in (t.inputs or ()) if i.type == "IMAGE" and i.name in n.links] if t and not at else []
        src = next((n.links[k] for k in LATENT_NAMES if k in n.links), None)
    return out


def way(wf: Workflow, node: CNode, port: str) -> tuple[CNode, list[CNode], dict] | None:
    """(the decoder behind ``node``'s ``port``, the resizes on the way (nearest the port first), Studio Scale's
    settings of each by id) where every node between is a resize Studio's Scale makes; None otherwise."""
    walked: list[CNode] = []
    src, theirs = node.links.get(port), families.lookup("passing")
    for _ in range(2 * MAX_STEPS):
        n = wf.nodes.get(src[0]) if src is not None and len(walked) <= MAX_STEPS else None
        if n is None:
            return None
        if role(wf, n) == "decoder":
            scaled = on_way(wf, walked)
            return (n, walked, scaled) if all(m.id in scaled for m in walked) else None
        if (anything := any_through(wf, n, src[1])) is not None:  # a reroute: what it is given
            src = n.links.get(anything)
        elif n.cls in theirs:  # a step a family declares its input passes through (LTX's LTXVPreprocess: said by the
            ins = theirs[n.cls]  # passing rules where the video is made), by the input it declares for this output
            name = (ins[src[1]] if 0 <= src[1] < len(ins) else ins[0]) if ins else passed_input(n, src[1], ("image",))
            src = n.links.get(name) if name else None
        elif "image" in n.links:  # (a resize takes its picture on 'image')
            walked.append(n)
            src = n.links["image"]
        else:
            return None
    return None


def resizes(wf: Workflow, node: CNode, port: str) -> dict[str, str]:
    """The ids of the resizes on the way to ``node``'s ``port`` -> ``port`` (the builder's continuing_scaled: a size
    worked out of the picture read as the scaled picture's, mapping/folded_sizes)."""
    found = way(wf, node, port)
    return dict.fromkeys((n.id for n in found[1]), port) if found is not None else {}


def made(b: Any, node: CNode, port: str, src: tuple[str, str]) -> tuple[tuple[str, str], list[str], list[str]]:
    """The resizes on the way from the still (``src``: its generator's video) to ``node``'s ``port`` made as Studio's
    Scale, in order; (what gives the Frame Hold its picture, their sentences, the Studio nodes made)."""
    found = way(b.wf, node, port)
    if found is None or not found[1]:
        return src, [], []
    _, walked, scaled = found
    lines, nids = [], []
    for n in reversed(walked):  # from the decoder on
        nid = b.add("transform.scale", scaled[n.id], n)
        b.g.connect(*src, nid, "video")
        src = (nid, "video")
        nids.append(nid)
        b.used.add(n.id)
        b.used.update(s.id for s in size_makers(b.wf, n))  # (a size worked out of the picture: read with it)
        lines.append(way_said(n, scaled[n.id], port, node))
    return src, lines, nids


def unmade(b: Any, nids: list[str], node: CNode, port: str) -> None:
    """The Scale nodes ``made`` made taken away again (the video held for another reason: its resizes said with it)."""
    for nid in nids:
        b.g.remove_node(nid)
    found = way(b.wf, node, port)
    for n in found[1] if found is not None else ():
        b.used.discard(n.id)
        b.used.difference_update(s.id for s in size_makers(b.wf, n))

