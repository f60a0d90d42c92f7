"""Where a pretrained video model node's time goes, phase by phase, and the whole node's time
predicted from them (issue 48: "about 7 s (862 ms a step, 8 steps)" for a node that took 21.8 s:
the per-step figure left out text encoding, decoding and the windows' blending).

A node's time is ``before`` (from the node's start to its first window: the pipeline for the task,
a Prompt Schedule's prompts encoded) plus, for each window, ``encode`` (the pipeline's own prompt
encoding and set-up, before its first step), ``steps`` denoising steps of ``step`` seconds, the
VAE ``decode`` (after the last step), and ``other`` (the frames to the host, blended into the clip,
kept for a re-run). Measured per window by :class:`WindowTimer` (from the step callbacks: no hook,
no device sync), recorded per run (times.keep), and predicted for another size and step count
by :func:`predict_node`: the step scales with the pixels by the exponent two records of different
sizes show (attention: above 1), the decode and the rest in proportion to the pixels, the
encoding and ``before`` not at all. Importing this module costs nothing."""
from __future__ import annotations

import math
import time
from typing import Callable

from ..base.step_time import split_gaps

PHASES = ("before", "encode", "step", "decode", "other")


class WindowTimer:
    """One pipeline call's phases from its step callbacks: ``call()`` as it starts, ``step()`` at
    each step's end, ``end()`` when it returns (the decode is done). A call of several denoising loops decodes
    each loop's frames between its steps (Framepack's sections): what such a gap holds beyond a step is the
    decode's (base/step_time.split_gaps)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self.clock = clock
        self.t_call = self.first = self.last = None
        self.steps = 0
        self.gaps: list[float] = []
        self.sound = 0.0  # of the decode, the sound's (:meth:`sounds`)

    def sounds(self, pipe):
        """A context timing the call's sound decoders (its ``audio_vae``'s decode, its ``vocoder``) into
        ``self.sound``: LTX-2 decodes its sound inside its decode phase (2.4x its video VAE's counted work on the
        tiny model), which another model's decode is not to be scaled from (estimates/cross_scale.py)."""
        return _SoundClock(self, pipe)

    def call(self) -> None:
        self.t_call = self.clock()

    def step(self) -> None:
        now = self.clock()
        if self.first is None:
            self.first = now
        else:
            self.gaps.append(now - self.last)
        self.last = now
        self.steps += 1

    def end(self) -> dict[str, float]:
        """{'call', 'encode', 'step', 'decode'} in seconds ('step': one step's). With one step the
        encoding cannot be told from it: both are the step's."""
        now = self.clock()
        t0 = self.t_call if self.t_call is not None else now
        if self.first is None:  # no step ran (kept latents decoded): all of it is the decode
            return {"call": now - t0, "encode": 0.0, "step": 0.0, "decode": now - t0}
        if self.steps >= 2:
            step, loops = split_gaps(self.gaps)
            encode = max(0.0, self.first - t0 - step)
            between = sum(loops)  # the loops' decodes
        else:
            step, encode, between = self.first - t0, 0.0, 0.0
        out = {"call": now - t0, "encode": encode, "step": step, "decode": max(0.0, now - self.last) + between}
        return dict(out, sound=min(self.sound, out["decode"])) if self.sound > 0 else out


class _SoundClock:
    """WindowTimer.sounds: the seconds in the pipeline's sound decoders while the call runs."""
    PARTS = ("audio_vae", "vocoder")

    def __init__(self, timer: WindowTimer, pipe):
        self.timer, self.pipe, self.undo = timer, pipe, []

    def _timed(self, fn):
        def run(*a, **k):
            t0 = self.timer.clock()
            try:
                return fn(*a, **k)
            finally:
                self.timer.sound += self.timer.clock() - t0
        return run

    def __enter__(self):
        for name in self.PARTS:
            part = getattr(self.pipe, name, None)
            if part is None:
                continue
            what = "decode" if hasattr(part, "decode") else "forward" if hasattr(part, "forward") else None
            if what is None or what in vars(part):
                continue
            vars(part)[what] = self._timed(getattr(part, what))  # on the instance: its class untouched
            self.undo.append((part, what))
        return self

    def __exit__(self, *exc):
        for part, what in self.undo:
            vars(part).pop(what, None)
        self.undo.clear()
        return False


def has_phases(rec: dict) -> bool:
    return all(isinstance(rec.get(k), (int, float)) for k in PHASES)


