"""The size, frame count and rate of a clip file a workflow loads, read from the container's header where the file
lies beside the workflow (a relative name looked for next to it, as reading/picture_header.py looks for a picture),
so that the values measured of the frames a video loader gives (GetImageSizeAndCount, GetImageSize, VideoHelperSuite's
Video Info) are worked out when converting (issue 112, task clipheader6). The file is opened through the checked open
every graph file goes through (a regular file only: no FIFO, no device; FFmpeg opens the checked descriptor), by PyAV,
which the project depends on: FFmpeg reads the container's header and its streams' parameters (its probe), and no
frame is decoded here. The count is the one the container declares (an MP4's sample table, a stream's nb_frames);
a container that declares none (Matroska / WebM keep a duration only) gives no count (None), not one made up from its
duration."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction

from studio.core.checked_open import ReadRefused, library_path

from .picture_header import MAX_SIDE, beside

MAX_FRAMES = 10_000_000  # (a declared count above it is no count a loader would load)


@dataclass(frozen=True)
class Clip:
    width: int
    height: int
    frames: int | None  # as the container declares it; None where it declares none
    rate: float | None  # frames a second (the stream's average rate); None where not given

    def words(self) -> str:
        """'64x48, 20 frames at 24 fps' ('64x48 at 24 fps (no frame count in its header)'; the rate left out where not given)."""
        rate = f" at {self.rate:g} fps" if self.rate else ""
        if self.frames is None:
            return f"{self.width}x{self.height}{rate} (no frame count in its header)"
        return f"{self.width}x{self.height}, {self.frames} frames{rate}"


def clip_of(path: str | None) -> Clip | None:
    """What the clip file at ``path`` declares of its first video stream; None where the file is not there, is not a
    regular file, or is no clip FFmpeg reads a size from."""
    if path is None or not os.path.isfile(path):
        return None
    try:
        import av
    except ImportError:  # (Studio's engine needs PyAV; a converter without it reads no clip)
        return None
    try:
        with library_path(path, "video", named=True) as opened, av.open(opened) as c:
            if not c.streams.video:
                return None
            s = c.streams.video[0]
            w, h = s.codec_context.width, s.codec_context.height
            frames = int(s.frames or 0)
            rate = s.average_rate or s.guessed_rate
    except (ReadRefused, OSError, ValueError, av.error.FFmpegError):
        return None
    if not (0 < w <= MAX_SIDE and 0 < h <= MAX_SIDE):
        return None
    r = float(Fraction(rate)) if rate else None
    return Clip(w, h, frames if 0 < frames <= MAX_FRAMES else None, r if r and math.isfinite(r) and r > 0 else None)


def clip_beside(folder: str | None, name: object) -> Clip | None:
    """The clip ``name`` (a loader's file setting) names, looked for beside the workflow in ``folder``."""
    return clip_of(beside(folder, name))
