"""A take sampled with context windows loses nothing to a Stop: the latent at its last finished step is
kept, and a re-run with nothing changed resumes from the next step.

A context-windows take is one pipeline call (context_windows.py), so there are no finished windows to
keep (kept_windows.py): what is finished is steps. While such a take is sampled, the latent and the
scheduler's state after each step are held (on the device: one copy of the latent); when the run is
stopped they are written to ``<Studio's cache folder>/kept-steps/<key>.safetensors`` (a temporary name
renamed; nothing pickled: the scheduler's tensors as tensors, its numbers as JSON in the header). The
key is a kept window's (kept_latents.run_key: the model's files, dtype, LoRAs, the pipeline, its
arguments, the seed, the speed settings) with the context windows' plan in it.

The file proves itself before it is used (kept_file.py: a regular file, its key's digest, a CRC-32 per
tensor), and what it says is checked against the take: its step is a step of this call's schedule
(never past the call's steps), its latent has the call's shape. A file that fails is a miss: removed,
said once, and the take is sampled from its first step (a mismatch found at the first step makes the
sampler call the pipeline again: :class:`KeptStepsMismatch`).

A re-run with that key calls the pipeline as before; the context-windows hook returns zeros instead of
running the denoiser for the steps already made (the scheduler steps them, cheaply), and at the end of
the last kept step the callback puts back the kept latent and the scheduler's state: from there the
run is the stopped one's, so the take is the one an uninterrupted run makes. The node says it resumed;
the file is deleted once the frames are made.

A call of several denoising loops (Framepack's sections, Cosmos Transfer's chunks: each reads what the loops
before it made) counts its steps over all of them and keeps each finished loop's last latents with the step;
a re-run hands them back at those loops' ends (the pipeline takes them back from the callback as any step's),
so the loops after them read what the stopped run's read."""
from __future__ import annotations

import os

from . import kept_file
from .kept_latents import prune, run_key

MAX_BYTES = 8 * 1024 ** 3
MAX_AGE_S = 7 * 24 * 3600
SIMPLE = (bool, int, float, str, type(None))
MAX_STEPS = 10_000  # a call of no known length: its kept step is refused past this


class KeptStepsMismatch(Exception):
    """The kept steps do not fit the call under way (found at its first step): the sampler calls the
    pipeline again with nothing kept (the file is removed and said already)."""


KEPT_DIR_ENV = "STUDIO_KEPT_STEPS_DIR"  # a folder of its own for kept steps (a cluster's shared storage)
EVERY_ENV = "STUDIO_KEEP_STEPS_EVERY"  # seconds: kept as the take goes, not only at a Stop (a cluster's workers)


def folder() -> str:
    """``$STUDIO_KEPT_STEPS_DIR`` (a cluster's workers: a folder every machine sees, so a job whose worker died
    goes on elsewhere from its steps: studio/cluster), else the cache folder's 'kept-steps'."""
    own = os.environ.get(KEPT_DIR_ENV)
    if own:
        return os.path.abspath(os.path.expanduser(own))
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), "kept-steps")


def keep_every() -> float | None:
    """Seconds between two writes of the last finished step while a take goes on (``$STUDIO_KEEP_STEPS_EVERY``:
    a worker that may be killed, kill -9 included, keeps them as it goes); None: written only at a Stop."""
    try:
        v = float(os.environ.get(EVERY_ENV, ""))
    except ValueError:
        return None
    return v if v >= 0 else None


def scheduler_state(sched) -> dict:
    """The scheduler's own state: its tensors (cloned), lists of tensors, and plain values."""
    import torch
    out = {}
    for k, v in vars(sched).items():
        if isinstance(v, torch.Tensor):
            out[k] = v.detach().clone()
        elif isinstance(v, (list, tuple)) and all(isinstance(x, (torch.Tensor,) + SIMPLE) for x in v):
            out[k] = [x.detach().clone() if isinstance(x, torch.Tensor) else x for x in v]
        elif isinstance(v, SIMPLE):
            out[k] = v
    return out


