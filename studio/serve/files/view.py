"""ComfyUI's ``/view`` of an image with ``preview`` ('webp;90', 'jpeg;75': the image re-encoded
smaller, for a gallery) or ``channel`` ('rgb': without its alpha, 'a': its alpha alone, 'rgba': as
it is), as ComfyUI's frontend asks for them. A file that is no image (a video, audio) is served as
it is, as is any image asked for as it is. Pillow reads the header first: an image over Studio's
frame limits is served as it is, never decoded."""
from __future__ import annotations

import io

from studio.core.limits import MAX_FRAME_PIXELS

IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif")
CHANNELS = ("rgba", "rgb", "a")


def wanted(query) -> bool:
    """Whether the request asks for the image changed (a preview, or a channel other than all)."""
    return "preview" in query or query.get("channel", "rgba") != "rgba"


def converted(path: str, preview: str | None, asked: str) -> tuple[bytes, str] | None:
    """(bytes, content type) of the image at ``path`` as asked (``asked``: the channel parameter,
    '' when none); None when it is to be served as it is (no image, too large, a channel ComfyUI
    does not name). A worker's thread: it decodes."""
    from PIL import Image, UnidentifiedImageError
    channel = asked or "rgba"
    if not path.lower().endswith(IMAGE_EXTS) or channel not in CHANNELS:
        return None
    try:
        with Image.open(path) as img:
            if img.width * img.height > MAX_FRAME_PIXELS:
                return None
            img.load()
            if preview is not None:
                kind, _, rest = preview.partition(";")
                kind = kind if kind in ("webp", "jpeg") and "a" not in asked else "webp"  # alpha kept: webp
                quality = int(rest) if rest.isdigit() and 1 <= int(rest) <= 100 else 90
                out = img.convert("RGB") if kind == "jpeg" or channel == "rgb" else img
                if out.mode not in ("RGB", "RGBA", "L"):
                    out = out.convert("RGBA")
                return _encoded(out, kind.upper(), quality), f"image/{kind}"
            if channel == "rgb":
                return _encoded(img.convert("RGB"), "PNG"), "image/png"
            if channel == "a":
                alpha = img.convert("RGBA").getchannel("A")
                out = Image.new("RGBA", img.size)
                out.putalpha(alpha)
                return _encoded(out, "PNG"), "image/png"
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return None


def _encoded(img, fmt: str, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, quality=quality)
    return buf.getvalue()
