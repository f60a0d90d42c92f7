"""A later pass started from a few frames of an earlier take encoded as its latent's start (an extension: LTX-2's
audio-to-video extension encodes the last 25 decoded frames with VAEEncode, then masks them by time), told from a
refine (the whole take decoded, resized or not, and encoded again) by the frame pick on the way from the decoder to
the encoder (takes.extend.FRAME_PICKS: ImageFromBatch, GetImageRangeFromBatch...). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .extend import FRAME_PICKS

MAX_STEPS = 16
IMAGE_INPUTS = ("pixels", "image", "images", "source_images")


def picked_frames(wf: Workflow, encoder: CNode) -> bool:
    """``encoder`` (a VAEEncode) encodes frames picked from a decoded take: a node of FRAME_PICKS met on its pictures'
    way back, before a decoder."""
    node = encoder
    for _ in range(MAX_STEPS):
        src = next((wf.source(node, k) for k in IMAGE_INPUTS if k in node.links), None)
        if src is None or src.cls.startswith("VAEDecode"):
            return False
        if src.cls in FRAME_PICKS:
            return True
        node = src
    return False
