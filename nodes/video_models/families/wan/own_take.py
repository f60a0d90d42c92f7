"""A take made window by window by one call of Studio's own pipeline (Wan 2.2 S2V, SCAIL-2: their pipeline.py),
that call made by the one Sampler (sampling/one_call.py) as every family's: the Sampler's step callback gives the
previews, progress, Stop and kept steps; this gives the windows.

- Each window's frames go into the take's buffer as the window is made (in memory, or past a size in a file:
  take_buffer), so the call holds one window's memory; the buffer is the call's frames.
- Each finished window's frames are kept (resume/kept_windows.py, under the whole call's key and the window's
  number) until the take is made. A re-run with nothing changed loads them instead of sampling them again; the
  windows after them read what the loaded ones carry (S2V's motion frames, SCAIL-2's history), which the kept
  frames hold exactly, so the take is the one an uninterrupted run makes. The window the Stop fell in resumes at
  its last finished step (resume/kept_steps.py: the pipeline counts a step ``window * steps + step``, and says
  how many its call makes by ``steps_in_call``).
- The run's keys hash the call's arguments: this object's own words are said by ``__repr__`` (a constant),
  and a clip read lazily by the pipeline is hashed by its frames (:class:`FramesReader`)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np


@dataclass
class OwnTakeOutput:
    """The call's frames as diffusers' common output: ``frames[0]`` the take, [T, H, W, C] in [0, 1] on the host."""
    frames: list


class OwnTake:
    """The windows of one call (the module's docstring): ``load(r)`` an earlier run's frames of window ``r`` (None:
    sample it), ``keep(r, frames)`` a finished one's, ``put(r, frames)`` its new frames ([1, 3, T, H, W] in [-1, 1])
    into the take, ``result()`` the call's output, ``finish()`` once the take is made; ``begin()`` as each call of
    the pipeline begins."""

    def __init__(self, ctx, s, shape: tuple[int, int, int], windows: int, how: str, key_args: dict):
        from ...resume.kept_latents import run_key
        from ...resume.kept_windows import KeptWindows
        from ...takes.time_tiles import take_buffer
        n, h, w = shape
        self.out = take_buffer(ctx, (n, h, w, 3), how=how)
        self.at = 0
        self.kept = KeptWindows(ctx, s.ref, s.pipe, windows)
        seed = ctx.torch_generator(device="cpu").initial_seed()  # the call's (Sampler.run_window: its first window)
        self.digest = run_key(s.ref, s.pipe, key_args, seed, ctx.params) if windows > 1 else ""

    def __repr__(self) -> str:
        return "OwnTake()"  # the call's arguments beside it decide the take

    def begin(self) -> None:
        """The call begins (again, where the Sampler makes it once more: kept steps that did not fit it)."""
        self.at = 0
        self.kept.loaded.clear()

    def load(self, r: int):
        """Window ``r``'s frames as an earlier run of this call kept them (a float32 tensor), or None."""
        import torch
        got = self.kept.load(r, {"take": self.digest})
        return None if got is None else torch.from_numpy(np.ascontiguousarray(got))[None]

    def keep(self, r: int, frames) -> None:
        self.kept.keep(r, frames[0].float().cpu().numpy())

    def put(self, r: int, frames) -> None:
        """A window's new frames ([1, 3, T, H, W] in [-1, 1]) into the take's buffer, up to its end."""
        k = min(frames.shape[2], len(self.out) - self.at)
        if k > 0:
            self.out[self.at:self.at + k] = ((frames[0, :, :k].permute(1, 2, 3, 0).float().numpy() + 1.0) / 2.0
                                             ).clip(0.0, 1.0)
            self.at += k

    def result(self) -> OwnTakeOutput:
        return OwnTakeOutput([self.out[:self.at]])

    def finish(self) -> None:
        """The take is made: its kept windows are not needed again (said where some came from an earlier run)."""
        self.kept.finish()


def emitted(r: int, frames, take, on_window, out: list) -> None:
    """A window's new frames ([1, 3, T, H, W] in [-1, 1], on the host) to where the call sends them: the take's
    buffer (the Sampler's call), ``on_window(r, frames)`` (a caller's), or ``out`` (returned at the end)."""
    if take is not None:
        take.put(r, frames)
    elif on_window is not None:  # handed on, not kept: a long take's frames need not fit in memory
        on_window(r, frames)
    else:
        out.append(frames)


def returned(take, out: list, frames: int | None = None):
    """What the call returns: the take's output (the Sampler's call), the frames made ([1, 3, N, H, W] in [-1, 1]),
    or None where they were handed on."""
    import torch
    if take is not None:
        return take.result()
    return torch.cat(out, dim=2)[:, :, :frames] if out else None


def one_take_returned(pipe, made, take):
    """What a call made as one take returns: its frames ``made`` ([1, 3, T, H, W] in [-1, 1], on the host) sent
    as a window's (:func:`emitted`), the pipeline's offload hooks freed, then :func:`returned`."""
    out: list = []
    emitted(0, made, take, None, out)
    pipe.maybe_free_model_hooks()
    return returned(take, out)


class FramesReader:
    """Frames [start, start + count) of a clip as the pipeline reads them (``read(clip, start, count)``), hashed
    by the clip's frames and the reading's words (``how``) for the run's keys, not by where it lies in memory."""

    def __init__(self, clip, read, how: str):
        self.clip, self.read, self.how = clip, read, how
        self._digest = ""

    def __call__(self, start: int, count: int):
        return self.read(self.clip, start, count)

    def __repr__(self) -> str:
        if not self._digest:
            h = hashlib.sha256(self.how.encode())
            for _, chunk in self.clip.chunks(16, 0, len(self.clip)):
                h.update(np.ascontiguousarray(np.asarray(chunk, np.float32)).tobytes())
            self._digest = h.hexdigest()[:32]
        return f"FramesReader({self._digest})"
