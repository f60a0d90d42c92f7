"""A declared pack node whose declared inputs and outputs are a node type Studio reads (issue 112, twins5): the one
type Studio reads by name (ComfyUI's core or a pack Studio maps) of which it declares every input (name, socket or
setting, type: catalogue.declares_inputs), whose outputs it gives alike (the same types, in the same order, no more),
and which declares every socket it requires (none Studio's reading would drop: a wired extra socket keeps it unread,
packs/twins.py) is read as that type (packs/twins.py rewrites it and says so; its own settings beyond are said
there, not applied). A candidate must require 3 inputs or more and share 2 sockets with the node: a picture in and a
picture out is any filter's shape, names and all (not so a copy declaring all of it alike in its category: a pack
registering another's classes under its own names). Never a type of the node's own pack (one alike among several:
none), nor any for a node of ComfyUI's core: a pack declaring two types alike made two nodes (ComfyUI's HunyuanRefinerLatent takes and gives what
its LTXVCropGuides does and does another task; WanVideoWrapper's SkyReels-V3 audio encoder takes and gives its
MultiTalk's), nor for an output node (read by what it saves: packs/save_shapes.py). Several such types, or none: None (nothing read, nothing said).
Adaptive Window Size's AdaptiveWanVideoAnimateEmbeds reads as WanVideoWrapper's WanVideoAnimateEmbeds, the Director
Motion Brush's V2 crop of guides as ComfyUI's LTXVCropGuides: by their declarations, never by their names. Stdlib."""
from __future__ import annotations

from .. import catalogue

MIN_REQUIRED = 3  # (packs/uncatalogued_twins.py's: fewer is any filter's shape)
MIN_SHARED = 2  # sockets shared by name and type
CORE = "Comfy-Org/ComfyUI"


def _copied(t, r) -> bool:
    """``t`` declares exactly what ``r`` does, in its category: every input (name, type, range, default, choices), in
    order, every output (type and name) - a pack registering another pack's classes under names of its own
    (wuwukaka/ComfyUI-WanAnimatePlus's 'WanAnimatePlus VAELoader', kijai's WanVideoVAELoader: held-out 104/07). Never
    a copy of ComfyUI's core: a subclass of a core loader declares it alike and loads otherwise (ComfyUI-FLATTEN's
    FlattenCheckpointLoaderNode, CheckpointLoaderSimple's declaration, loads its own UNet)."""
    return r.pack != CORE and bool(r.category) and t.category == r.category and t.inputs == r.inputs and \
        t.outputs == r.outputs


def _alike(t, r) -> bool:
    """``t`` declares ``r``'s inputs and outputs: every input of ``r`` (an optional one may be missing), ``r``'s
    output types exactly, every socket ``t`` requires on ``r`` too (of the same type); enough in common to tell (or
    all of it: a copy, _copied)."""
    if r.inputs is None or not r.outputs or catalogue.is_primitive(r) or t.output_types != r.output_types:
        return False
    if _copied(t, r):
        return True
    if sum(not i.optional for i in r.inputs) < MIN_REQUIRED or not catalogue.declares_inputs(t, r):
        return False
    for i in t.sockets:
        j = r.input(i.name)
        if not i.optional and (j is None or j.widget or j.type != i.type):
            return False  # a socket it requires that the read type has not: what it carries would be lost
    shared = sum(1 for i in t.sockets if (j := r.input(i.name)) is not None and not j.widget and j.type == i.type)
    return shared >= MIN_SHARED


def exact_twin(t, readable) -> str | None:
    """The one type of ``readable`` (node types, as the catalogue declares them) whose inputs and outputs ``t``
    declares alike; None where none or several are."""
    if t is None or t.inputs is None or not t.outputs or catalogue.is_primitive(t) or t.pack == CORE or t.output_node:
        return None  # (an output node is read by what it saves: packs/save_shapes.py)
    found = {(r.name, r.pack) for r in readable if r is not None and r.name != t.name and _alike(t, r)}
    if len(found) != 1:
        return None  # none, or several alike (one of its own pack's among them: ambiguous too)
    name, pack = found.pop()
    return name if pack != t.pack else None
