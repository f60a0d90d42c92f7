"""A mask resized on its way to a generator's Mask input (a speaker's face mask through ComfyUI's ImageScale, 102/02's
shape): Studio's Scale gives a Video, which a Mask input does not take, so the scaled mask is taken back as a Mask by
Mask Tools (its one channel as it is: 'luma' of a one-channel frame is that channel). Before, the mask was said "not
wired ... Mask does not accept Video" and left off. Plain graph edits."""
from __future__ import annotations

TITLE = "Mask (scaled)"


def _gives_mask(g, nid: str, port: str) -> bool:
    spec = g.nodes[nid].spec
    return spec is not None and any(o.name == port and o.type == "Mask" for o in spec.outputs)


def as_mask(b, nid: str, out: str, want: str) -> tuple[str, str]:
    """(nid, out), or a Mask Tools after it where ``want`` (the input's type) is a Mask and ``nid`` is a Scale of a
    mask."""
    node = b.g.nodes.get(nid) if want == "Mask" else None  # (a node of another graph: not in this one)
    link = b.g.input_link(nid, "video") if node is not None and node.type_id == "transform.scale" else None
    if link is None or link.src not in b.g.nodes or not _gives_mask(b.g, link.src, link.src_port):
        return nid, out
    back = b.add("edit.mask_tools", {}, None, title=TITLE)
    b.g.connect(nid, out, back, "mask")
    return back, "mask"
