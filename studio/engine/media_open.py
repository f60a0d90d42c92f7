"""A media file opened for PyAV: its checks before FFmpeg sees it (chosen, there, a regular file, not empty) and
FFmpeg's refusal in words. Shared by the video reader (studio.engine.media) and the sound readers
(studio.engine.sound_file, studio.engine.sound_spans)."""
from __future__ import annotations

import os

from studio.core.checked_open import ReadRefused, library_path
from studio.core.errors import MediaError
from studio.core.limits import regular_file_problem


def open_media(path: str, what: str):
    """The container of ``path`` (a 'video' or 'audio' file, as ``what`` names it), or MediaError in words."""
    import av
    if not path:
        raise MediaError(f"no {what} file chosen")
    if not os.path.exists(path):
        raise MediaError(f"{what} file not found: {path}")
    if os.path.isdir(path):
        raise MediaError(f"{path} is a folder, not a {what} file")
    why = regular_file_problem(path)
    if why:  # a FIFO would block the open forever, a device never ends
        raise MediaError(f"cannot read {what} '{path}': {why}")
    if os.path.getsize(path) == 0:
        raise MediaError(f"{what} file is empty: {path}")
    try:  # FFmpeg opens the checked descriptor's file (/proc/self/fd/N), never a name swapped since the check
        with library_path(path, what, named=True) as opened:  # named: FFmpeg's probe weighs the extension
            return av.open(opened)
    except ReadRefused as e:
        raise MediaError(str(e)) from None
    except av.error.FFmpegError as e:
        raise MediaError(f"cannot read {what} '{os.path.basename(path)}': corrupt or not {'an' if what[0] in 'aeiou' else 'a'} {what} "
                         f"file ({e.strerror or type(e).__name__})") from None
