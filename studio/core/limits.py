"""Every hard limit of Studio in one place, with the helpers that enforce them early.

A file or a parameter that goes past a limit is refused before any work is done, with a
message that names the limit (so a 60000x60000 PNG header, a 5 MB node id or a FIFO given
as a graph never makes the app hang or run out of memory)."""
from __future__ import annotations

import os
import stat

MAX_GRAPH_FILE_BYTES = 64 * 1024 * 1024   # a graph file (JSON)
MAX_NODES = 10_000                         # nodes in one graph (groups' inner nodes included)
MAX_LINKS = 50_000                         # links in one graph
MAX_GROUP_DEPTH = 32                       # groups inside groups
MAX_ID_LENGTH = 64                         # node ids
MAX_TITLE_LENGTH = 1_000                   # node titles
MAX_STRING_LENGTH = 100_000                # text parameters (prompts)
MAX_PATH_LENGTH = 4096                     # path parameters
MAX_FRAME_SIDE = 16_384                    # pixels, width or height of an image or a video frame
MAX_FRAME_PIXELS = 40_000_000              # width * height (8K is 33 Mpx; float RGB: 480 MB)
MAX_CLIP_FRAMES = 1_000_000                # frames of one clip a graph declares (11.5 hours at 24 fps)
MAX_AUDIO_SAMPLES = 48_000 * 60 * 60 * 2   # two hours at 48 kHz held as one array (2.8 GB as stereo float32)
MAX_MESSAGE_CHARS = 600                    # an error or warning line, as printed or shown
MAX_ECHO_CHARS = 80                        # a value echoed inside a message


def shorten(value, limit: int = MAX_ECHO_CHARS) -> str:
    """``value`` as text, cut to about ``limit`` characters (at a word when one is near) with how
    many more there were."""
    from studio.core.shown import cut
    return cut(value if isinstance(value, str) else repr(value), limit)


def check_text(s: str) -> str | None:
    """Why ``s`` cannot be stored or written (a lone surrogate: not valid Unicode), or None."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as e:
        return (f"contains an invalid character (lone surrogate U+{ord(s[e.start]):04X} at "
                f"position {e.start}): not valid Unicode")
    return None


def check_frame_size(width: int, height: int, what: str) -> str | None:
    """Why a frame of ``width`` x ``height`` is refused, naming the limit, or None."""
    if width > MAX_FRAME_SIDE or height > MAX_FRAME_SIDE:
        return (f"{what} is {width}x{height}; the largest frame Studio reads is {MAX_FRAME_SIDE} "
                f"pixels a side (MAX_FRAME_SIDE)")
    if width * height > MAX_FRAME_PIXELS:
        return (f"{what} is {width}x{height} = {width * height / 1e6:.0f} Mpx; the largest frame Studio "
                f"reads is {MAX_FRAME_PIXELS / 1e6:.0f} Mpx (MAX_FRAME_PIXELS)")
    return None


def regular_file_problem(path: str) -> str | None:
    """Why ``path`` is not an ordinary file that can be read without blocking (a FIFO, a device,
    a folder), or None. Checked with stat before opening: opening a FIFO blocks."""
    try:
        st = os.stat(path)
    except OSError as e:
        return e.strerror or str(e)
    if stat.S_ISDIR(st.st_mode):
        return "it is a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else
                "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        return f"it is {kind}, not a regular file"
    return None
