"""Image to Video's image_fit 'crop' where the task node giving it its start picture (or its last) puts that picture
in cut to the take's aspect about the middle, then scaled (ComfyUI's common_upscale 'bilinear', 'center'; a family's
'centre_cropped' hook names the node types and their picture ports: Wan's WanImageToVideo,
WanFirstLastFrameToVideo and Wan22ImageToVideoLatent, LTX-Video's LTXVImgToVideo), the picture loaded or made first
(takes/still_first.py): Image to Video then cuts it so before its pipeline resizes it, where 'stretch' (its default)
would squash a picture of another aspect (diffusers' video_processor.preprocess, resize_mode 'default'). The same
frames where the aspects match: nothing to say. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.tasks import I2V


def apply(b: Any, node: CNode | None, gen: str) -> None:
    """``b.extra['image_fit']`` 'crop' where ``gen`` is Image to Video and ``node`` (its task node) crops so a picture
    it is given (wired, or an earlier take's or a still's: ``b.continuing``). By the node's type in the file: a pack's
    node read as one that crops (kijai's WanVideoImageToVideoEncode translated to WanImageToVideo, which stretches its
    pictures: common_upscale 'lanczos', 'disabled'; a variant read by its types) keeps the stretch."""
    ports = families.lookup("centre_cropped").get(node.origin or node.cls, ()) if node is not None and gen == I2V \
        else ()
    if any(p in node.links or (node.id, p) in b.continuing for p in ports):
        b.extra["image_fit"] = "crop"
