"""Uploads written into the server's folders: a file as sent (``/upload/image``), or a mask painted
over an image already there (``/upload/mask``: the image with the mask's alpha as its own, saved as
PNG, as ComfyUI's mask editor expects). A name already taken by other bytes gets ' (1)', ' (2)'...;
each file is written beside its place and renamed into it. Plain Python and Pillow (its header read
first: an image over Studio's frame limits is refused before it is decoded)."""
from __future__ import annotations

import io
import os
import shutil
import uuid

from studio.core.limits import MAX_FRAME_PIXELS


class BadMask(ValueError):
    """A mask upload that cannot be made (said to the client as a 400)."""


def store(src, folder: str, name: str, overwrite: bool) -> str:
    """Write ``src`` (a binary file) into ``folder`` as ``name`` (or a free name); the name used."""
    os.makedirs(folder, exist_ok=True)
    stem, ext = os.path.splitext(name)
    path, k = os.path.join(folder, name), 1
    while os.path.exists(path) and not overwrite:
        if _same_bytes(path, src):
            return os.path.basename(path)
        path, k = os.path.join(folder, f"{stem} ({k}){ext}"), k + 1
    tmp = path + f".part-{uuid.uuid4().hex[:8]}"
    src.seek(0)
    try:
        with open(tmp, "wb") as f:
            shutil.copyfileobj(src, f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return os.path.basename(path)


def _same_bytes(path: str, src) -> bool:
    src.seek(0, os.SEEK_END)
    if os.path.getsize(path) != src.tell():
        return False
    src.seek(0)
    with open(path, "rb") as f:
        while True:
            a, b = f.read(2**20), src.read(2**20)
            if a != b:
                return False
            if not a:
                return True


def masked(mask_file, original: str) -> io.BytesIO:
    """``original`` (an image in the server's folders) with the alpha of ``mask_file`` as its alpha:
    a PNG in memory. BadMask when either is no image, too large, the sizes differ or the mask has no
    alpha (nothing is resized or guessed)."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(original) as orig, Image.open(mask_file) as mask:
            for what, im in (("the original image", orig), ("the mask", mask)):
                if im.width * im.height > MAX_FRAME_PIXELS:
                    raise BadMask(f"{what} is {im.width}x{im.height}: over {MAX_FRAME_PIXELS:,} pixels")
            if mask.size != orig.size:
                raise BadMask(f"the mask is {mask.width}x{mask.height} and the image {orig.width}x{orig.height}: "
                              "they must be the same size")
            if "A" not in mask.getbands():
                raise BadMask("the mask has no alpha channel (ComfyUI's mask editor paints the mask as alpha)")
            out = orig.convert("RGBA")
            out.putalpha(mask.getchannel("A"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise BadMask(f"not an image Studio can read ({type(e).__name__})") from None
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    buf.seek(0)
    return buf
