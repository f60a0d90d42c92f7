"""A clip made in windows, one pipeline call each, and the clip that hands its frames on as the
windows finish.

:class:`ClipMaking` is one generation: what is on the model while it runs (LoRAs, speed settings,
the Stop hooks, the run's clock) and the windows, made one at a time by :meth:`ClipMaking.step`,
blended into one buffer (in memory, or past a size in a file: ``studio.engine.clip.frames_buffer``).
After window ``k`` the frames before window ``k+1``'s first are final: no later window blends
into them.

:class:`StreamedClip` is how a long clip reaches an output while it is made. When the executor
says the node's clip goes only to outputs that write frames in order (Save Video, Save Image
Sequence: ``ctx.stream_to``), the node makes its first window and returns this clip; the output
then pulls frames, and each pull past the final frames makes the next window, so the encoder
takes each window's frames as it finishes instead of the whole clip at the end (1,000 frames are
an hour of sampling and a minute of encoding). The executor makes whatever the outputs did not
pull (an in/out range) with :meth:`StreamedClip.finish` before it tells anyone the node finished,
so no other thread ever sees a clip that is still being made (studio.engine.streaming).
"""
from __future__ import annotations

import contextlib
import threading
from typing import Callable

import numpy as np

from studio.core.errors import Cancelled, NodeExecutionError
from studio.engine.clip import ArrayClip

from ..base.errors import ModelError