class StepKeeper:
    """One pipeline call (a context-windows take, or a plain one: skip_steps.py; ``plan`` None):
    :meth:`step` after each step (from the pipeline's callback),
    :meth:`skipping` for the hook, :meth:`stopped` when the run is stopped, :meth:`finish` once the
    frames are made."""

    def __init__(self, ctx, ref, pipe, kwargs: dict, seed: int, plan, replay: bool = False, loops: int = 1):
        from .replay import Replay
        self.ctx, self.pipe = ctx, pipe
        # a sound sampled beside the picture: its predictions held and handed back (skip_steps.py)
        self.replay = Replay(self._replay_miss) if replay else None
        windows = {} if plan is None else {"context_windows": (plan.window, plan.overlap, plan.schedule)}
        self.key = run_key(ref, pipe, {**windows, **kwargs}, seed, ctx.params)
        self.path = os.path.join(folder(), self.key + ".safetensors")
        self.done = -1  # the last step finished in this call, counted over all its denoising loops
        # a call of several denoising loops (Framepack's sections): each loop's last latents, which the later
        # loops read (the pipeline takes them back from the callback), held; a kept run's handed back
        self.loops, self.finals, self.kept_finals = max(1, loops), [], []
        self.held: tuple | None = None
        self.every, self.kept_at = keep_every(), None  # written as it goes (a cluster's worker), when last
        self.resume_at, self.kept = -1, None  # the kept step, its latent and scheduler state
        self.checked = False  # the kept step and latent checked against the call (at its first step)
        steps = kwargs.get("num_inference_steps")
        self.loop = int(steps) if isinstance(steps, int) and 0 < steps <= MAX_STEPS else MAX_STEPS
        # Studio's own windowed pipelines (Wan S2V, SCAIL-2) number their steps on over their windows themselves,
        # and load the windows a kept run finished instead of sampling them (families/wan/own_take.py)
        in_call = getattr(pipe, "steps_in_call", None)
        self.windowed = in_call is not None
        self.max_steps = min(MAX_STEPS, int(in_call(kwargs))) if self.windowed else \
            (self.loop * self.loops if self.loop * self.loops <= MAX_STEPS else MAX_STEPS)
        if os.path.lexists(self.path):  # a link or a FIFO there too: refused by kept_file, removed
            self._load()

    def _miss(self, why: str) -> None:
        """The kept file is not used: removed and said (once: nothing is kept any more)."""
        _drop(self.path)
        self.resume_at, self.kept = -1, None
        self.done, self.finals, self.kept_finals = -1, [], []  # the call is made again from its start
        if self.replay is not None:
            self.replay.clear()
        self.ctx.warn(f"the kept steps of an earlier run were not used ({why}): removed, the take is sampled "
                      "from its first step")

    def _replay_miss(self, why: str) -> None:
        self._miss(why)
        raise KeptStepsMismatch

    def _load(self) -> None:
        try:
            tensors, info = kept_file.read(self.path, self.key, max_bytes=MAX_BYTES)
            self.resume_at, self.kept = _state(tensors, info, self.max_steps)
            finals = info.get("finals", 0)
            if type(finals) is not int or not 0 <= finals <= self.loops or any(f"f.{j}" not in tensors
                                                                                 for j in range(finals)):
                raise kept_file.KeptFileError("its loops' latents are not this take's")
            self.kept_finals = [tensors[f"f.{j}"] for j in range(finals)]
            if self.replay is not None:
                counts = info.get("replay")
                if not (isinstance(counts, list) and all(type(n) is int and 0 <= n <= len(tensors) for n in counts)):
                    raise kept_file.KeptFileError("it holds no sound predictions to replay")
                self.replay.load(tensors, counts)
        except FileNotFoundError:
            return
        except kept_file.KeptFileError as e:
            self._miss(str(e))

    def fits(self, pipe, latents, i: int = 0) -> None:
        """At the call's first step (``i``): the kept step lies inside the call's schedule (in a windowed call, in
        the window this step is of: the windows before it are loaded, their frames kept) and the kept latent has
        the call's shape, else a miss (:class:`KeptStepsMismatch`: the call is made again)."""
        if self.checked or self.kept is None:
            return
        self.checked = True
        total = self.max_steps if self.windowed else \
            int(getattr(pipe, "num_timesteps", 0) or 0) * self.loops or self.max_steps
        if self.resume_at >= total:
            self._miss(f"its step {self.resume_at + 1} is past this take's {total}")
            raise KeptStepsMismatch
        if self.windowed and self.resume_at // self.loop < i // self.loop:  # its window finished and is kept whole
            _drop(self.path)
            self.resume_at, self.kept = -1, None
            raise KeptStepsMismatch  # this step was skipped for it: the call is made again, nothing to say
        if self.windowed and self.resume_at // self.loop > i // self.loop:
            self._miss(f"its step {self.resume_at + 1} is in window {self.resume_at // self.loop + 1}, and this run "
                       f"samples from window {i // self.loop + 1}")
            raise KeptStepsMismatch
        if tuple(self.kept[0].shape) != tuple(latents.shape):
            self._miss("its latent is not of this take's shape")
            raise KeptStepsMismatch

    # -- during the call ------------------------------------------------------------------------------
    def skipping(self) -> bool:
        """The step under way was made by the stopped run: no need to run the denoiser."""
        return self.done < self.resume_at

    def step(self, pipe, i: int, kw: dict) -> dict:
        """After step ``i`` (of its loop): at the kept step, the kept latent and scheduler state put back; at
        the end of a loop the kept run finished, that loop's latents; at every step, the latent and state held
        for a Stop."""
        # over all the call's loops (a windowed call numbers its steps over its windows itself)
        self.done = i = i if self.windowed else self.done + 1
        per_loop = int(getattr(pipe, "num_timesteps", 0) or 0)
        loop_ends = self.loops > 1 and per_loop > 0 and (i + 1) % per_loop == 0
        if "latents" in kw:
            self.fits(pipe, kw["latents"], i)
        if loop_ends and i < self.resume_at and self.kept is not None and len(self.finals) < len(self.kept_finals):
            kw = dict(kw, latents=self.kept_finals[len(self.finals)].to(kw["latents"].device, kw["latents"].dtype))
        if i == self.resume_at and self.kept is not None:
            latents, state = self.kept
            device = kw["latents"].device
            for k, v in state.items():
                if isinstance(v, list):
                    v = [x.to(device) if hasattr(x, "to") and not isinstance(x, SIMPLE) else x for x in v]
                elif hasattr(v, "to") and not isinstance(v, SIMPLE):
                    v = v.to(device)
                setattr(pipe.scheduler, k, v)
            kw = dict(kw, latents=latents.to(device, kw["latents"].dtype))
            total = self.max_steps if self.windowed else \
                per_loop * self.loops or (self.max_steps if self.max_steps < MAX_STEPS else 0)
            if total and i + 1 >= total:  # every step kept (stopped as it decoded): only the decode is left
                self.ctx.info(f"resumed after its last step: all {total} steps were kept from an earlier run of this "
                              "take that was stopped")
            else:
                self.ctx.info(f"resumed from step {i + 2}{f' of {total}' if total else ''}: steps 1-{i + 1} were kept "
                              "from an earlier run of this take that was stopped")
        if "latents" in kw:
            if loop_ends:
                self.finals.append(kw["latents"].detach().clone())
            calls = len(self.replay.records) if self.replay is not None else 0
            self.held = (i, kw["latents"].detach().clone(), scheduler_state(pipe.scheduler), calls, len(self.finals))
            if self.every is not None and i > self.resume_at:
                import time
                now = time.monotonic()
                if self.kept_at is None or now - self.kept_at >= self.every:
                    self.kept_at = now
                    self._write(quiet=True)
        return kw

    def stopped(self) -> None:
        """The run was stopped: the last finished step written down (atomically)."""
        self._write(quiet=False)

    def _write(self, quiet: bool) -> None:
        """The last finished step written down (atomically); ``quiet``: as the take goes (said only if it fails)."""
        if self.held is None:
            return
        import torch
        i, latents, state, calls, finals = self.held
        tensors = {"latents": latents.to("cpu").contiguous()}
        tensors.update({f"f.{j}": f.to("cpu").contiguous() for j, f in enumerate(self.finals[:finals])})
        info = {"step": i, "plain": {}, "tensors": [], "lists": {}, "list_plain": {}, "finals": finals}
        if self.replay is not None:
            replayed, info["replay"] = self.replay.tensors(calls)
            tensors.update(replayed)
        for k, v in state.items():
            if isinstance(v, torch.Tensor):
                tensors[f"s.{k}"] = v.to("cpu").contiguous()
                info["tensors"].append(k)
            elif isinstance(v, list):
                info["lists"][k] = len(v)
                for j, x in enumerate(v):
                    if isinstance(x, torch.Tensor):
                        tensors[f"s.{k}.{j}"] = x.to("cpu").contiguous()
                    else:
                        info["list_plain"][f"{k}.{j}"] = x
            else:
                info["plain"][k] = v
        try:
            os.makedirs(folder(), exist_ok=True)
            prune(folder(), keep=None, max_bytes=MAX_BYTES, max_age_s=MAX_AGE_S)
            kept_file.write(self.path, self.key, tensors, info)
            if quiet:
                return
            self.ctx.info(f"stopped: the take's first {i + 1} steps are kept for a re-run ({self.path})")
        except (OSError, ValueError) as e:  # a full disk: only the resume is lost
            why = getattr(e, "strerror", None) or e
            if quiet:
                self.every = None  # said once: the take goes on, kept at a Stop only
            self.ctx.warn(f"the take's finished steps could not be kept for a re-run ({why})")

    def finish(self) -> None:
        _drop(self.path)


