"""A folder of pictures as the start of a utility's way: a pack's folder loader read as Studio's Load Image Sequence
(reading.folders.FOLDER, told by its declared types) -> a utility (a frame interpolation, an upscale...) -> a save.

heldout118 05: VideoHelperSuite's Load Images (a folder of frames) -> 'GMFSS Fortuna VFI' x2 -> VHS_VideoCombine at 8
fps made no Studio node ("no video output with a sampler found: only notes made"), though the same chain from a Load
Video is made: the way back from the save started at a Load Video or at loaded pictures joined (stills_clip) only.
The folder's Load Image Sequence gives the frames as a clip (its 'video', at its own 24 fps until the way's rate
is set), with no sound: the way's output writes none, and nothing is said of a loaded clip's sound. Plain data."""
from __future__ import annotations

from ..reading.folders import FOLDER
from ..reading.workflow import CNode

SEQUENCE_FPS = 24.0  # Load Image Sequence's own rate (nodes/footage/sequence.py's default 'fps')


def starts(n: CNode) -> bool:
    """``n`` is a folder of pictures read as Studio's Load Image Sequence, where a utility's way may start."""
    return n.enabled and n.cls == FOLDER


def started(stills: list | None, loader: CNode, joined: str) -> str:
    """The Log's words for what a way starts from: ``joined`` (stills_clip's words) unless ``loader`` is a folder."""
    return "Load Image Sequence" if starts(loader) and not stills else joined


def rate_lines() -> list[str]:
    """The sentence for a folder's pictures made a clip with no rate set on the way: the rate they are taken at."""
    return [f"the folder's pictures are a clip at {SEQUENCE_FPS:g} fps (Load Image Sequence's own rate), the frames "
            "written at the rate they reach Save Video with"]
