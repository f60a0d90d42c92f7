"""Long clips lose nothing to a Stop or a crash: each finished window is kept until the clip is made.

A clip longer than the model makes at once is sampled in overlapping windows, one pipeline call
each: a 1,000-frame clip is a dozen windows and can take hours. While such a clip is being made,
every window's frames are written, as it finishes, to ``<Studio's cache folder>/kept-windows/
<key>.safetensors`` (float32 as sampled, one file written to a temporary name and renamed; nothing
pickled). The key is the one a decode's kept latents use (kept_latents.run_key: the model's files,
dtype, LoRAs, the pipeline, that window's arguments, images included, its seed and the speed
settings), so a window is found again only by a run that would sample exactly it: a run stopped
at window 9 and run again with nothing changed loads windows 1-8 and samples from window 9 on,
and the clip is the one an uninterrupted run makes, bit for bit (image-to-video chaining reads the
same frames). Once the whole clip is made, its windows are deleted. A clip made in one window
keeps nothing (there is nothing to resume).

Each file proves itself before its frames are used (kept_file.py: a regular file opened without
waiting, its key's digest, a CRC-32 of its frames) and its frames must have the window's shape (four
axes, at least the window's frames, the size of the windows before it): a file that fails is a miss,
removed and said, and the window is sampled again.

The folder is pruned to ``MAX_BYTES`` (the oldest files go first) and of files older than
``MAX_AGE_S``; a temporary file left by a crash goes after an hour."""
from __future__ import annotations

import os

import numpy as np

from . import kept_file
from .kept_latents import first_line, prune, run_key

MAX_BYTES = 32 * 1024 ** 3
MAX_AGE_S = 7 * 24 * 3600


def folder() -> str:
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), "kept-windows")


def _drop(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


class KeptWindows:
    """The windows of one generation: ``load(k, kwargs)`` an earlier run's frames of window ``k``
    (None: sample it), ``keep(k, frames)`` a finished one, ``finish()`` when the clip is made."""

    def __init__(self, ctx, ref, pipe, n_windows: int):
        self.ctx, self.ref, self.pipe = ctx, ref, pipe
        self.on = n_windows > 1
        self.keys: dict[int, str] = {}
        self.loaded: list[int] = []
        self.failed = False  # a window could not be kept: none after it is tried

    def _path(self, key: str) -> str:
        return os.path.join(folder(), key + ".safetensors")

    def key(self, k: int, kwargs: dict) -> str | None:
        if not self.on:
            return None
        seed = self.ctx.torch_generator(device="cpu", salt=k).initial_seed()  # the window's own (run_window)
        self.keys[k] = run_key(self.ref, self.pipe, {"window": k, **kwargs}, seed, self.ctx.params)
        return self.keys[k]

    def load(self, k: int, kwargs: dict, length: int = 1, like: tuple | None = None) -> np.ndarray | None:
        """Window ``k``'s kept frames when a file proves itself for its key and holds at least ``length``
        frames of the shape ``like`` (one frame's, when windows before it were made), else None."""
        key = self.key(k, kwargs)
        if key is None or not os.path.lexists(self._path(key)):
            return None
        try:
            arrays, _ = kept_file.read(self._path(key), key, numpy=True, max_bytes=MAX_BYTES)
            frames = arrays.get("frames")
            if frames is None or frames.ndim != 4 or len(frames) < length or \
                    (like is not None and tuple(frames.shape[1:]) != tuple(like)):
                raise kept_file.KeptFileError("its frames are not of this window's shape")
        except FileNotFoundError:
            return None
        except kept_file.KeptFileError as e:  # a damaged or foreign file is sampled again, and said
            self.ctx.warn(f"a kept window of an earlier run was not used ({e}): removed, window {k + 1} is sampled "
                          "again")
            _drop(self._path(key))
            return None
        self.loaded.append(k)
        return frames

    def keep(self, k: int, frames: np.ndarray) -> None:
        """Window ``k``'s frames, kept for a resume. Anything that fails the write (a full disk:
        OSError, or safetensors' SafetensorError; anything else) is said once and keeping stops:
        the clip goes on, only a resume is lost, and no partial file is left."""
        key = self.keys.get(k)
        if key is None or self.failed:
            return
        path = self._path(key)
        try:
            os.makedirs(folder(), exist_ok=True)
            prune(folder(), keep=None, max_bytes=MAX_BYTES, max_age_s=MAX_AGE_S)
            kept_file.write(path, key, {"frames": np.ascontiguousarray(frames, np.float32)}, {"window": k})
        except Exception as e:  # noqa: BLE001 - a full disk must not fail the clip: it only cannot be resumed
            self.failed = True
            why = getattr(e, "strerror", None) or first_line(e) or type(e).__name__
            self.ctx.warn(f"window {k + 1} could not be kept in {folder()} ({why}): the clip goes on, but if it is "
                          "stopped it cannot be resumed (no further windows are kept)")

    def finish(self) -> None:
        """The clip is made: its windows are not needed again."""
        for key in self.keys.values():
            _drop(self._path(key))
        if self.loaded:
            n = len(self.loaded)
            self.ctx.info(f"{n} window{'s' if n > 1 else ''} of {len(self.keys)} came from an earlier run that did not "
                          "finish (kept as they were made); the others were sampled")
