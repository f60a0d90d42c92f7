"""Hooks on a pipeline's blocks for the length of one generation.

* **Stop inside a step.** A denoising step of a large model on the CPU can take minutes, so a
  check between steps is not enough: a forward pre-hook on every block (each child of a
  ``ModuleList``: transformer blocks, UNet resnets and attentions, VAE blocks, encoder layers) and
  on each component raises the engine's :class:`~studio.core.errors.Cancelled` as soon as Stop is
  pressed. The check reads a ``threading.Event``: no tensor is touched, so there is no host sync
  on a GPU, and a block costs a few microseconds more of Python.
* **Stop inside one large operation (CPU).** On the CPU one attention or convolution of a large
  clip can itself take a minute (SVD-XT at 1024x576: ~5 TFLOP in one spatial attention). There,
  for the length of the run, each attention processor runs under a thread-local TorchFunctionMode
  that splits a large ``scaled_dot_product_attention`` along its queries (exact: each query's
  softmax is its own), and each convolution splits a large input along its batch, checking for
  Stop between the pieces (each piece ~2 GFLOP). Calls below the threshold go straight through,
  so small runs compute exactly what diffusers computes. On a GPU nothing of this is installed:
  kernels are queued, and the block hooks stop it.
* **A short run is guarded as on a GPU.** A CPU run that earlier runs of the model predict to take less
  than SHORT_RUN_S in all gets the outermost block hooks only: none of its blocks can take long.
* **Say how long a CPU run will take.** On the CPU the first denoising step is timed: when it
  ends, the run's time is said on the node and in the status bar ("about 40 min on the CPU: lower
  width/height/frames or use a GPU"); while it has not ended after 5 s, 10 s, 20 s..., a lower
  bound is said ("more than ..."), checked at every block, so a step that never seems to end is
  not silent.

Every hook is removed when the generation ends, however it ends: a cached model is never left
modified (see studio.engine.model_cache)."""
from __future__ import annotations

import functools
import math
import time

from studio.core.errors import Cancelled

from .step_time import StepClock, during_decode, loops_ahead

EARLY_ESTIMATE_S = 5.0  # the first step has not ended after this long: say "at least", then at 2x, 4x...
LONG_RUN_S = 120.0  # a CPU run longer than this is a warning of the run
# a CPU run predicted (from earlier runs of the model: run_times) to take less than this in all is guarded as a
# GPU run is: Stop before each outermost block, no splitting of large operations. None of its blocks can take
# long, while a hook at every depth and the splitting wrappers cost 5-7 % of a tiny model's VAE encode and
# decode (measured: benchmarks/bench_infinitetalk.py, bench_humo.py)
SHORT_RUN_S = 5.0
# a first step shorter than this with one call of the denoiser (no warm measure in it: step_time.py) is not
# said: its kernels' first use can be most of it (a tiny LTX: 1.0 s, then 0.2 s a step); the second step is
WARM_WAIT_S = 5.0


def fmt_duration(s: float) -> str:
    if s < 0.95:  # a tiny model's step on the CPU: "11 ms a step", not "1 s a step" (260 steps in 3 s)
        return f"{max(1, round(s * 1000))} ms"
    if s < 9.95:  # "1.4 s", not "1 s": a figure to plan by (within 2x) on a short run; "8 s", not "8.0 s"
        return f"{s:.1f}".rstrip("0").rstrip(".") + " s"
    if s < 90:
        return f"{round(s)} s"
    if s < 90 * 60:
        return f"{round(s / 60)} min"
    return f"{s / 3600:.1f} h"


def blocks_of(module) -> list:
    """The children of every ModuleList inside ``module`` (a model's blocks, at every depth); a list's empty
    places (None: Mochi's VAE keeps them where a level has no attention) are no blocks."""
    import torch
    out = []
    for m in module.modules():
        if isinstance(m, torch.nn.ModuleList):
            out.extend(c for c in m if c is not None)
    return out


def top_blocks(module) -> list:
    """The outermost blocks of ``module``: the children of its ModuleLists that lie in no other
    such block (a transformer's ``blocks``, a VAE's up-blocks), not the small layers a block keeps
    in lists of its own (attention's ``to_out``): LTX-Video's transformer has 28 of these against
    224 from :func:`blocks_of`."""
    import torch
    out, seen = [], set()

    def walk(m) -> None:  # depth first, as named_modules goes; not into a block once it is one
        if isinstance(m, torch.nn.ModuleList):
            out.extend(c for c in m.children() if id(c) not in seen and not seen.add(id(c)))
            return
        for c in m.children():
            if id(c) not in seen:
                seen.add(id(c))
                walk(c)
    walk(module)
    return out


