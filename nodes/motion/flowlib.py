"""Optical-flow helpers in plain numpy / OpenCV (no engine, no Qt): importable from anywhere.

Conventions: images are float32 RGB (or grey) in [0, 1], ``H x W x C``; a flow is float32
``H x W x 2`` holding (dx, dy) in pixels, such that pixel ``(x, y)`` of ``img0`` moves to
``(x + dx, y + dy)`` in ``img1`` (forward flow). ``warp_backward(img1, flow)`` then rebuilds
``img0``.

Functions:

* :func:`compute_flow` - DIS (ultrafast / fast / medium) or Farneback, optional initial flow.
* :func:`warp_backward` - ``out(x) = img(x + flow(x))`` with a border mode.
* :func:`flow_to_color` - the Middlebury colour wheel (Baker et al. 2011).
* :func:`flow_magnitude`, :func:`fb_occlusion` - length of the vectors, forward-backward check.
* :func:`read_flo`, :func:`write_flo` - Middlebury ``.flo`` files.
"""
from __future__ import annotations

import os
import threading

import cv2
import numpy as np

from studio.engine.flow_color import flow_to_color  # noqa: F401 - part of this library (the viewer uses it too)

__all__ = ["METHODS", "BORDERS", "compute_flow", "warp_backward", "flow_to_color", "flow_magnitude",
           "fb_occlusion", "read_flo", "write_flo", "to_gray8", "dis_instance", "flow_grid"]

