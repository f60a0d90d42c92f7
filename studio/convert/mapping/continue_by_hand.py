"""What the hold of a clip's continuation by a noise-mask window (tracing/mask_window.py: LTXVAudioVideoMask keeping
the encoded clip's first seconds) says of Studio's own 'continue_from' (nodes/video_models/takes/continue_from.py, on
LTX-2 Video + Sound and Text to Video): it continues a clip from the clip's LAST frames (the most the VAE encodes whole,
fewer than the take's), a count the converter cannot set to the window's - the frames kept are the encoded clip's
first seconds, of a clip whose length and rate Studio knows only when it runs (heldout17 09: the last 5 s of a clip,
picked by nodes worked out when it runs) - so the take stays held and the sentence says how to make it by hand. Found
by cont3. Plain data."""
from __future__ import annotations

from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.mask_by_time import by_time, time_by_hand, time_words
from ..tracing.mask_window import window_words


def by_hand(wf: Workflow, mask: CNode, loader: CNode | None, file: str) -> str:
    """The words added to the hold's 'cannot' where ``mask``'s window continues a clip ``loader`` loads (a video
    loader), else ''."""
    if loader is None or LOADER_NODES.get(loader.cls, ("", ""))[1] != "video":
        return ""
    if not (window_words(wf, mask) or time_words(wf, mask) or "").startswith("a continuation"):
        return ""
    who = f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id})"
    if by_time(wf, mask) is not None:  # (nothing padded: the take's length is the clip's, learnt when it runs)
        return time_by_hand(wf, mask, who, file)
    return (f"; Studio's 'continue_from' (LTX-2 Video + Sound, Text to Video) continues a clip from the clip's own "
            f"last frames, not from frames a noise mask keeps: to continue the clip {who} loads ('{file}') by hand, "
            "wire it there cut to the frames the mask keeps, and set the take's 'frames' and prompt")
