"""The take's size and length wired from a node the builder folds into the latent (GetImageSize), or from any other
node, where its value could not be worked out when converting (the size of a picture a pack's resize makes, a
sum of values Studio does not know): said on the latent, never left 0 silently."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode, Workflow

PARAMS = (("width", "width"), ("height", "height"), ("length", "frames"))  # the latent's setting -> the generator's


def _named(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def unread_sizes(wf: Workflow, latent: CNode, values: dict[str, Any]) -> str:
    """One sentence for the latent's width, height and length that are wired from a folded node and were not worked
    out ('' where none is)."""
    lost, sources = [], {}
    for name, param in PARAMS:
        src = wf.source(latent, name) if name in latent.links else None
        if values.get(param) is None and src is not None and src.id not in wf.sized:  # (folded, or a node whose
            # value is not known; not a resize whose picture Studio's Scale makes that size: size_source.py)
            lost.append(name)
            sources.setdefault(src.id, src)
    if not lost:
        return ""
    words = []
    for src in sources.values():
        image = wf.source(src, "image") if "image" in src.links else None
        words.append(_named(src) + (f" (the size of what {_named(image)} gives)" if image is not None else ""))
    made = ", ".join(f"'{p}'" for n, p in PARAMS if n in lost)
    one = len(lost) == 1
    return (f"{_named(latent)}'s {' and '.join(lost)} come{'s' if one else ''} from {', '.join(words)}, whose "
            f"value{'s' if len(words) > 1 else ''} "
            f"Studio cannot work out when converting: not read, the generator's own {'is' if one else 'are'} used "
            f"(set its {made} to the workflow's)")
