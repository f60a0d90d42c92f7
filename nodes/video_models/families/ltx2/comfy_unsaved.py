"""A keyframe image's strength a file does not save (heldout103 02: an API export of KJNodes' LTXVImgToVideoInplaceKJ
that kept 'num_images.image_1' and 'image_2' but left out every 'num_images.strength_i' and 'index_i'): Studio holds
the keyframe at LTX-2's keyframe strength as it stands, said, never in silence. Plain stdlib."""
from __future__ import annotations

from typing import Any


def unsaved_strength(n: Any, port: str, strength: Any, said: list[str]) -> None:
    """A sentence in ``said`` where node ``n`` saves no strength for its image on ``port`` (none given, none wired)."""
    key = port.replace(".image_", ".strength_")
    if strength is None and key not in n.links:
        said.append(f"the file saves no strength for '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s image on "
                    f"'{port}' ('{key}'): the keyframe is held at LTX-2's keyframe strength as it stands")
