"""An image step that gives a picture of the size it is given, told by its declared types: one IMAGE socket, one
IMAGE output, an image operation (the catalogue's), and no setting that could change a size (none named for a width,
height, scale, size, resolution, crop, pad, edge, rotation, megapixels or a multiple). A size measured after it is the
size before it (heldout25 10: LTX-Infinity measures its anchor after LTXVPreprocess, the anchor a KJ resize to
1280x720: 'a value Studio cannot work out'). Plain stdlib."""
from __future__ import annotations

import re

from .. import catalogue

SIZE_WORDS = re.compile(r"(?i)width|height|scale|size|resol|crop|pad|edge|rotat|megapix|multiple|divis|upscale|"
                        r"downscale|factor|aspect|tile|frame|batch|length|count|amount|top|left|right|bottom")


def image_input(node) -> str | None:
    """The picture input of a size-keeping step ``node``; None for any other node."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or not t.outputs or not catalogue.image_operation(t):
        return None
    sockets = list(t.sockets)
    if len(sockets) != 1 or sockets[0].type != "IMAGE" or list(t.output_types) != ["IMAGE"]:
        return None
    if any(SIZE_WORDS.search(w.name) for w in t.widgets):
        return None
    return sockets[0].name
