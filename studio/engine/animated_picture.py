"""An animated picture file (WEBP, GIF) read as a clip: its frames decoded lazily by Pillow's frame sequence, one
at a time (what ComfyUI's LoadImage reads of such a file: every frame, each once), its frame rate from the frames'
durations. PyAV's FFmpeg decodes none of an animated WEBP's frames, so Load Video reads these files here.

Memory: the open file and the last frame decoded; a jump back re-decodes from the file's start (Pillow's own rule).
Opening reads every frame's duration once (each frame decoded in turn, none kept)."""
from __future__ import annotations

import os
import threading

import numpy as np

from studio.core.errors import MediaError
from studio.core.limits import check_frame_size
from studio.engine.clip import Clip

ANIMATED_PICTURES = (".webp", ".gif")  # what Load Video reads through Pillow rather than FFmpeg
NO_DURATION_FPS = 10.0  # a file whose frames give no duration (browsers show such frames for 100 ms)


def is_animated_picture(path: str) -> bool:
    """True for a file Load Video reads with Pillow (by its extension)."""
    return str(path).lower().endswith(ANIMATED_PICTURES)


def frame_count(path: str) -> int:
    """How many frames the file holds, from its header and frame blocks (no pixel decoded); 0 where unreadable."""
    try:
        im = _open(path)
    except MediaError:
        return 0
    try:
        return int(getattr(im, "n_frames", 1) or 1)
    except Exception:  # noqa: BLE001 - a broken file: told when it is read
        return 0
    finally:
        im.close()


def _open(path: str):
    from PIL import Image
    name = os.path.basename(path)
    try:
        im = Image.open(path)  # (the header only: frames are decoded when sought)
    except FileNotFoundError:
        raise MediaError(f"'{name}' was not found") from None
    except Exception as e:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        raise MediaError(f"cannot read '{name}' as a picture or animation: {e}") from None
    return im


def _durations(im, name: str) -> list[float]:
    """Each frame's duration in ms (0 where the file gives none), every frame decoded once (a broken frame named)."""
    n = int(getattr(im, "n_frames", 1) or 1)
    out = []
    for k in range(n):
        try:
            im.seek(k)
            im.load()
        except Exception as e:  # noqa: BLE001 - a truncated or damaged frame
            raise MediaError(f"cannot read '{name}': its frame {k + 1} of {n} does not decode ({e})") from None
        out.append(float(im.info.get("duration") or 0))
    return out


class AnimatedPictureClip(Clip):
    """Every frame of an animated WEBP or GIF (a still one: one frame), RGB float32, its alpha kept apart."""

    def __init__(self, path: str):
        self.path = path
        name = os.path.basename(path)
        self._lock = threading.RLock()
        im = _open(path)
        try:
            w, h = im.size
            why = check_frame_size(w, h, f"picture '{name}'")
            if why:
                raise MediaError(why)
            ms = _durations(im, name)
        finally:
            im.close()
        total = sum(ms)
        fps = len(ms) * 1000.0 / total if total > 0 else NO_DURATION_FPS
        self._rule = ""
        if total <= 0 and len(ms) > 1:
            self._rule = f"its frames give no duration: {NO_DURATION_FPS:g} fps assumed"
        elif len(set(ms)) > 1:
            self._rule = (f"its frames are shown for differing times ({min(ms):g} to {max(ms):g} ms): each read once, "
                          f"at their mean rate, {fps:.3g} fps")
        self.declared_frames = len(ms)
        self._im = None
        self._last: tuple[int, np.ndarray, np.ndarray | None] | None = None
        super().__init__(len(ms), fps, w, h, 3, None)

    def notes(self) -> list[str]:
        """What Load Video reports of how it read the file."""
        out = [f"read with Pillow, frame by frame ({self.n_frames} frame{'s' if self.n_frames != 1 else ''}, "
               f"{self.fps:.3g} fps)"]
        return out + ([self._rule] if self._rule else [])

    def read(self, i: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Frame ``i`` as (RGB [H, W, 3], alpha [H, W, 1] or None where the frame has none), float32 in [0, 1]."""
        with self._lock:
            if self._last is not None and self._last[0] == i:
                return self._last[1], self._last[2]
            if self._im is None:
                self._im = _open(self.path)
            try:
                self._im.seek(i)
                frame = self._im.convert("RGBA") if _has_alpha(self._im) else self._im.convert("RGB")
            except Exception as e:  # noqa: BLE001 - the file changed or broke since it was opened
                raise MediaError(f"cannot read frame {i + 1} of '{os.path.basename(self.path)}': {e}") from None
            a = np.asarray(frame, np.float32) / 255.0
            if a.shape[:2] != (self.height, self.width):
                raise MediaError(f"frame {i + 1} of '{os.path.basename(self.path)}' is not {self.width}x{self.height}")
            rgb, alpha = (a[..., :3].copy(), a[..., 3:].copy()) if a.shape[2] == 4 else (a, None)
            self._last = (i, rgb, alpha)
            return rgb, alpha

    def _frame(self, i: int) -> np.ndarray:
        return self.read(i)[0]

    def alpha_clip(self) -> Clip:
        """The frames' alpha as a 1-channel clip (opaque where a frame has none)."""
        return _AlphaClip(self)

    def close(self) -> None:
        with self._lock:
            if self._im is not None:
                self._im.close()
                self._im = None
            self._last = None


def _has_alpha(im) -> bool:
    return "A" in im.mode or "transparency" in im.info


class _AlphaClip(Clip):
    def __init__(self, src: AnimatedPictureClip):
        super().__init__(src.n_frames, src.fps, src.width, src.height, 1)
        self.src = src

    def _frame(self, i: int) -> np.ndarray:
        a = self.src.read(i)[1]
        return a if a is not None else np.ones((self.height, self.width, 1), np.float32)