def step_exponent(recs: list[dict], near: dict) -> float:
    """How a step's time grows with the pixels: from the record farthest in size from ``near``
    (1.2x or more apart), else 1."""
    far = max(recs, key=lambda r: abs(math.log(r["pixels"] / near["pixels"])))
    if abs(math.log(far["pixels"] / near["pixels"])) < math.log(1.2) or not (far["step"] > 0 and near["step"] > 0):
        return 1.0
    return min(2.0, max(0.8, math.log(far["step"] / near["step"]) / math.log(far["pixels"] / near["pixels"])))


def usable(records: list[dict], cold: bool | None = None) -> list[dict]:
    """The records with phases; those of a run as cold as this one when there are some. A model's
    first run in a process pays for its kernels' first use (on the CPU a convolution's first call
    at a shape costs many times the next) and the task's pipeline: a render in a new process is
    predicted from such runs, a later run in the window from the warm ones."""
    recs = [r for r in records if has_phases(r) and r.get("pixels", 0) > 0]
    same = [r for r in recs if cold is None or bool(r.get("cold")) == cold]
    return same or recs


def predict_node(records: list[dict], pixels: int, steps: int, windows: int,
                 cold: bool | None = None) -> tuple[float, dict] | None:
    """(the whole node's seconds, the record it comes from) for ``windows`` windows of ``pixels``
    and ``steps``, from records with phases (:func:`usable`); None without one."""
    recs = usable(records, cold)
    if not recs:
        return None
    near = min(reversed(recs), key=lambda r: abs(math.log(pixels / r["pixels"])))
    ratio = pixels / near["pixels"]
    exp = step_exponent(recs, near)
    window = near["encode"] + near["step"] * steps * ratio ** exp + (near["decode"] + near["other"]) * ratio
    return near["before"] + near.get("first_extra", 0.0) + max(1, windows) * window, near


def window_phases(windows: list[dict], cold: bool = False, steps: int = 1) -> dict[str, float]:
    """The mean of each measured window's phases (what a record keeps). ``cold`` (the model's
    first run in the process): the first window, which paid for the kernels' first use, is left
    out of the mean when there are others, and what it took more is kept as ``first_extra``
    (the phases then add up to the windows' time)."""
    rest = windows[1:] if cold and len(windows) > 1 else windows
    n = max(1, len(rest))
    out = {k: sum(w.get(k, 0.0) for w in rest) / n for k in ("encode", "step", "decode", "other")}
    if any(w.get("sound") for w in rest):
        out["sound"] = sum(w.get("sound", 0.0) for w in rest) / n  # of the decode, the sound's
    if cold and len(windows) > 1:
        def total(w):
            return w.get("encode", 0.0) + w.get("step", 0.0) * steps + w.get("decode", 0.0) + w.get("other", 0.0)
        out["first_extra"] = total(windows[0]) - total(out)  # below 0 when the machine was busier later
    return out


def remaining(elapsed: float, window_seconds: list[float], windows: int, cold: bool = False) -> float:
    """The whole node's time re-predicted from its progress: what it has taken, and each window
    still to make at the mean of those made (``cold``: the first, which paid for the kernels'
    first use, left out once a later one is made)."""
    done = len(window_seconds)
    if not done:
        return elapsed
    made = window_seconds[1:] if cold and done > 1 else window_seconds
    return elapsed + (windows - done) * sum(made) / len(made)


def measured_words(windows: list[dict], before: float, steps: int, said=None) -> str:
    """A run's phases as it measured them, in words, each beside what was said of it before F5 (``said``: the
    node's foresee_time.Foreseen, None: nothing said), for the Log (issue 116: each phase's estimate checked
    against what it took): 'encode 1.2 s (said 2 s) · 8 steps 8 s (said 6 s) · decode 3 s (said 2 s)'. ``windows``:
    each window's measured phases (WindowTimer.end), ``steps`` a window's steps over its loops."""
    from ..base.guard import fmt_duration
    from .short_phase import said as said_words  # as the node said it: a short phase as a bound
    got = {"encode": before + sum(w.get("encode", 0.0) for w in windows),
           "steps": steps * sum(w.get("step", 0.0) for w in windows),
           "decode": sum(w.get("decode", 0.0) for w in windows),
           "sound": sum(w.get("sound", 0.0) for w in windows)}
    before_run = {} if said is None else {"encode": said.encode, "steps": said.steps, "decode": said.decode,
                                          "sound": said.sound}
    out = []
    for name, secs in got.items():
        if name == "sound" and secs <= 0:
            continue
        was = before_run.get(name)
        label = f"{steps * max(1, len(windows))} steps" if name == "steps" else name
        out.append(f"{label} {fmt_duration(secs)}" + (f" (said {said_words(was)})" if was is not None and (
            name != "sound" or was > 0) else ""))
    return " · ".join(out)
