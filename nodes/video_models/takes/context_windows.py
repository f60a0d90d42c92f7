"""Context windows: one clip longer than the model's window, sampled as one process.

The pipeline is diffusers' own and is called once, with the latent of the whole clip. A hook on its
denoiser (diffusers' ``ModelHook``, registered with ``HookRegistry`` on ``transformer`` and
``transformer_2``) replaces each denoiser call by one call per window: the latent is cut along its
frame axis into overlapping windows of ``window`` latent frames, the transformer is called on each
slice as it is (so each window gets the positions the model was trained on: its own RoPE grid,
starting at 0), and the predictions are blended with weights that taper linearly over the overlap.
The scheduler steps the whole latent; so every window sees, at every step, frames its neighbours
denoised, which is what makes it one take and not separate shots dissolving into each other.

Schedules (what WanVideoWrapper and AnimateDiff-Evolved call context options):

* ``uniform``: windows at ``stride = window - overlap`` from the first frame; the last is placed
  against the clip's end. The clip's own ends are not tapered.
* ``looped``: windows at the same stride, the last ones wrapping around to the start, every window
  tapered at both ends: the last frames blend into the first (a loop).

Layouts: ``BCTHW`` (Wan and SkyReels-V2: ``hidden_states`` [B, C, F, H, W]; AnimateDiff's UNet: ``sample``, the same
axes; Wan 2.2's per-token timesteps are cut
with it) and ``packed`` (LTX-Video: tokens [B, F*H*W, C] in frame-major order, with ``num_frames``
given to the transformer: the tokens are cut frame by frame, and ``num_frames`` set to the
window's). A call whose per-token positions are given from outside (LTX's ``video_coords``: the
condition pipeline) is refused with a message: its windows' positions would not start at 0.

A prompt schedule inside one take (Wan): each window's conditional call gets that window's prompt
embeddings (``cond_for``: the schedule's mix over the window's frames); the call is known as the
pipeline names it for diffusers' cache hooks (``cache_context('cond')``), which reaches this hook
because it is stateful. The unconditional call keeps the negative prompt."""
from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from ..base.capabilities import ContextWindows
from ..base.errors import ModelError
from ..base.hooks import call_name, call_tracker, denoiser_hooks, no_prediction, prediction_output
from ..base.registry import all_families

HOOK = "studio_context_windows"
SCHEDULES = ("uniform", "looped")


