"""A take sampled with context windows loses nothing to a Stop: the latent at its last finished step is
kept, and a re-run with nothing changed resumes from the next step.

A context-windows take is one pipeline call (context_windows.py), so there are no finished windows to
keep (kept_windows.py): what is finished is steps. While such a take is sampled, the latent and the
scheduler's state after each step are held (on the device: one copy of the latent); when the run is
stopped they are written to ``<Studio's cache folder>/kept-steps/<key>.safetensors`` (a temporary name
renamed; nothing pickled: the scheduler's tensors as tensors, its numbers as JSON in the header). The
key is a kept window's (kept_latents.run_key: the model's files, dtype, LoRAs, the pipeline, its
arguments, the seed, the speed settings) with the context windows' plan in it.

A re-run with that key calls the pipeline as before; the context-windows hook returns zeros instead of
running the denoiser for the steps already made (the scheduler steps them, cheaply), and at the end of
the last kept step the callback puts back the kept latent and the scheduler's state: from there the
run is the stopped one's, so the take is the one an uninterrupted run makes. The node says it resumed;
the file is deleted once the frames are made."""
from __future__ import annotations

import json
import os

from studio.core import json_limits
from .kept_latents import prune, run_key

MAX_BYTES = 8 * 1024 ** 3
MAX_AGE_S = 7 * 24 * 3600
SIMPLE = (bool, int, float, str, type(None))


def folder() -> str:
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), "kept-steps")


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

    def __init__(self, ctx, ref, pipe, kwargs: dict, seed: int, plan):
        self.ctx, self.pipe = ctx, pipe
        windows = {} if plan is None else {"context_windows": (plan.window, plan.overlap, plan.schedule)}
        key = run_key(ref, pipe, {**windows, **kwargs}, seed, ctx.params)
        self.path = os.path.join(folder(), key + ".safetensors")
        self.done = -1  # the last step finished in this call
        self.held: tuple | None = None
        self.resume_at, self.kept = -1, None  # the kept step, its latent and scheduler state
        if os.path.isfile(self.path):
            self._load()

    def _load(self) -> None:
        from safetensors import safe_open

        from ..base.own_memory import owned
        try:
            with safe_open(self.path, "pt", device="cpu") as f:
                info = json_limits.loads((f.metadata() or {})["studio_steps"])
                tensors = {k: owned(f.get_tensor(k)) for k in f.keys()}  # aligned as the stopped run's were
        except Exception as e:  # noqa: BLE001 - a damaged file: sampled again, and said
            self.ctx.warn(f"the kept steps of an earlier run could not be read ({type(e).__name__}): sampling again")
            _drop(self.path)
            return
        state = dict(info["plain"])
        for k, n_items in info["lists"].items():
            state[k] = [tensors.get(f"s.{k}.{i}", info["list_plain"].get(f"{k}.{i}")) for i in range(n_items)]
        for k in info["tensors"]:
            state[k] = tensors[f"s.{k}"]
        self.resume_at, self.kept = int(info["step"]), (tensors["latents"], state)

    # -- during the call ------------------------------------------------------------------------------
    def skipping(self) -> bool:
        """The step under way was made by the stopped run: no need to run the denoiser."""
        return self.done < self.resume_at

    def step(self, pipe, i: int, kw: dict) -> dict:
        """After step ``i``: at the kept step, the kept latent and scheduler state put back; at every
        step, the latent and state held for a Stop."""
        self.done = i
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
            total = int(getattr(pipe, "num_timesteps", 0) or 0)
            self.ctx.info(f"resumed from step {i + 2}{f' of {total}' if total else ''}: steps 1-{i + 1} were kept "
                          "from an earlier run of this take that was stopped")
        if "latents" in kw:
            self.held = (i, kw["latents"].detach().clone(), scheduler_state(pipe.scheduler))
        return kw

    def stopped(self) -> None:
        """The run was stopped: the last finished step written down (atomically)."""
        if self.held is None:
            return
        import torch
        from safetensors.torch import save_file
        i, latents, state = self.held
        tensors = {"latents": latents.to("cpu").contiguous()}
        info = {"step": i, "plain": {}, "tensors": [], "lists": {}, "list_plain": {}}
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
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(folder(), exist_ok=True)
            prune(folder(), keep=None, max_bytes=MAX_BYTES, max_age_s=MAX_AGE_S)
            save_file(tensors, tmp, metadata={"studio_steps": json.dumps(info)})
            os.replace(tmp, self.path)
            self.ctx.info(f"stopped: the take's first {i + 1} steps are kept for a re-run ({self.path})")
        except OSError as e:  # a full disk: only the resume is lost
            _drop(tmp)
            self.ctx.warn(f"the take's finished steps could not be kept for a re-run ({e.strerror or e})")

    def finish(self) -> None:
        _drop(self.path)


def _drop(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
