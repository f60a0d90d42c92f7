"""A later pass started from a few frames of an earlier take encoded as its latent's start (an extension: LTX-2's
audio-to-video extension encodes the last 25 decoded frames with VAEEncode, then masks them by time), told from a
refine (the whole take decoded, resized or not, and encoded again) by the frame pick on the way from the decoder to
the encoder (takes.extend.FRAME_PICKS: ImageFromBatch, GetImageRangeFromBatch...). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import Task
from ..tracing.walks import upstream
from .extend import pick_of

MAX_STEPS = 16
IMAGE_INPUTS = ("pixels", "image", "images", "source_images")


def picked_frames(wf: Workflow, encoder: CNode) -> bool:
    """``encoder`` (a VAEEncode) encodes frames picked from a decoded take: a node of FRAME_PICKS met on its pictures'
    way back, before a decoder, with a decoder above it, picking from a frame other than the first (frames from 0
    on: the take itself, reworked, not continued)."""
    node = encoder
    for _ in range(MAX_STEPS):
        src = next((wf.source(node, k) for k in IMAGE_INPUTS if k in node.links), None)
        if src is None or src.cls.startswith("VAEDecode"):
            return False
        if pick_of(src) is not None:  # frames from past the take's start (negative: its last ones), not the whole take
            at, count = (wf.value(src, k) if k else None for k in pick_of(src))
            later = isinstance(at, (int, float)) and not isinstance(at, bool) and at != 0
            if later and at > 0 and isinstance(count, int) and count < 0:  # essentials' length -1: every frame from
                return False  # 'start' on: the take reworked less its first frames, not continued
            return later and any(x.cls.startswith("VAEDecode") for x in upstream(wf, src))
        node = src
    return False


# the task of a sampler whose latent is so encoded, where no family reads the continuation (held, said)
EXTENSION = Task("a take continued from frames of another take (an extension's next segment)", None, family=None,
                 cannot="start a take from another take's frames encoded into its latent (its generators start from "
                        "a start image, or Wan VACE from a clip to extend); read as a restyle of those frames it "
                        "would be another video")
