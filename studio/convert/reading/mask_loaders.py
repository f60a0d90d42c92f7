"""ComfyUI core's LoadImageMask (a picture file's colour channel as a MASK) read as its Load Image and that channel:
ComfyUI's nodes.py LoadImageMask (read for facts, Comfy-Org/ComfyUI@a125cd84): the file opened as RGBA, its
'channel' ('alpha', 'red', 'green', 'blue') taken as the mask, 'alpha' inverted (1 - alpha, as LoadImage's own MASK).
'alpha': the node read as LoadImage, what it gave read from LoadImage's MASK (mapping.mask_of_alpha: Studio's Load
Image's alpha through Mask Tools inverting it); a colour: the node read as LoadImage (its file) and a node made here,
ImageToMask of its picture by that channel (mapping.picture_mask: Mask Tools picking it), what it gave read from that.
Found by heldout104 (PolyGoneNYC's background lock mask, 'red') and heldout109 05 (SekoTalk's speakers' masks, 'red'),
whose masks were passed over with their readers. Keyed on the core type (its meaning is its code, not its declared
types: as mask_of_alpha). Plain stdlib."""
from __future__ import annotations

from typing import Any

TYPE = "LoadImageMask"
COLOURS = ("red", "green", "blue")
SUFFIX = "~channel"  # the id of the channel node made for one (beside the loader's own id)


def _setting(n: Any, name: str, at: int) -> Any:
    """Its setting ``name``, or the value a UI file saved at place ``at`` where the names are not read."""
    if name in n.widgets:
        return n.widgets[name]
    return n.raw[at] if isinstance(n.raw, list) and len(n.raw) > at else None


def read(nodes: dict[str, Any]) -> None:
    """Each LoadImageMask given a file (nothing wired in) read as above, in place (``nodes`` gains the channel nodes);
    what is made of it is said where its reader is read (a Mask Tools step, or passed over with it)."""
    for n in list(nodes.values()):
        if n.cls != TYPE or n.links:
            continue
        name, channel = _setting(n, "image", 0), _setting(n, "channel", 1)
        if not isinstance(name, str) or not name.strip() or channel not in ("alpha", *COLOURS):
            continue
        users = [(m, k) for m in nodes.values() for k, (src, slot) in m.links.items() if src == n.id and slot == 0]
        n.origin, n.cls, n.widgets = TYPE, "LoadImage", {"image": name}
        n.out_types, n.out_names = ["IMAGE", "MASK"], ["IMAGE", "MASK"]
        if channel == "alpha":
            for m, k in users:
                m.links[k] = (n.id, 1)
        else:
            cid = n.id + SUFFIX
            nodes[cid] = type(n)(cid, "ImageToMask", title=n.title or TYPE, mode=n.mode, widgets={"channel": channel},
                               links={"image": (n.id, 0)}, pos=n.pos, raw=[channel], in_types={"image": "IMAGE"},
                               out_types=["MASK"], out_names=["MASK"], said_as=f"the {channel} channel {n.named()} takes")
            for m, k in users:
                m.links[k] = (cid, 0)
