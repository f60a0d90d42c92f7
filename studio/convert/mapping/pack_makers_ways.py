"""Two ways a node pack's maker of an output is found that pack_makers' first rules (a node made from a model or a
pack object of a declared type; a lip-sync) miss, both told by types, never by the packs' names (heldout97):

- an API file names no types, and where no pack in the catalogue declares a pack's nodes their inputs are of no
  known type: a node given such an input from another such node (neither ComfyUI's own node nor a file loader) is
  made from the pack's own objects (a MiniMax H3 pack's decoder given the sampled latent and the VAE bundle), so a
  maker, as one given a declared pack object is (07: the API twin of a UI graph held in words got no sentence of
  what it makes); what the makers are made with is still followed along declared types only (a pack's text node
  feeding its looper keeps the sentence saying its lines whole: ctxapi6);
- a node on the output's way made from values alone (no picture, video, sound, mask or latent wired into it) that
  gives what the output writes is where it comes from: an all-in-one pipeline given only a prompt, its model named in
  its settings (10: a pack's LTX pipeline whose frames pass two more of its nodes before the save was held in no
  sentence);
- a node the makers are made with that is itself given a picture, a video or a sound (its own links, typed by what
  gives them where the file names no types) makes it with them: LivePortrait's node given the picture and the
  driving clip, whose pack object a scene picker then gives the save (heldout113 02: the picker was said to make the
  video and LivePortrait to be what it is made with). Stdlib and data."""
from __future__ import annotations

from .. import catalogue
from ..reading.core_nodes import is_core
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.roles import in_type

MEDIA_WAY = frozenset({"IMAGE", "VIDEO", "AUDIO", "MASK", "LATENT"})


def _undeclared(n: CNode) -> bool:
    """A node no pack in the catalogue declares, read from a file that names no types (an API file)."""
    return not n.in_types and not n.out_types and catalogue.node_type(n.origin or n.cls) is None


def pack_objects(wf: Workflow, n: CNode) -> list[str]:
    """``n``'s inputs of no known type wired from another undeclared node of a pack (not ComfyUI's own, not a file
    loader): the pack's own objects, where ``n`` itself is undeclared in a file naming no types."""
    if not _undeclared(n):
        return []
    out = []
    for k, (src_id, _) in n.links.items():
        src = wf.nodes.get(src_id)
        if in_type(n, k) == "" and src is not None and src.cls not in LOADER_NODES and not is_core(src) \
                and _undeclared(src):
            out.append(k)
    return out


def from_values(cands: list[CNode], up: list[CNode]) -> list[CNode]:
    """The candidates (a pack's nodes on the output's way giving what it writes) made from values alone: nothing of
    a picture, a video, a sound, a mask or a latent wired into them, as a UI file's sockets say (an API file names no
    types: an undeclared node's inputs are of no known type, so it is never said to be made from values alone). None
    where a file loader is on the output's way: what is written is then made from that file too, not by the node
    made from values (a matting pack's solid-colour background composited with the loaded clip makes no video)."""
    if any(n.enabled and n.cls in LOADER_NODES for n in up):
        return []
    return [n for n in cands if n.out_types and not {in_type(n, k) for k in n.links} & MEDIA_WAY]


GIVEN = frozenset({"IMAGE", "VIDEO", "AUDIO"})


def given_media(wf: Workflow, n: CNode) -> bool:
    """``n`` is given a picture, a video or a sound: an input of that declared type, or one of no known type wired
    from a node declaring that type at that output (a sampler's decoded pictures), or from a media file loader."""
    for k, (src_id, slot) in n.links.items():
        kind = in_type(n, k)
        if kind in GIVEN:
            return True
        src = wf.nodes.get(src_id)
        if kind or src is None or not src.enabled:
            continue
        t = catalogue.node_type(src.origin or src.cls)
        outs = src.out_types or (t.output_types if t is not None else ())
        if (isinstance(slot, int) and 0 <= slot < len(outs) and outs[slot] in GIVEN) or src.cls in LOADER_NODES:
            return True
    return False