def _state(tensors: dict, info: dict, max_steps: int) -> tuple[int, tuple]:
    """(the kept step, (its latent, the scheduler's state)) from a proven file's tensors and description;
    KeptFileError when they do not describe a step of at most ``max_steps`` (a file proven for this
    key was written by this Studio, but its description is still checked before it sizes anything)."""
    step = info.get("step")
    if type(step) is not int or not 0 <= step < max_steps:
        raise kept_file.KeptFileError("its step is not one of this take's")
    plain, lists, list_plain, names = (info.get(k) for k in ("plain", "lists", "list_plain", "tensors"))
    if not (isinstance(plain, dict) and isinstance(lists, dict) and isinstance(list_plain, dict)
            and isinstance(names, list) and "latents" in tensors):
        raise kept_file.KeptFileError("its description is not a kept step's")
    state = dict(plain)
    for k, n_items in lists.items():
        if type(n_items) is not int or not 0 <= n_items <= len(tensors) + len(list_plain):
            raise kept_file.KeptFileError("its description is not a kept step's")
        state[k] = [tensors.get(f"s.{k}.{i}", list_plain.get(f"{k}.{i}")) for i in range(n_items)]
    for k in names:
        if f"s.{k}" not in tensors:
            raise kept_file.KeptFileError("its description is not a kept step's")
        state[k] = tensors[f"s.{k}"]
    return step, (tensors["latents"], state)


def _drop(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