SPLIT_FLOPS = 4e9  # a CPU operation above this is split, into pieces of about PIECE_FLOPS
PIECE_FLOPS = 2e9


_SDPA_ARGS = ("query", "key", "value", "attn_mask", "dropout_p", "is_causal")


def split_sdpa(token, func, *args, tick=None, **kwargs):
    """``func`` (scaled_dot_product_attention) in pieces of queries, checking Stop between them
    (and calling ``tick``: the run's time estimate keeps up inside one long operation)."""
    kw = dict(zip(_SDPA_ARGS, args), **kwargs)
    q, k, v = kw.pop("query"), kw.pop("key"), kw.pop("value")
    attn_mask, is_causal = kw.pop("attn_mask", None), kw.pop("is_causal", False)
    dropout_p = kw.pop("dropout_p", 0.0)
    if token.cancelled:
        raise Cancelled()
    flops = 4.0 * q.numel() * k.shape[-2]
    lq = q.shape[-2]
    if flops <= SPLIT_FLOPS or is_causal or lq < 2:
        return func(q, k, v, attn_mask=attn_mask, dropout_p=dropout_p, is_causal=is_causal, **kw)
    import torch
    step = max(1, math.ceil(lq / math.ceil(flops / PIECE_FLOPS)))
    outs = []
    for a in range(0, lq, step):
        if token.cancelled:
            raise Cancelled()
        if tick is not None:
            tick()
        m = attn_mask
        if m is not None and m.dim() >= 2 and m.shape[-2] == lq:
            m = m[..., a:a + step, :]
        outs.append(func(q[..., a:a + step, :], k, v, attn_mask=m, dropout_p=dropout_p, is_causal=False, **kw))
    return torch.cat(outs, dim=-2)


def _split_mode(token, tick=None):
    """A TorchFunctionMode (thread-local) that splits large attention calls; made on first use. An
    instance keeps ``largest``: the most FLOPs one attention call under it asked for."""
    import torch
    from torch.overrides import TorchFunctionMode

    sdpa = torch.nn.functional.scaled_dot_product_attention

    class SplitAttention(TorchFunctionMode):
        largest = 0.0

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func is sdpa:
                q = args[0] if args else kwargs.get("query")
                k = args[1] if len(args) > 1 else kwargs.get("key")
                self.largest = max(self.largest, 4.0 * q.numel() * k.shape[-2])
                return split_sdpa(token, func, *args, tick=tick, **kwargs)
            return func(*args, **kwargs)
    return SplitAttention


_UNKNOWN = object()


def _shape_key(value, depth: int = 0):
    """What decides the sizes of the attention calls a processor makes from these arguments: tensors by
    shape, plain values by value, tuples / lists / dicts by their items (three levels deep); _UNKNOWN for
    anything else (such a call is never taken as known)."""
    import torch
    if isinstance(value, torch.Tensor):
        return ("T", tuple(value.shape))
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if depth < 3 and isinstance(value, (tuple, list)):
        items = tuple(_shape_key(v, depth + 1) for v in value)
        return _UNKNOWN if any(v is _UNKNOWN for v in items) else items
    if depth < 3 and isinstance(value, dict):
        items = tuple((k, _shape_key(v, depth + 1)) for k, v in value.items())
        return _UNKNOWN if any(v is _UNKNOWN for _, v in items) else items
    return _UNKNOWN


