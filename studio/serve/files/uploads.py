"""Uploads written into the server's folders: a file as sent (``/upload/image``), or a mask painted
over an image already there (``/upload/mask``: the image with the mask's alpha as its own, saved as
PNG, as ComfyUI's mask editor expects). A name already taken by other bytes gets ' (1)', ' (2)'...;
each file is written beside its place and renamed into it; a name with a control character is
refused whole. Pillow reads an image's header first: one over Studio's frame limits is refused
before it is decoded."""
from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import uuid

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from studio.core.limits import MAX_FRAME_PIXELS

from ..checks.folders import NAME_MAX, TYPES, UPLOAD_EXTS, Folders

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # in an upload's name: refused whole, never cut away
MAX_NAME = NAME_MAX


class NameTooLong(ValueError):
    """A file's name longer than the folder takes (said to the client as a 400)."""


def name_too_long(name: str) -> str:
    """Why ``name`` cannot be a file's name here ('' when it can): its length as written on the disk
    (UTF-8 bytes: 100 'é' are 200), against the 255 bytes a name may have."""
    n = len(os.fsencode(name))
    if n <= MAX_NAME:
        return ""
    return (f"the file's name is {n} bytes as written on the disk ({len(name)} characters): a name may have at most "
            f"{MAX_NAME} bytes; give the file a shorter name")


def _size(f) -> int:
    f.seek(0, os.SEEK_END)
    n = f.tell()
    f.seek(0)
    return n


class BadMask(ValueError):
    """A mask upload that cannot be made (said to the client as a 400)."""


async def receive(request, folders: Folders, max_upload: int, mask: bool):
    """ComfyUI's /upload/image and /upload/mask: the file 'image' into the folder 'type' (input,
    temp or output) under 'subfolder'; a mask is first laid as alpha over the image its
    'original_ref' ({filename, subfolder, type}) names."""
    try:
        post = await request.post()
    except web.HTTPRequestEntityTooLarge:
        return web.Response(status=413, text=f"uploads are limited to {max_upload // 2**20} MB")
    except (ValueError, HttpProcessingError):  # a part's header with a NUL, a broken body
        return web.Response(status=400, text="not a multipart upload (or a part's header is malformed)")
    image = post.get("image")
    kind = str(post.get("type") or "input")
    if kind not in TYPES or not hasattr(image, "file") or not getattr(image, "filename", ""):
        return web.Response(status=400, text="an 'image' file is needed (type input, temp or output)")
    if _CONTROL.search(str(image.filename)):
        return web.Response(status=400, text="the file's name has a control character")
    name = os.path.basename(str(image.filename).replace("\\", "/"))
    too_long = name_too_long(name)
    if too_long:
        return web.Response(status=400, text=too_long)
    size = _size(image.file)
    if size > max_upload:
        return web.Response(status=413, text=f"the file is {size:,} bytes: an upload is at most {max_upload:,} bytes "
                                             f"({max_upload // 2**20} MB, main.py serve --max-upload-mb)")
    if os.path.splitext(name)[1].lower() not in (UPLOAD_EXTS if not mask else (".png",)):
        return web.Response(status=400, text="only images, video and audio are taken" if not mask else
                            "a mask is saved as PNG: give its file a .png name")
    sub = str(post.get("subfolder") or "")
    folder = folders.folder(kind, sub)
    if folder is None or folders.file(kind, sub, name) is None:
        return web.Response(status=400, text=f"not a file name inside the {kind} folder")
    overwrite = str(post.get("overwrite") or "").lower() in ("true", "1")
    loop, src = asyncio.get_running_loop(), image.file
    if mask:
        original = _original(folders, post.get("original_ref"))
        if original is None:
            return web.Response(status=400, text="original_ref must name an image in the server's folders: "
                                                 '{"filename": ..., "subfolder": ..., "type": ...}')
        try:
            src = await loop.run_in_executor(None, masked, image.file, original)
        except BadMask as e:
            return web.Response(status=400, text=str(e))
    try:
        name = await loop.run_in_executor(None, store, src, folder, name, overwrite)
    except NameTooLong as e:
        return web.Response(status=400, text=str(e))
    except OSError as e:  # the disk full, a folder's name taken by a file...: said, nothing kept
        return web.Response(status=400, text=f"the file could not be written into the {kind} folder "
                                             f"({e.strerror or type(e).__name__})")
    return web.json_response({"name": name, "subfolder": sub, "type": kind})


def _original(folders: Folders, ref) -> str | None:
    """The image a mask's original_ref names (None when it names none inside the folders)."""
    try:
        ref = json.loads(str(ref)) if ref is not None else None
    except ValueError:
        return None
    if not isinstance(ref, dict) or not all(isinstance(ref.get(k, ""), str) for k in ("filename", "subfolder",
                                                                                      "type")):
        return None
    path = folders.file(ref.get("type") or "output", ref.get("subfolder", ""), ref.get("filename", ""))
    return path if path is not None and os.path.isfile(path) else None


def store(src, folder: str, name: str, overwrite: bool) -> str:
    """Write ``src`` (a binary file) into ``folder`` as ``name`` (or a free name); the name used."""
    os.makedirs(folder, exist_ok=True)
    stem, ext = os.path.splitext(name)
    path, k = os.path.join(folder, name), 1
    while os.path.lexists(path) and not overwrite:
        if not os.path.islink(path) and _same_bytes(path, src):
            return os.path.basename(path)
        path, k = os.path.join(folder, f"{stem} ({k}){ext}"), k + 1
    if name_too_long(os.path.basename(path)):  # ' (1)' made it longer than a name may be
        raise NameTooLong(f"'{name[:60]}...' is taken and '{os.path.basename(path)[:60]}...' would be longer than "
                          f"{MAX_NAME} bytes: give the file a shorter name or overwrite")
    tmp = os.path.join(folder, f".upload-{uuid.uuid4().hex}.part")  # its own short name: any name fits beside
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
