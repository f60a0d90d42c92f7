"""Small helpers every caller of a pipeline shares: a frame as a PIL image, a pipeline's call defaults."""
from __future__ import annotations

import inspect
import weakref
from typing import Any, Mapping

import numpy as np


def to_pil(img: np.ndarray):
    from PIL import Image
    a = np.asarray(img, np.float32)
    if a.ndim == 2:
        a = a[..., None]
    if a.shape[-1] == 1:
        a = np.repeat(a, 3, -1)
    return Image.fromarray((np.clip(a[..., :3], 0, 1) * 255 + 0.5).astype(np.uint8))


def centre_cropped(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """``img`` (h, w, c) cut to the aspect of ``width`` x ``height`` about its centre, as ComfyUI fits a ControlNet's
    picture to the latent before resizing it (comfy/controlnet.py get_control: comfy.utils.common_upscale(..., "center"),
    which narrows the wider side by round((old - old * (new aspect / old aspect)) / 2) on each edge); the picture itself
    where the aspects agree. A stretch would squeeze it instead."""
    h0, w0 = img.shape[:2]
    old, new = w0 / h0, width / height
    x = round((w0 - w0 * (new / old)) / 2) if old > new else 0
    y = round((h0 - h0 * (old / new)) / 2) if old < new else 0
    return img[y:h0 - y, x:w0 - x]


def clip_take(title: str, clip, frames: int, width: int, height: int, multiple: int, error: type[Exception],
              what: str = "the control clip") -> tuple[int, int, int]:
    """(frames, width, height) of a take made from ``clip`` (a control or source clip): ``frames`` of it from
    its first (0: all of it), ``width`` x ``height`` (0: the clip's); refused as ``error`` naming node ``title``
    when the clip is shorter than asked or the size is not a multiple of ``multiple``."""
    n = int(frames) or len(clip)
    if len(clip) < n:
        raise error(f"{title}: {what} has {len(clip)} frames but {n} are asked: give a clip of at least {n} "
                    f"frames, or set frames to {len(clip)} or fewer")
    w, h = int(width) or clip.width, int(height) or clip.height
    if w % multiple or h % multiple:
        raise error(f"{title}: the size {w}x{h} must be multiples of {multiple} (set width and height)")
    return n, w, h


_PARAMS = weakref.WeakKeyDictionary()  # a __call__ function -> its parameters (inspect.signature reads them
# anew each time: 0.1 ms); weak: a function replaced (a test's spy, and what it holds) is let go


def call_params(pipe) -> Mapping[str, inspect.Parameter]:
    """The parameters of ``pipe.__call__``, read once per function (a class's ``__call__``, or one set on
    the instance): a run asks for them several times (its kwargs, its adapters, the pipeline's defaults)."""
    fn = pipe.__call__
    key = getattr(fn, "__func__", fn)
    try:
        return _PARAMS[key]
    except (KeyError, TypeError):  # TypeError: a callable that cannot be weakly referenced, read each time
        pass
    params = inspect.signature(fn).parameters
    try:
        _PARAMS[key] = params
    except TypeError:
        pass
    return params


def call_defaults(pipe) -> dict[str, Any]:
    return {n: p.default for n, p in call_params(pipe).items()}