class _StopProcessor:
    """An attention processor run under the splitting mode; its ``__call__`` shows the wrapped
    processor's signature (diffusers reads it to pass only the arguments it takes).

    The mode sees every torch call inside the processor (a few microseconds of Python each: a fifth of
    a tiny Wan's forward on the CPU), so it stays only where it may matter: a call whose arguments have
    the shapes of an earlier call in which no attention was large enough to split runs plain (the same
    shapes make the same attention sizes, which ``split_sdpa`` would pass straight through). Stop is
    still checked by the block hooks around it."""

    def __init__(self, inner, mode_cls):
        self.inner, self.mode_cls = inner, mode_cls
        self.plain: dict = {}  # the arguments' shapes -> True: no attention call made from them is split
        call = inner.__call__

        @functools.wraps(call)
        def shown(*a, **k):
            return call(*a, **k)
        self.__dict__["__call__"] = shown  # what inspect.signature(processor.__call__) sees

    def __call__(self, *a, **k):
        key = _shape_key((a[1:], k))  # a[0]: the attention module itself
        if key is not _UNKNOWN and self.plain.get(key):
            return self.inner(*a, **k)
        with self.mode_cls() as mode:
            out = self.inner(*a, **k)
        if key is not _UNKNOWN:
            self.plain[key] = mode.largest <= SPLIT_FLOPS
        return out

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _split_conv(token, conv_forward, tick=None):
    """A module's ``_conv_forward`` that splits a large batch, checking Stop between the pieces."""
    def run(x, weight, bias):
        if token.cancelled:
            raise Cancelled()
        per = 2.0 * x[0].numel() * weight.shape[0] * weight[0, 0].numel()  # ~FLOPs of one sample
        if per * x.shape[0] <= SPLIT_FLOPS or x.shape[0] < 2:
            return conv_forward(x, weight, bias)
        import torch
        step = max(1, int(PIECE_FLOPS // max(per, 1.0)))
        outs = []
        for a in range(0, x.shape[0], step):
            if token.cancelled:
                raise Cancelled()
            if tick is not None:
                tick()
            outs.append(conv_forward(x[a:a + step], weight, bias))
        return torch.cat(outs, 0)
    return run


OVERRUN = 1.1  # an estimate is revised once the node has run this much longer than it said
REVISE_EVERY_S = 2.0  # and then at most this often
REVISE_BY = 0.3  # with a measured step time: revised when it says 30 % more or less than was said
COUNTDOWN_S = 1.0  # the time left is said under the node at most this often (a passing line: not the Log's)
MAX_SWING = 2.0  # from the steps' share alone (no step timed yet): at most twice what was said or has run


def overrun(elapsed: float, said: float | None, done: int, total: int, per_step: float | None = None,
            tail: float = 0.0) -> float | None:
    """The node's whole time re-estimated (issue 61 item 7: "predicted about 83 s" stayed on screen past
    114 s), ``elapsed`` for ``done`` of ``total`` steps; None while close to what was said (or nothing was
    said, or no step is made). With ``per_step`` (the steps' measured time, smoothed): what has run plus
    the steps left at that time, in both directions (issue 73: InfiniteTalk said "about 17 min now" from
    its first step's share of a start spent loading, and ended 15 s later), and ``tail``, what is
    predicted to follow the steps (the decodes still to come: left out, the running estimate dropped
    by the decode, then the run ran past it). Without it, only once past the estimate, from the
    steps' share, never more than MAX_SWING times what was said or has run."""
    if said is None or said <= 0 or done <= 0:
        return None
    if per_step is not None:
        est = elapsed + max(0, total - done) * per_step + tail
        return est if abs(est - said) > REVISE_BY * said else None
    if elapsed <= said * OVERRUN:
        return None
    return min(elapsed * max(total, done) / done, MAX_SWING * max(said, elapsed))


class RunGuard:
    """``with RunGuard(ctx, pipe, denoiser_name, steps, estimate=...)``: hooks installed inside."""

    def __init__(self, ctx, pipe, denoiser: str, steps: int, estimate: bool, whole=None,
                 predicted: float | None = None, started: float | None = None, counted=None, windows: int = 1,
                 limit=None, figure=None, loops: int = 1, on_cpu: bool | None = None):
        self.ctx, self.pipe, self.denoiser_name = ctx, pipe, denoiser
        # the run is on the CPU (None: as ``estimate`` says, the callers' old word): its blocks checked at every
        # depth, its long runs warned of. ``estimate`` on a GPU too: the first step timed and the time said there
        self.on_cpu = estimate if on_cpu is None else bool(on_cpu)
        self.steps = max(1, int(steps))  # denoising steps of the whole generation (every window)
        self.loops = max(1, int(loops))  # denoising loops a call, each decoded after its last step (Framepack's)
        self.estimate = estimate
        # (per step, first step's start, early) -> (the whole node's seconds, what it includes):
        # run_times.RunClock.whole_after_step; None: the steps alone
        self.whole = whole
        self.said_at = 0.0  # when the last estimate was said (not twice within a second)
        self.predicted = predicted  # the node's time predicted from earlier runs, said before it started
        self.handles: list = []
        self.undo: list = []  # puts back what _split_large_ops changed
        self.first_forward_start: float | None = None
        self.first_forward_s: float | None = None
        self.warned = False
        from .estimate_figure import Figure
        # the one figure said of the node (base/estimate_base/estimate_figure.py): shared with the windows' clock (times.RunClock)
        self.figure = figure if figure is not None else Figure(predicted)
        self.bound = False  # what was said is a lower bound ("more than ..."): the first step's estimate follows
        self.started = started if started is not None else time.perf_counter()  # the node's start
        self.next_early = EARLY_ESTIMATE_S  # when the first step has run this long, say "at least"
        self.clock = StepClock()  # the steps' time: the first step's warm share, then the later steps' (step_time.py)
        # the first step's work counted as it runs (work.py), handed to ``counted`` as it ends:
        # what a first run's decode is predicted from; None: not counted
        self.counted, self.counter = (counted if estimate else None), None
        self.tail = 0.0  # what the estimate said after the first step holds past the steps (the decodes): kept
        self.windows = max(1, int(windows))  # pipeline calls the steps are spread over, each with its decode
        # Stop checked at every depth and inside large operations: a CPU run not predicted to be short
        self.deep = estimate and self.on_cpu and not (predicted is not None and predicted < SHORT_RUN_S)
        self.kept = 0  # steps kept from a stopped run (resume/kept_steps.py): counted made, never timed (resumed)
        self.counted_down = 0.0  # when the time left was last said (COUNTDOWN_S)
        self.waiting = False  # the first step's estimate waits for the second step (WARM_WAIT_S)
        # (the whole node's seconds, the first step's, early) -> raises when the run is not to go on: a long
        # take of hours on the CPU (estimates/take_time.py first_step_limit); None: any length runs
        self.limit = limit

    @property
    def said(self) -> float | None:
        """The estimate said, in seconds (the node's one figure: base/estimate_base/estimate_figure.py)."""
        return self.figure.said

    @said.setter
    def said(self, value: float | None) -> None:
        self.figure.said = value

    @property
    def step_s(self) -> float | None:
        """The steps' time the running estimate uses (step_time.StepClock)."""
        return self.clock.per_step

    # -- hooks --------------------------------------------------------------------------------
    def __enter__(self) -> "RunGuard":
        import torch
        token = self.ctx.runtime.cancel

        def stop(_mod, _args):
            if token.cancelled:
                raise Cancelled()

        comps = getattr(self.pipe, "components", {}) or {}
        den = comps.get(self.denoiser_name)
        try:
            for name, comp in comps.items():
                if not isinstance(comp, torch.nn.Module) or getattr(comp, "_compiled_call_impl", None) is not None:
                    continue  # a compiled whole model (speed.set_compiled): Stop is checked between steps
                # Hook: torch's own, not diffusers' registry: on every component, transformers' text encoders and
                # Studio's own modules too, before whatever registry or accelerate hooks do with the call
                self.handles.append(comp.register_forward_pre_hook(stop))
                # a GPU: Stop checked before each outermost block (a hook costs the host time on every
                # call, and small layers are called thousands of times a run); the CPU, whose blocks take
                # seconds: before every block at every depth
                blocks = blocks_of(comp) if self.deep else top_blocks(comp)
                if comp is den and self.estimate:
                    # Hook: torch's own, not diffusers' registry: the whole call timed, every registry hook in it
                    self.handles.append(comp.register_forward_pre_hook(self._forward_start))
                    # Hook: torch's own, not diffusers' registry: the whole call timed, every registry hook in it
                    self.handles.append(comp.register_forward_hook(self._forward_end))
                    hook = self._timed_stop(token)
                else:
                    hook = stop
                # what a compiled block (regional compile) holds, itself included, gets no hook and no
                # wrapper: either would be traced into its graph (a graph break each block, and a
                # wrapper made per run fails dynamo's guards: every run would compile again); Stop
                # there is checked at the component and at the step
                inside = {id(m) for b in blocks if getattr(b, "_compiled_call_impl", None) is not None
                          for m in b.modules()}
                for b in blocks:
                    if id(b) not in inside:
                        # Hook: torch's own, not diffusers' registry: blocks at every depth of any component
                        # (torch layers, transformers' encoders), a flag read on every call: the cheapest hook
                        self.handles.append(b.register_forward_pre_hook(hook))
                if self.deep:  # the CPU: Stop inside one large operation too
                    self._split_large_ops(comp, token, inside)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> bool:
        self._count_end()
        for h in self.handles:
            h.remove()
        self.handles.clear()
        for undo in reversed(self.undo):
            undo()
        self.undo.clear()
        return False

    def _split_large_ops(self, comp, token, skip: set[int] = frozenset()) -> None:
        import torch
        mode = None
        for m in comp.modules():
            if id(m) in skip:
                continue
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Conv3d)) and "_conv_forward" not in m.__dict__:
                m._conv_forward = _split_conv(token, m._conv_forward, self._tick)
                self.undo.append(functools.partial(m.__dict__.pop, "_conv_forward", None))
            proc = getattr(m, "processor", None)
            if proc is not None and callable(proc) and not isinstance(proc, _StopProcessor) \
                    and isinstance(m, torch.nn.Module):
                mode = mode or _split_mode(token, self._tick)
                object.__setattr__(m, "processor", _StopProcessor(proc, mode))
                self.undo.append(functools.partial(object.__setattr__, m, "processor", proc))

    def _timed_stop(self, token):
        def hook(_mod, _args):
            if token.cancelled:
                raise Cancelled()
            self._tick()
        return hook

    def _tick(self) -> None:
        """While the first step has not ended: at 5 s, 10 s, 20 s... say a lower bound of the run."""
        if self.first_forward_s is None and self.first_forward_start is not None:
            ran = time.perf_counter() - self.first_forward_start
            if ran >= self.next_early:
                self.next_early = ran * 2
                self._say(ran, early=True)

    def _forward_start(self, mod, _args):
        if self.first_forward_start is None:
            # not where any part of the model is compiled (the speed mode compiles the repeated blocks): a
            # function mode in force is in dynamo's guards, so every compiled block would be compiled again
            if self.counted is not None and not any(getattr(m, "_compiled_call_impl", None) is not None
                                                    for m in mod.modules()):
                from .work import counter, overhead_per_call
                self.counter = counter()
                self.counter.work.per_call_s = overhead_per_call()
                self.counter.__enter__()  # left at the first step's end (step_done), or the run's
            self.first_forward_start = time.perf_counter()
        self.clock.call_started(time.perf_counter())

    def _count_end(self, step_seconds: float = 0.0) -> float:
        """The first step's counting ends (its work handed on): at the step's end, or the run's. The
        step's seconds (``step_seconds``) less what counting cost it (never below half)."""
        c, self.counter = self.counter, None
        if c is None:
            return step_seconds
        c.__exit__(None, None, None)
        self.counted(c.work)
        return max(0.5 * step_seconds, step_seconds - c.work.calls * c.work.per_call_s)

    def _forward_end(self, _mod, _args, _out):
        now = time.perf_counter()
        if self.first_forward_s is None and self.first_forward_start is not None:
            self.first_forward_s = now - self.first_forward_start
        self.clock.call_ended(now)  # each call of the first step, timed (step_time.py)

    # -- the estimate -------------------------------------------------------------------------
    def tick(self, done: int, total: int) -> None:
        """After each step (``done`` of ``total``, the kept steps of a resumed run among them): a node that has run
        past its estimate says so, with the estimate made again from its progress, at most every REVISE_EVERY_S;
        else, at most every COUNTDOWN_S, the time left (:meth:`_count_down`)."""
        now = time.perf_counter()
        elapsed = now - self.started
        # the steps this run made (a resumed run's kept steps were not made here, nor timed): its pace and its share
        made, to_make = max(0, done - self.kept), max(1, total - self.kept)
        if self.clock.last is None and self.first_forward_start is not None:  # no first step's end was said
            self.clock.last = (self.first_forward_start, 0)
        self.clock.step(now, made)  # the steps since the last tick, timed (the first step's own time left out)
        if self.waiting and made >= 2:  # the estimate the first step left unsaid, from the second
            self.waiting = False
            self._say(self.clock.per_step, early=False, warm=self.clock.per_step, done=made)
        per_window = max(1, total // self.windows)  # steps a window; its decode follows its last step
        decodes_left = self.windows - (-(-done // per_window) - 1)
        ahead = loops_ahead(self.clock.gaps, made, to_make, self.loops, self.tail) if self.windows == 1 else None
        est = (overrun(elapsed, self.said, made, to_make, *ahead) if ahead is not None else
               overrun(elapsed, self.said, made, to_make, self.clock.pace, self.tail * decodes_left / self.windows))
        pace = ahead[0] if ahead is not None else self.clock.pace
        # past the figure (a run slower than it said, not yet re-said): the steps to go at their pace instead
        raw = None if pace is None else (to_make - made) * pace + (ahead[1] if ahead is not None else
                                                                   self.tail * decodes_left / self.windows)
        if est is None or now - self.said_at < REVISE_EVERY_S:
            self._count_down(now, self._steps_words(done, total), raw)
            return
        old = self.said
        est = self.figure.offer(est, elapsed, made / to_make)  # blended with the prior, never flipping
        if est is None:
            self._count_down(now, self._steps_words(done, total), raw)
            return
        self.said_at = self.counted_down = now
        left = "the decode to come" if done >= total else self._steps_words(done, total)
        self.ctx.note(f"{'longer' if est > old else 'shorter'} than predicted (about {fmt_duration(old)}): about "
                      f"{fmt_duration(est)} now, {fmt_duration(elapsed)} so far, {left}")

    def _steps_words(self, done: int, total: int) -> str:
        """'3 of 8 steps made', a resumed run's kept steps among them ('7 of 8 steps made (6 kept), 1 to go')."""
        if done >= total:
            return f"{total} of {total} steps made, decoding"
        kept = f" ({self.kept} kept)" if self.kept else ""
        return f"{done} of {total} steps made{kept}, {total - done} to go"

    def left(self) -> float | None:
        """Seconds the node has still to run as its one figure says (None: nothing said yet, or the run is past
        it)."""
        if self.said is None:
            return None
        left = self.said - (time.perf_counter() - self.started)
        return left if left > 0 else None

    def _count_down(self, now: float, phase: str, raw: float | None = None) -> None:
        """The time left with the phase under way, under the node (a passing line, not the Log's) at most every
        COUNTDOWN_S: 'about 25 s left · 3 of 8 steps made, 5 to go'. The figure is the node's one (its said
        estimate less what has run), never under ``raw`` (the steps to go at their measured pace and the decode to
        come: a run behind its figure by less than REVISE_BY said 'about 46 ms left' before a 200 ms decode);
        nothing while no estimate is said (a first step's figure waits for the second: step_done)."""
        left = self.left() if self.said is not None else None
        if self.said is not None and raw is not None:
            left = raw if left is None else max(left, raw)
        if left is None or left <= 0 or now - self.counted_down < COUNTDOWN_S:
            return
        self.counted_down = now
        self.ctx.note(f"about {fmt_duration(left)} left · {phase}", logged=False)

    def resumed(self, kept: int, total: int) -> None:
        """The run took up a stopped run's first ``kept`` of ``total`` steps (resume/kept_steps.py): they count as
        made, the steps' clock starts again at the next step (the kept ones ran no denoiser: their time is no
        step's), and the time said is of the steps to go."""
        self.kept = max(0, int(kept))
        self.first_forward_start = self.first_forward_s = None  # the next denoiser call is the first step timed
        self.clock = type(self.clock)()
        self.waiting = False
        if self.said is not None and self.steps > 0:  # the steps kept are not to be made: their share off
            share = 1.0 - self.kept / self.steps
            elapsed = time.perf_counter() - self.started
            self.figure.take(elapsed + max(0.0, self.said - elapsed) * max(0.0, share))
        now = time.perf_counter()
        self.counted_down = 0.0
        self._count_down(now, self._steps_words(self.kept, total))

    def step_done(self, step_seconds: float) -> None:
        """The first denoising step ended, after ``step_seconds``: refine what was said."""
        raw, step_seconds = step_seconds, self._count_end(step_seconds)
        warm = self.clock.first(time.perf_counter(), step_seconds, step_seconds / raw if raw > 0 else 1.0)
        if self.estimate and not self.clock.warm_measured and step_seconds < WARM_WAIT_S and \
                self.steps // self.windows >= 3:
            self.waiting = True  # one call, short: its cold share unknown; said at the second step (where a step
            # still follows it: with two steps the second's estimate would come with the denoising done)
        elif self.estimate:
            self._say(step_seconds, early=False, warm=warm)

    def decoding(self, part: float, seconds: float) -> float | None:
        """The decode under way, ``part`` of it made in ``seconds``: the estimate made again at its pace (a
        decode predicted short ran on, unsaid, for most of the run), as :meth:`tick` says it. Returns the seconds
        left (:meth:`left`): the decode's own line says them (takes/decode_progress.py)."""
        now, done = time.perf_counter(), (self.clock.last or (0.0, 0))[1]
        to_make = max(1, self.steps - self.kept)
        if self.said is None or not 0 < part < 1 or now - self.said_at < REVISE_EVERY_S:
            return self.left()
        est = during_decode(now - self.started, part, seconds, done, to_make, self.step_s, self.tail, self.windows)
        old = self.said
        est = self.figure.offer(est, now - self.started, done / to_make)
        if est is not None:
            self.said_at = self.counted_down = now
            self.ctx.note(f"{'longer' if est > old else 'shorter'} than predicted (about {fmt_duration(old)}): about "
                          f"{fmt_duration(est)} now, {fmt_duration(now - self.started)} so far, decoding")
        return self.left()

    def window_made(self, phases: dict) -> None:
        """A window was made (its ``phases``: estimates/phases.py): the decodes to come are taken at its decode's
        measured time (and what followed it), not what the first step predicted."""
        if phases and "decode" in phases:
            self.tail = self.windows * (phases["decode"] + phases.get("other", 0.0))

    def _say(self, per_step: float, early: bool, warm: float | None = None, done: int = 1) -> None:
        """``early``: the first step has run ``per_step`` seconds and is not done (a lower bound);
        else it took ``per_step``, and ``warm`` without its one-off cost (step_time.py): the steps
        still to come, and the decode predicted from the step, are at ``warm``; ``done``: steps made (past the
        first: what has run since the first step began, as it ran)."""
        w = per_step if warm is None else warm
        total, parts = (self.whole(w, self.first_forward_start, early) if self.whole is not None
                        else (w * self.steps, ""))
        total -= w * self.kept  # a resumed run's kept steps are not to be made
        to_make = max(1, self.steps - self.kept)
        start = self.first_forward_start if self.first_forward_start is not None else time.perf_counter()
        # the first step at its own time (the steps made, as they ran), the rest at the warm one
        total += (time.perf_counter() - start - w * done) if done > 1 else per_step - w
        if self.limit is not None:
            self.limit(total, per_step, early)  # a run of hours refused here, in words, before it goes on
        if not early and self.whole is not None:  # what it holds past the steps, kept for the running estimate
            self.tail = max(0.0, total - (time.perf_counter() - self.started) - w * (to_make - done)
                            if done > 1 else total - (start - self.started) - per_step - w * (to_make - 1))
        if not early and self.figure.prior is not None and not self.predicted:
            # the estimate shown before F5 from another model's runs (a guess, weighed as one): the first step's
            # figure blended with it, not put in its place (Framepack: 66 s shown, 25 s from its first step, then
            # 55 s; it took 51 s)
            blended = self.figure.offer(total, time.perf_counter() - self.started, done / to_make)
            if blended is None:
                return
            total = blended
        elif self.said is not None:
            if early and total <= self.said:
                return  # a lower bound only rises: the label never goes back
            # close to what was said: not repeated. A prediction from earlier runs (run_times.py) is
            # moved only by a first step twice as long or half as long (one step is a rough measure,
            # the windows re-predict it: RunClock.window_done)
            if not early and not self.bound and abs(total - self.said) < (1.0 if self.predicted else 0.3) * self.said:
                return  # (after "more than ..." the estimate is said whatever it is: SVD's label stayed a bound)
            total = max(total, self.said) if early else total
        now = time.perf_counter()
        if early and now - self.said_at < 1.0:
            return  # not twice within a second
        self.figure.take(total)
        self.said_at, self.bound, self.counted_down = now, early, now
        long = total >= LONG_RUN_S and self.on_cpu  # on a GPU a long run is a plan, not a warning
        steps = f"{to_make} of {self.steps} steps to make" if self.kept else f"{self.steps} steps"
        text = f"{'more than' if early else 'about'} {fmt_duration(total)} on the {'CPU' if self.on_cpu else 'GPU'}" + \
            (": lower width/height/frames or use a GPU" if long else "") + \
            (f" (the first of {steps} has run {fmt_duration(per_step)})" if early else
             f" ({fmt_duration(w)} a step, {steps}{'; ' + parts if parts else ''})")
        if long and not self.warned:  # a warning of the run once (the Log's line); the note keeps up
            self.warned = True
            self.ctx.warn(text)
        self.ctx.note(text, "warning" if long else "info")
