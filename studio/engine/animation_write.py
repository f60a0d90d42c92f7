"""A clip written as an animated picture through Pillow: an animated WEBP (lossless or lossy, its quality and
method as ComfyUI's SaveAnimatedWEBP declares them), a GIF or an animated PNG, at a given frame rate and loop
count, the graph kept in the file where the format has room for text (and read back from it here): a PNG's text
chunks, a WEBP's EXIF strings (ComfyUI's own places: 'workflow' at Make, 'prompt' at Model, Studio's graph at
ImageDescription), a GIF's comment.

Memory: the clip's float frames are pulled 8 at a time and each kept only as an 8-bit RGB picture; Pillow's savers
take every frame before they write (its WEBP saver counts them first, its PNG and GIF savers compare each with the
last), so the whole animation is held as 8-bit pictures (3 bytes a pixel a frame: 81 frames of 832 x 480 about
97 MB) until the file is written; past MAX_HELD_BYTES it is refused before any frame is made, with words saying so.
The file is written beside its place and renamed over it at the end (a failed write leaves the old file). A frame the
same as the one before it is merged into it by Pillow (one frame shown for both durations), as in ComfyUI's files."""
from __future__ import annotations

import json
import os
from typing import Callable

import numpy as np

from studio.core.errors import MediaError
from studio.core.paths import atomic_path, output_problem

FORMATS = {".webp": "WEBP", ".gif": "GIF", ".png": "PNG", ".apng": "PNG"}
WEBP_METHODS = {"default": 4, "fastest": 0, "slowest": 6}  # ComfyUI's SaveAnimatedWEBP choices and their values
GRAPH_KEY = "studio_graph"
GRAPH_EXIF = 0x010E  # ImageDescription: Studio's graph ('studio_graph:{...}')
WORKFLOW_EXIF, PROMPT_EXIF = 0x010F, 0x0110  # Make and Model: ComfyUI's 'workflow:' and 'prompt:' strings
MAX_HELD_BYTES = 8 << 30
CHUNK = 8


def format_of(path: str) -> str | None:
    """Pillow's format name for ``path``'s extension; None for one this writer does not write."""
    return FORMATS.get(os.path.splitext(str(path))[1].lower())


def durations_ms(n: int, fps: float, step: int = 1) -> list[int]:
    """Each frame's duration in ms (in steps of ``step``: a GIF's 10 ms), rounded so their running sum stays on the
    rate's clock (24 fps: 40, 40, 50, 40, ... for a GIF, never drifting as 41 ms each would)."""
    t = [round(1000.0 * k / fps / step) * step for k in range(n + 1)]
    return [max(step, t[k + 1] - t[k]) for k in range(n)]


def write_animation(path: str, clip, frames: range, fps: float, *, loop: int = 0, lossless: bool = True,
                    quality: int = 80, method: str = "default", compress_level: int = 4,
                    graph_json: str | None = None, tags: dict[str, str] | None = None,
                    on_chunk: Callable[[int, int], None] | None = None,
                    check: Callable[[], None] | None = None) -> int:
    """Write ``frames`` of ``clip`` to ``path`` (its extension picks WEBP, GIF or PNG), each shown 1/``fps`` s,
    with the loop count ``loop`` as Pillow writes it (0: for ever; a WEBP or PNG plays that many times, a GIF repeats
    that many times after its first play). Returns the frames written; MediaError with words for a bad value."""
    fmt = format_of(path)
    if fmt is None:
        raise MediaError(f"'{os.path.basename(path)}': an animation is written as .webp, .gif or .png "
                         "(an MP4 or WEBM: Save Video)")
    if not (fps > 0 and np.isfinite(fps)):
        raise MediaError(f"the frame rate {fps:g} is not a rate to show frames at: give one above 0")
    if method not in WEBP_METHODS:
        raise MediaError(f"method '{method}' is not one of {', '.join(WEBP_METHODS)}")
    n = len(frames)
    if n == 0:
        raise MediaError("the clip has no frames to write")
    held = n * clip.width * clip.height * 3
    if held > MAX_HELD_BYTES:
        raise MediaError(f"{n} frames of {clip.width} x {clip.height} would be held whole ({held / 2**30:.1f} GB) "
                         f"while Pillow writes the {fmt}; the most is {MAX_HELD_BYTES / 2**30:.0f} GB: write fewer "
                         "frames, a smaller size, or an MP4 (Save Video)")
    why = output_problem(path)
    if why:
        raise MediaError(f"cannot write the animation: {why}")
    pictures = _pictures(clip, frames, on_chunk, check)
    options = _options(fmt, n, fps, loop, lossless, quality, method, compress_level, graph_json, tags or {})
    with atomic_path(path, prefix=".render-") as tmp:  # (the house's atomic write: a full disk named, tmp removed)
        pictures[0].save(tmp, format=fmt, save_all=True, append_images=pictures[1:], **options)
    return n