DIS_PRESETS = {
    "dis_ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "dis_fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "dis_medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}
METHODS = tuple(DIS_PRESETS) + ("farneback",)

BORDERS = {
    "replicate": cv2.BORDER_REPLICATE,
    "constant": cv2.BORDER_CONSTANT,   # zeros outside the image
    "reflect": cv2.BORDER_REFLECT_101,
    "wrap": cv2.BORDER_WRAP,
}
INTERPOLATIONS = {"linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC, "nearest": cv2.INTER_NEAREST}

FLO_MAGIC = 202021.25
_TLS = threading.local()


# -- inputs ----------------------------------------------------------------------------------
def to_gray8(img: np.ndarray) -> np.ndarray:
    """float [0, 1] RGB / grey (or uint8) -> uint8 grey, what OpenCV's flow methods want."""
    a = np.asarray(img)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim == 3:
        if a.shape[2] == 4:
            a = a[..., :3]
        if a.shape[2] != 3:
            raise ValueError(f"expected an RGB or grey image, got {a.shape[2]} channels")
        if a.dtype != np.uint8:
            a = np.ascontiguousarray(a, dtype=np.float32)
        a = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)
    elif a.ndim != 2:
        raise ValueError(f"expected an image H x W (x C), got shape {a.shape}")
    if a.dtype == np.uint8:
        return np.ascontiguousarray(a)
    a = np.asarray(a, dtype=np.float32)
    if not np.isfinite(a).all():
        raise ValueError("image has NaN or infinite values; optical flow needs finite pixels")
    # x * 255 + 0.5 then saturating convert: same as round(clip(x) * 255)
    return cv2.convertScaleAbs(np.clip(a, 0.0, 1.0), alpha=255.0)


def dis_instance(method: str, size: tuple[int, int] | None = None, seeded: bool = False):
    """A DIS object per ``method``, frame ``size`` (h, w), ``seeded`` (given an initial flow) and
    thread (one per frame is slow; one instance is not for two threads; OpenCV 5.0's DIS segfaults
    on a new size after an initial flow). Seeded calls get their own: after one, an instance's flows
    without one differ from a fresh one's (0.007 px at 64x48), so a flow would depend on the thread's
    history (a one-process render after a motion transfer differed from a chunked one)."""
    cache = _TLS.__dict__.setdefault("dis", {})
    key = (method, size, bool(seeded))
    d = cache.get(key)
    if d is None:
        if len(cache) >= 8:
            cache.pop(next(iter(cache)))
        d = cache[key] = cv2.DISOpticalFlow_create(DIS_PRESETS[method])
    return d


def _check_flow(flow: np.ndarray, name: str = "flow") -> np.ndarray:
    f = np.asarray(flow)
    if f.ndim != 3 or f.shape[2] != 2:
        raise ValueError(f"{name} must be H x W x 2, got shape {f.shape}")
    return np.ascontiguousarray(f, dtype=np.float32)


# -- flow ------------------------------------------------------------------------------------
def compute_flow(img0: np.ndarray, img1: np.ndarray, method: str = "dis_medium",
                 initial: np.ndarray | None = None) -> np.ndarray:
    """Dense forward flow from ``img0`` to ``img1``: float32 H x W x 2 (dx, dy) in pixels.

    ``method``: dis_ultrafast, dis_fast, dis_medium (default) or farneback. ``initial``: a flow
    to start from (DIS refines it; Farneback uses it as its initial estimate).
    """
    if method not in METHODS:
        raise ValueError(f"unknown flow method '{method}' (known: {', '.join(METHODS)})")
    g0, g1 = to_gray8(img0), to_gray8(img1)
    if g0.shape != g1.shape:
        raise ValueError(f"frames differ in size: {g0.shape[1]}x{g0.shape[0]} vs {g1.shape[1]}x{g1.shape[0]}")
    init = None
    if initial is not None:
        init = _check_flow(initial, "initial flow")
        if init.shape[:2] != g0.shape:
            raise ValueError(f"initial flow is {init.shape[1]}x{init.shape[0]}, frames are {g0.shape[1]}x{g0.shape[0]}")
        if not np.isfinite(init).all():
            raise ValueError("initial flow has NaN or infinite values")
        init = init.copy()  # OpenCV writes the result into it
    if method == "farneback":
        flags = cv2.OPTFLOW_USE_INITIAL_FLOW if init is not None else 0
        out = cv2.calcOpticalFlowFarneback(g0, g1, init, 0.5, 4, 15, 3, 5, 1.2, flags)
    else:
        # DIS uses a same-sized CV_32FC2 flow argument as its initial estimate
        out = dis_instance(method, g0.shape, seeded=init is not None).calc(g0, g1, init)
    return np.asarray(out, dtype=np.float32)


def flow_grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinate grids (x, y), float32, cached per size and thread."""
    cache = getattr(_TLS, "grids", None)
    if cache is None:
        cache = _TLS.grids = {}
    g = cache.get((h, w))
    if g is None:
        if len(cache) > 8:
            cache.clear()
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        g = cache[(h, w)] = (gx, gy)
    return g


def warp_backward(img: np.ndarray, flow: np.ndarray, border: str = "replicate",
                  interpolation: str = "linear") -> np.ndarray:
    """Backward warp: ``out(x, y) = img(x + flow_x, y + flow_y)``, bilinear by default.

    ``border``: replicate, constant (zeros), reflect or wrap - what is read outside the image.
    Works for any number of channels; returns float32 with ``img``'s shape.
    """
    if border not in BORDERS:
        raise ValueError(f"unknown border mode '{border}' (known: {', '.join(BORDERS)})")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"unknown interpolation '{interpolation}' (known: {', '.join(INTERPOLATIONS)})")
    f = _check_flow(flow)
    a = np.asarray(img, dtype=np.float32)
    squeeze = a.ndim == 2
    if squeeze:
        a = a[..., None]
    if a.shape[:2] != f.shape[:2]:
        raise ValueError(f"image is {a.shape[1]}x{a.shape[0]} but flow is {f.shape[1]}x{f.shape[0]}")
    gx, gy = flow_grid(*f.shape[:2])
    mx = gx + f[..., 0]
    my = gy + f[..., 1]
    a = np.ascontiguousarray(a)
    c = a.shape[2]
    mode, interp = BORDERS[border], INTERPOLATIONS[interpolation]
    if c <= 4:
        out = cv2.remap(a, mx, my, interp, borderMode=mode, borderValue=0)
        if out.ndim == 2:
            out = out[..., None]
    else:  # remap handles at most 4 channels
        out = np.concatenate([cv2.remap(np.ascontiguousarray(a[..., k:k + 4]), mx, my, interp,
                                        borderMode=mode, borderValue=0).reshape(a.shape[:2] + (-1,))
                              for k in range(0, c, 4)], axis=2)
    return out[..., 0] if squeeze else out


def flow_magnitude(flow: np.ndarray) -> np.ndarray:
    """Length of each vector: float32 H x W."""
    f = _check_flow(flow)
    return cv2.magnitude(f[..., 0], f[..., 1])


def fb_occlusion(forward: np.ndarray, backward: np.ndarray, alpha: float = 0.01,
                 beta: float = 0.5) -> np.ndarray:
    """Forward-backward consistency (Sundaram et al. 2010): 1.0 where a pixel of frame 0 is
    occluded or its flow is unreliable, else 0.0. float32 H x W.

    A pixel is inconsistent when ``|f + b(x + f)|^2 > alpha (|f|^2 + |b(x + f)|^2) + beta``.
    """
    f = _check_flow(forward, "forward flow")
    b = _check_flow(backward, "backward flow")
    if f.shape != b.shape:
        raise ValueError(f"forward and backward flows differ in size: {f.shape} vs {b.shape}")
    bw = warp_backward(b, f, border="replicate")
    s = f + bw
    d2 = (s * s).sum(axis=2)
    m2 = (f * f).sum(axis=2) + (bw * bw).sum(axis=2)
    # also occluded where x + f leaves the frame
    h, w = f.shape[:2]
    gx, gy = flow_grid(h, w)
    tx, ty = gx + f[..., 0], gy + f[..., 1]
    outside = (tx < 0) | (tx > w - 1) | (ty < 0) | (ty > h - 1)
    return ((d2 > alpha * m2 + beta) | outside).astype(np.float32)


# -- .flo files ------------------------------------------------------------------------------
def read_flo(path: str | os.PathLike) -> np.ndarray:
    """Read a Middlebury ``.flo`` file: float32 H x W x 2. Raises ValueError naming the file
    when it is missing, truncated or not a .flo file."""
    p = os.fspath(path)
    try:
        with open(p, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise ValueError(f"flow file not found: {p}") from None
    except OSError as e:
        raise ValueError(f"cannot read flow file {p}: {e}") from None
    if len(data) < 12:
        raise ValueError(f"{p} is not a .flo file (only {len(data)} bytes)")
    magic = np.frombuffer(data, "<f4", 1, 0)[0]
    if magic != np.float32(FLO_MAGIC):
        raise ValueError(f"{p} is not a .flo file (bad magic number {magic!r}, expected {FLO_MAGIC})")
    w, h = (int(x) for x in np.frombuffer(data, "<i4", 2, 4))
    if w <= 0 or h <= 0 or w > 100_000 or h > 100_000:
        raise ValueError(f"{p}: invalid size {w}x{h}")
    need = 12 + w * h * 8
    if len(data) < need:
        raise ValueError(f"{p} is truncated: {len(data)} bytes, a {w}x{h} flow needs {need}")
    return np.frombuffer(data, "<f4", w * h * 2, 12).reshape(h, w, 2).astype(np.float32)


def write_flo(path: str | os.PathLike, flow: np.ndarray) -> None:
    """Write a Middlebury ``.flo`` file (little-endian float32)."""
    f = _check_flow(flow)
    h, w = f.shape[:2]
    p = os.fspath(path)
    with open(p, "wb") as fh:
        fh.write(np.array([FLO_MAGIC], "<f4").tobytes())
        fh.write(np.array([w, h], "<i4").tobytes())
        fh.write(f.astype("<f4").tobytes())