class ClipMaking:
    """The windows of one clip starting at frames ``starts``, made by ``sampler`` (sampling.Sampler)."""

    def __init__(self, sampler, starts: list[int], n_frames: int, window: int, overlap: int, make_kwargs,
                 image, previews: bool, steps: int, size, blend: bool = True, hold: bool = False, lead: int = 1):
        from ..estimates.foresee_time import for_run
        from .kept_windows import KeptWindows
        from ..estimates.times import RunClock
        self.s, self.ctx = sampler, sampler.ctx
        self.starts, self.n_frames, self.window, self.overlap = starts, n_frames, window, overlap
        self.make_kwargs, self.image, self.previews, self.steps = make_kwargs, image, previews, steps
        self.size = size  # (width, height) made, or None
        # blend: the overlap cross-fades (separate shots); else the earlier window's frames stay there
        # (continue: the next window starts from them). hold: each window's colour matched to them.
        self.blend, self.hold = blend, hold
        self.lead = lead  # frames a window starts from: 1, the still; more, the last frames made (continuation.py)
        self.seams: list[tuple[float, float]] = []  # (ΔE2000 before, after) the colour hold, per seam
        c = getattr(sampler, "context", None)  # one take: its own records (its time grows with its windows)
        kind = f"take=context {c.window}/{c.overlap} {c.schedule}" if c is not None else ""
        f = getattr(sampler, "forcing", None)  # a diffusion-forcing take: its own records too (forcing.py)
        kind = f"take=forcing {f.window}/{f.overlap}" if f is not None else kind
        self.clock = RunClock(self.ctx, sampler.ref, sampler.ref.device, size, window, len(starts), steps,
                              sampler.pipe, kind=kind, foreseen_by=for_run, loops=getattr(sampler, "segments", 1),
                              decoded=getattr(sampler, "decoded", 0))
        self.kept = KeptWindows(self.ctx, sampler.ref, sampler.pipe, len(starts))  # a Stop loses no finished window
        self.out: np.ndarray | None = None
        self.k = 0      # windows made
        self.done = 0   # frames written into out (the last window's overlap is blended by the next)
        self._stack: contextlib.ExitStack | None = None
        self._speed: dict = {}
        self._guard = None
        self.closed = False

    # -- what is on the model while the clip is made ---------------------------------------
    def open(self) -> None:
        """LoRAs on, speed settings on, Stop hooks in, the clock started (and its prediction said)."""
        from ..base.guard import RunGuard
        from ..loading.loras import loras_applied
        from ..memory.speed import speed_applied
        from ..base.schedulers import one_step_unstretched, scheduler_applied, sigmas_as_given
        s = self.s
        self.clock.say_prediction()
        limit = self._planned()  # a long take of hours on the CPU: refused now, or at its first step
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(loras_applied(s.ref, s.pipe, self.ctx.warn, self.ctx.info))
            stack.enter_context(scheduler_applied(self.ctx, s.pipe, self.ctx.params))
            stack.enter_context(sigmas_as_given(self.ctx, s.pipe, getattr(s, "draft", None)))
            stack.enter_context(one_step_unstretched(self.ctx, s.pipe, self.steps))
            self._speed = stack.enter_context(speed_applied(self.ctx, s.ref, s.pipe, self.ctx.params))
            # its time said on any device (on a GPU too: Framepack's run showed no figure), Stop checked at every
            # depth and the first step's work counted on the CPU only; ``steps``: a call's over all its denoising
            # loops (Sampler.generate: Framepack's sections' steps)
            self._guard = stack.enter_context(RunGuard(self.ctx, s.pipe, s.fam.denoiser,
                                                       self.steps * len(self.starts), True,
                                                       whole=self.clock.whole_after_step,
                                                       predicted=self.clock.predicted,
                                                       started=self.clock.node_t0,
                                                       counted=self.clock.work_sink() if s.on_cpu else None,
                                                       on_cpu=s.on_cpu,
                                                       windows=len(self.starts), limit=limit,
                                                       figure=self.clock.figure, loops=self.clock.loops))
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        self.clock.start()

    def _planned(self):
        """A long take's time on this machine against estimates/take_time.py's limit: refused (ModelError) when
        earlier runs time it past it on the CPU; else what the guard checks its first step against, or None."""
        from ..estimates.take_time import TakePlan, check_before
        from ..estimates.times import machine
        s, p = self.s, self.ctx.params
        c, k = getattr(s, "context", None), 0
        if c is not None:
            from ..takes.context_windows import temporal_ratio
            k = len(c.windows((self.n_frames - 1) // temporal_ratio(s.pipe) + 1))
        asked = p.get("preview_size") if hasattr(p, "get") else None
        plan = TakePlan(self.n_frames, self.window, len(self.starts),
                        self.starts[1] - self.starts[0] if len(self.starts) > 1 else self.window, self.steps,
                        "x".join(str(v) for v in self.size) if self.size else "this size", machine(s.ref.device),
                        s.on_cpu, asked == "always" or (asked == "on CPU" and s.on_cpu), k)
        return check_before(self.ctx, plan, self.clock.predicted, self.clock.basis, self.clock.scaled)

    def close(self, error: BaseException | None = None) -> None:
        """The model as it was (hooks out, LoRAs unloaded); made whole: its time recorded and
        its kept windows deleted. Once; a clip left unmade keeps its windows for a re-run."""
        if self.closed:
            return
        self.closed = True
        stack, self._stack = self._stack, None
        if stack is not None:
            if error is None:
                stack.close()
            else:
                stack.__exit__(type(error), error, error.__traceback__)
        if error is None and self.complete:
            self.clock.finished(record=not (self._speed.get("compiling") or self.s.untypical))
            self.kept.finish()
            if self.seams:
                before, after = (sum(x) / len(self.seams) for x in zip(*self.seams))
                self.ctx.info(f"colour held across {len(self.seams)} seam{'s' if len(self.seams) > 1 else ''}: "
                              f"mean ΔE2000 at the seams {before:.2f} before, {after:.2f} after")

    # -- the windows --------------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        return self.k >= len(self.starts)

    @property
    def final(self) -> int:
        """Frames [0, final) are made and no later window changes them."""
        return self.n_frames if self.complete else (self.starts[self.k] if self.k else 0)

    def step(self) -> None:
        """Make the next window. A Stop or an error closes the making (the model as it was); after
        a Stop the memory the step held is given back to the device."""
        stopped = False
        try:
            self._next()
        except Cancelled:
            stopped = True  # raised again below, outside this handler: its traceback (and the step's
            # tensors its frames hold) is gone by then
        except BaseException as e:
            self.close(e)
            raise
        if stopped:
            self.close(Cancelled())
            from studio.engine.model_cache import empty_device_cache
            empty_device_cache(str(self.s.ref.device))
            raise Cancelled()

    def _next(self) -> None:
        import time
        t0 = time.perf_counter()
        self._make_window()
        self.clock.window_done(time.perf_counter() - t0, self.s.last_phases)
        if self._guard is not None:  # the decodes still to come: at this one's measured time
            self._guard.window_made(self.s.last_phases)

    def _make_window(self) -> None:
        s, ctx, k = self.s, self.ctx, self.k
        a = self.starts[k]
        n_windows = len(self.starts)
        ctx.check_cancelled()
        length = min(self.window, self.n_frames - a)
        still = self.image if k == 0 or self.out is None else \
            (self.out[a] if self.lead == 1 else np.array(self.out[a:min(a + self.lead, self.done)]))
        kwargs = self.make_kwargs(a, still)
        frames = self.kept.load(k, kwargs, length, None if self.out is None else self.out.shape[1:])
        if frames is None:
            frames = s.run_window(kwargs, k, n_windows, self.previews, self._guard)
            self.kept.keep(k, frames)
        else:
            s.untypical = True  # not a time to predict from
            s.last_phases = {}
            steps = int(kwargs.get("num_inference_steps") or 1)
            ctx.progress((k + 1) * steps, n_windows * steps, force=True,
                         message=f"window {k + 1}/{n_windows}: kept from an earlier run, not sampled again")
        if len(frames) < length:
            raise ModelError(f"{type(s.pipe).__name__} made {len(frames)} frames, {length} were asked for")
        frames = frames[:length]
        self.k = k + 1
        if self.out is None and length == self.n_frames:
            self.out, self.done = frames, length  # one window: the pipeline's own array, no copy
            return
        if self.out is None:
            self.out = self._buffer((self.n_frames,) + frames.shape[1:])
            self.out[:length] = frames
            self.done = length
            return
        done = self.done
        ov = max(0, done - a)  # frames this window shares with what is made
        if ov and self.hold:
            frames = self._held(frames, self.out[a:done], ov)
        if ov and self.blend:
            ramp = np.linspace(0, 1, ov + 2, dtype=np.float32)[1:-1, None, None, None]
            self.out[a:done] = self.out[a:done] * (1 - ramp) + frames[:ov] * ramp
        self.out[done:a + length] = frames[ov:length]
        self.done = a + length

    def _held(self, frames: np.ndarray, old: np.ndarray, ov: int) -> np.ndarray:
        """``frames`` with their colour matched to the ``ov`` frames they share with what is made."""
        from ..takes.colour_hold import hold_colour, seam_delta_e
        before = seam_delta_e(old, frames[:ov])
        frames = hold_colour(frames, frames[:ov], old)
        self.seams.append((before, seam_delta_e(old, frames[:ov])))
        return frames

    def _buffer(self, shape) -> np.ndarray:
        """The whole clip's frames: in memory, or for a long one a file in the cache (clip.frames_buffer)."""
        from studio.engine.clip import frames_buffer
        out, where = frames_buffer(shape)
        if where is not None:
            from ..memory.sizes import fmt_gb
            what = f"the clip's {shape[0]} frames ({fmt_gb(out.nbytes)})"
            if isinstance(out, np.memmap):
                self.ctx.info(f"{what} are kept in a file in {where} while they are made, not in memory")
            else:
                self.ctx.warn(f"{what} are held {where}")
        return out


class StreamedClip(ArrayClip):
    """A clip whose windows are made as its frames are pulled (see the module's docstring). Pulled
    in order by the outputs it streams to, on the run's thread; :meth:`finish` makes the rest and
    puts the model back as it was, :meth:`abandon` only puts it back (a Stop or an error: the
    finished windows stay kept for a re-run)."""

    def __init__(self, making: ClipMaking, fps: float):
        super().__init__(making.out.view(), fps)  # a view: only the clip's frames are read-only
        # dropped once the clip is made or abandoned: the making holds the pipeline, its inputs
        # (prompt embeddings on the GPU) and the run's context, which a kept clip must not keep alive
        self.making: ClipMaking | None = making
        self.final = making.final
        self._made: list[Callable[[], None]] = []
        self._lock = threading.Lock()  # one maker at a time, whoever pulls

    @property
    def complete(self) -> bool:
        return self.final >= self.n_frames

    def when_made(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` once the whole clip is made (at once if it is)."""
        if self.making is None and self.complete:
            fn()
        else:
            self._made.append(fn)

    def _upto(self, b: int) -> None:
        if self.final >= b:
            return
        with self._lock:
            m = self.making
            if m is None or m.closed:
                raise ModelError("the clip was not finished (its run was stopped or failed): run it again")
            try:
                while m.final < b:
                    m.step()
                    self.final = m.final
            except (Cancelled, NodeExecutionError):
                raise
            except Exception as e:  # noqa: BLE001 - the model node's error, not its output's that pulled
                raise NodeExecutionError(m.ctx.node_id, m.ctx.title, e) from e

    def _frame(self, i: int) -> np.ndarray:
        self._upto(i + 1)
        return self.frames[i]

    def _chunk(self, a: int, b: int) -> np.ndarray:
        self._upto(b)
        return self.frames[a:b]

    def finish(self) -> None:
        """Make the windows nobody pulled, then close the making: the model as it was, the time
        recorded, and what the node says once its clip is made, said."""
        self._upto(self.n_frames)
        if self.making is not None:
            self.making.close()
            self.making = None
        for fn in self._made:
            fn()
        self._made.clear()

    def abandon(self, error: BaseException | None = None) -> None:
        """The run stopped or failed before the clip was made: the model as it was."""
        m, self.making = self.making, None
        if m is not None:
            m.close(error or Cancelled())
        self._made.clear()