def _pictures(clip, frames: range, on_chunk, check) -> list:
    """The frames as 8-bit RGB pictures, pulled from the clip ``CHUNK`` at a time."""
    from PIL import Image
    out = []
    for a in range(frames.start, frames.stop, CHUNK):
        if check is not None:
            check()
        b = min(a + CHUNK, frames.stop)
        block = np.asarray(clip.chunk(a, b))
        for f in block:
            u8 = np.clip(f[..., :3] * 255.0 + 0.5, 0, 255).astype(np.uint8)
            if u8.shape[2] == 1:
                u8 = np.repeat(u8, 3, axis=2)
            out.append(Image.fromarray(np.ascontiguousarray(u8), "RGB"))
        del block
        if on_chunk is not None:
            on_chunk(len(out), len(frames))
    return out


def _options(fmt: str, n: int, fps: float, loop: int, lossless: bool, quality: int, method: str,
             compress_level: int, graph_json: str | None, tags: dict[str, str]) -> dict:
    """Pillow's save options for ``fmt``: durations, loop, encoder settings, the graph and the client's tags."""
    if fmt == "GIF":
        o: dict = {"duration": durations_ms(n, fps, 10), "disposal": 1, "optimize": False, "loop": int(loop)}
        if graph_json:
            o["comment"] = f"{GRAPH_KEY}:{graph_json}".encode("utf-8")
        return o
    o = {"duration": durations_ms(n, fps), "loop": int(loop)}
    if fmt == "WEBP":
        o.update(lossless=bool(lossless), quality=int(quality), method=WEBP_METHODS[method])
        exif = _exif(graph_json, tags)
        if exif is not None:
            o["exif"] = exif
        return o
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    for k, v in tags.items():
        info.add_text(k, v)
    if graph_json:
        info.add_text(GRAPH_KEY, graph_json)
    o.update(compress_level=int(compress_level), pnginfo=info, default_image=False)
    return o


def _exif(graph_json: str | None, tags: dict[str, str]):
    from PIL import Image
    if not graph_json and not tags:
        return None
    exif = Image.Exif()
    if graph_json:
        exif[GRAPH_EXIF] = f"{GRAPH_KEY}:{graph_json}"
    if "workflow" in tags:
        exif[WORKFLOW_EXIF] = f"workflow:{tags['workflow']}"
    if "prompt" in tags:
        exif[PROMPT_EXIF] = f"prompt:{tags['prompt']}"
    return exif


def read_graph(path: str) -> str | None:
    """The Studio graph an animated picture written here carries (JSON text), or None: read from its metadata
    (Pillow reads the header and text, no frame decoded past the first's header)."""
    from PIL import Image
    from studio.core.checked_open import ReadRefused, library_path
    try:
        with library_path(path, "picture", named=True) as opened, Image.open(opened) as im:
            text = _graph_text(im)
    except (OSError, ReadRefused, ValueError, SyntaxError):
        return None
    if not text:
        return None
    try:
        json.loads(text)
    except ValueError:
        return None
    return text


def _graph_text(im) -> str | None:
    if im.format == "PNG":
        return im.text.get(GRAPH_KEY) if hasattr(im, "text") else None
    if im.format == "GIF":
        c = im.info.get("comment") or b""
        c = c.decode("utf-8", "replace") if isinstance(c, bytes) else str(c)
        return c[len(GRAPH_KEY) + 1:] if c.startswith(GRAPH_KEY + ":") else None
    if im.format == "WEBP":
        raw = im.info.get("exif")
        if not raw:
            return None
        from PIL import Image
        exif = Image.Exif()
        exif.load(raw)
        v = exif.get(GRAPH_EXIF)
        v = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
        return v[len(GRAPH_KEY) + 1:] if isinstance(v, str) and v.startswith(GRAPH_KEY + ":") else None
    return None