@dataclass(frozen=True)
class WindowPlan:
    """``window`` and ``overlap`` in latent frames."""
    window: int
    overlap: int
    schedule: str = "uniform"

    def __post_init__(self):
        if self.window < 1:
            raise ModelError(f"context windows: a window of {self.window} latent frames")
        if not 0 <= self.overlap < self.window:
            raise ModelError(f"context windows: the overlap ({self.overlap}) must be smaller than the window "
                             f"({self.window} latent frames)")
        if self.schedule not in SCHEDULES:
            raise ModelError(f"context windows: schedule '{self.schedule}' is not one of {', '.join(SCHEDULES)}")

    @property
    def stride(self) -> int:
        return self.window - self.overlap

    def windows(self, n: int) -> list[np.ndarray]:
        """The latent frames of each window of a latent of ``n`` frames."""
        if n <= self.window:
            return [np.arange(n)]
        if self.schedule == "looped":
            k = -(-n // self.stride)  # windows until every frame is covered, the last wrapping to the start
            return [(s * self.stride + np.arange(self.window)) % n for s in range(k)]
        starts = list(range(0, n - self.window + 1, self.stride))
        if starts[-1] + self.window < n:
            starts.append(n - self.window)
        return [s + np.arange(self.window) for s in starts]

    def weights(self, n: int) -> list[np.ndarray]:
        """Each window's blend weight per frame: 1 inside, a linear taper over the overlap at each end
        (not at the clip's own first and last frame in a uniform schedule)."""
        wins = self.windows(n)
        if len(wins) == 1:
            return [np.ones(len(wins[0]), np.float32)]
        o = self.overlap
        ramp = (np.arange(1, o + 1, dtype=np.float32) / (o + 1))
        out = []
        for idx in wins:
            w = np.ones(len(idx), np.float32)
            looped = self.schedule == "looped"
            if o and (looped or idx[0] != 0):
                w[:o] = ramp
            if o and (looped or idx[-1] != n - 1):
                w[-o:] = np.minimum(w[-o:], ramp[::-1])
            out.append(w)
        return out


def latent_frames(frames: int, temporal: int) -> int:
    """Latent frames of ``frames`` video frames (the first frame alone, then ``temporal`` a latent)."""
    return (max(1, frames) - 1) // max(1, temporal) + 1


def plan_for(window_frames: int, overlap_frames: int, temporal: int, schedule: str) -> WindowPlan:
    """The plan in latent frames for a window and overlap given in video frames (the overlap rounded
    up to whole latent frames)."""
    win = latent_frames(window_frames, temporal)
    ov = -(-overlap_frames // max(1, temporal)) if overlap_frames else 0
    return WindowPlan(win, min(ov, win - 1), schedule)


def temporal_ratio(pipe) -> int:
    """Video frames per latent frame of the pipeline's VAE (Wan: 4, LTX-Video: 8)."""
    for name in ("vae_scale_factor_temporal", "vae_temporal_compression_ratio"):
        v = getattr(pipe, name, None)
        if v:
            return int(v)
    return 1


def _contiguous(idx: np.ndarray) -> bool:
    return bool(np.all(np.diff(idx) == 1))


class ContextWindowsHook:
    """The diffusers hook (made a ``ModelHook`` subclass by :func:`make_hook`, so diffusers is imported
    only when one is made): one transformer call per window, predictions blended."""

    def __init__(self, plan: WindowPlan, layout: str, on_window=None, skip=None, cond_for=None):
        self.plan, self.layout, self.on_window, self.skip = plan, layout, on_window, skip
        self.cond_for = cond_for  # latent frames -> the window's prompt embeddings (a prompt schedule), or None
        self.calls = 0  # transformer calls made (windows)

    def _call_name(self) -> str | None:
        """The denoiser call under way as the pipeline names it (``cache_context``: 'cond', 'uncond')."""
        return call_name(self.where)

    def new_forward(self, module, *args, **kwargs):
        import torch
        fwd = self.fn_ref.original_forward
        a = inspect.signature(fwd).bind(*args, **kwargs).arguments
        name = "hidden_states" if "hidden_states" in a else "sample"  # a transformer's input; a UNet's
        x = a[name]
        if self.layout == "packed":
            if a.get("video_coords") is not None:
                raise ModelError("context windows: this pipeline gives the transformer positions of its own "
                                 "(video_coords); set 'long take' to separate shots")
            n = int(a["num_frames"])
        else:
            n = x.shape[2]
        want_dict = a.get("return_dict", True)
        if self.skip is not None and self.skip():  # a step a stopped run made (kept_steps.py): its result is
            return no_prediction(module, x, self.layout, want_dict)  # replaced at the step's end: not computed
        plan_w, plan_i = self.plan.weights(n), self.plan.windows(n)
        cond = self.cond_for if self.cond_for is not None and self._call_name() == "cond" else None
        if len(plan_i) == 1 and cond is None:
            self.calls += 1
            return fwd(*args, **kwargs)
        acc = None
        norm = np.zeros(n, np.float32)
        for w in zip(plan_i, plan_w):
            norm[w[0]] += w[1]
        for idx, w in zip(plan_i, plan_w):
            sub = dict(a, return_dict=False, **{name: self._cut(x, idx, n)})
            if cond is not None:
                sub["encoder_hidden_states"] = cond(idx).to(a["encoder_hidden_states"])
            elif self._per_frame(a.get("encoder_hidden_states"), x, n):  # AnimateDiff's: the prompt once a frame
                sub["encoder_hidden_states"] = self._cut_tokens(a["encoder_hidden_states"].reshape(
                    x.shape[0], -1, *a["encoder_hidden_states"].shape[1:]), idx, n).flatten(0, 1)
            for k in RESIDUALS if self.layout == "BCTHW" else ():  # a ControlNet's, once a frame (AnimateDiff's)
                if a.get(k) is not None:
                    sub[k] = _frames_cut(a[k], x.shape[0], idx, n)
            if self.layout == "packed":
                sub["num_frames"] = len(idx)
            t = a.get("timestep")
            if isinstance(t, torch.Tensor) and t.ndim >= 2:  # one timestep per token (Wan 2.2 TI2V, LTX I2V)
                sub["timestep"] = self._cut_tokens(t, idx, n)
            out = fwd(**sub)[0]
            self.calls += 1
            if self.on_window is not None:
                self.on_window(idx)
            if acc is None:
                shape = list(out.shape)
                shape[self._axis()] = n if self.layout != "packed" else shape[1] // len(idx) * n
                acc = torch.zeros(shape, dtype=torch.float32, device=out.device)
            wt = torch.as_tensor(w / norm[idx], device=out.device)
            self._add(acc, out.float(), wt, idx, n)
        return prediction_output(acc.to(out.dtype), want_dict)  # the transformer's own output dtype

    def _per_frame(self, e, x, n: int) -> bool:
        """The prompt embeddings are given once a frame, batch-major (a UNet with motion modules reads
        [batch x frames, tokens, width]): cut with the frames."""
        return self.layout == "BCTHW" and getattr(e, "ndim", 0) == 3 and n > 1 and e.shape[0] == x.shape[0] * n

    def _axis(self) -> int:
        return 1 if self.layout == "packed" else 2

    def _frames_view(self, t, n):
        """``t`` with its frame axis apart: [B, C, F, H, W] as it is; tokens [B, F*HW, ...] as [B, F, HW, ...]."""
        if self.layout == "packed" or t.ndim == 2:
            return t.reshape(t.shape[0], n, t.shape[1] // n, *t.shape[2:]), 1
        return t, 2

    def _cut(self, t, idx, n):
        v, ax = self._frames_view(t, n)
        part = v.narrow(ax, int(idx[0]), len(idx)) if _contiguous(idx) else \
            v.index_select(ax, _index(idx, t.device))
        if self.layout == "packed":
            return part.reshape(t.shape[0], -1, *t.shape[2:])
        return part

    def _cut_tokens(self, t, idx, n):
        part = t.reshape(t.shape[0], n, -1, *t.shape[2:])
        part = part.narrow(1, int(idx[0]), len(idx)) if _contiguous(idx) else part.index_select(1, _index(idx, t.device))
        return part.reshape(t.shape[0], -1, *t.shape[2:])

    def _add(self, acc, out, wt, idx, n):
        v, ax = self._frames_view(acc, n)
        o, _ = self._frames_view(out, len(idx))
        shape = [1] * o.ndim
        shape[ax] = len(idx)
        v.index_add_(ax, _index(idx, acc.device), o * wt.reshape(shape))


RESIDUALS = ("down_block_additional_residuals", "mid_block_additional_residual")  # a UNet's ControlNet inputs


def _frames_cut(t, b: int, idx: np.ndarray, n: int):
    """``t`` (a tensor, or a tuple of them, [batch x frames, ...] batch-major: a ControlNet's residuals) cut to the
    window's frames ``idx`` of ``n``."""
    if isinstance(t, (tuple, list)):
        return type(t)(_frames_cut(v, b, idx, n) for v in t)
    if t.shape[0] != b * n:
        return t
    return t.reshape(b, n, *t.shape[1:]).index_select(1, _index(idx, t.device)).flatten(0, 1)


def _index(idx: np.ndarray, device):
    import torch
    return torch.as_tensor(np.asarray(idx, np.int64), device=device)


def make_hook(plan: WindowPlan, layout: str, on_window=None, skip=None, cond_for=None):
    from diffusers.hooks import ModelHook

    class _Hook(ContextWindowsHook, ModelHook):
        _is_stateful = True  # so the pipeline's cache_context('cond' / 'uncond') reaches ``where``

        def __init__(self):
            ModelHook.__init__(self)
            ContextWindowsHook.__init__(self, plan, layout, on_window, skip, cond_for)
            self.where = call_tracker()

        def reset_state(self, module):
            return module
    return _Hook()


class context_windows_applied(denoiser_hooks):
    """The hook on every denoiser of ``pipe`` inside the block, removed after it however it ends (a
    cached model is left as it was). ``hooks``: the hooks, for the calls they made."""

    def __init__(self, pipe, fam, plan: WindowPlan, on_window=None, skip=None, cond_for=None):
        windows = fam.capability(ContextWindows)  # a family whose denoiser input this hook can cut says how it lies
        if windows is None:
            cut = sorted(f.key for f in all_families() if f.capability(ContextWindows))
            raise ModelError(f"context windows are made for {', '.join(cut)} models, not {fam.key}")
        super().__init__(pipe, HOOK, lambda mod: make_hook(self.plan, self.layout, self.on_window, self.skip,
                                                           self.cond_for),
                         (fam.denoiser, f"{fam.denoiser}_2"))  # its denoisers: a transformer and a second expert, a unet
        self.layout, self.plan, self.on_window = windows.layout, plan, on_window
        self.skip = skip  # () -> True while the steps a stopped run made are passed over
        self.cond_for = cond_for  # latent frames -> prompt embeddings of the conditional call (Wan only)
        if cond_for is not None and self.layout != "BCTHW":
            raise ModelError("a prompt schedule inside one take needs a model that names its conditional call "
                             "apart (Wan); set 'long take' to separate shots")

    @property
    def calls(self) -> int:
        return sum(h.calls for h in self.hooks)
