"""numpy arrays to and from QImage (sharing memory one way, copying the other)."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def qimage(rgb: np.ndarray) -> QImage:
    """A QImage that shares ``rgb``'s memory (keep the array alive while the image lives).
    H x W x 3 is RGB; H x W x 4 is BGRA from :func:`to_bgra` (painted ~4x faster)."""
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    fmt = QImage.Format_RGB32 if rgb.shape[2] == 4 else QImage.Format_RGB888
    img = QImage(rgb.data, w, h, rgb.strides[0], fmt)
    img._keep = rgb  # noqa: SLF001 - tie the buffer's lifetime to the image
    return img


def qimage_rgba(rgba: np.ndarray) -> QImage:
    """A straight-alpha RGBA8888 QImage sharing ``rgba``'s memory (H x W x 4 uint8, contiguous),
    which it keeps alive as long as the image lives."""
    h, w = rgba.shape[:2]
    img = QImage(rgba.data, w, h, rgba.strides[0], QImage.Format_RGBA8888)
    img._keep = rgba  # noqa: SLF001 - tie the buffer's lifetime to the image
    return img


def qimage_to_array(img: QImage) -> np.ndarray:
    """QImage -> RGB uint8 copy (for tests and screenshots)."""
    img = img.convertToFormat(QImage.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, :w * 3].reshape(h, w, 3).copy()
