"""Run a diffusers video pipeline as a Studio node: progress per step, cancel at the next step,
live latent previews, reproducible seeds, LoRAs applied, and sliding windows with overlap
blending for clips longer than the model makes at once."""
from __future__ import annotations

import functools
import time
from contextlib import nullcontext
from typing import Any

import numpy as np

from studio.core.errors import Cancelled, StudioError
from studio.engine.clip import ArrayClip
from studio.engine.stack import fresh_stack

from ..base.family import valid_frames
from ..loading.load import VideoModelRef
from ..base.calls import call_defaults, to_pil  # noqa: F401  (call_defaults, to_pil: the sampler's callers use them)
from ..base.guard import RunGuard
from ..resume.kept_latents import DecodeRescue
from ..base.capabilities import outputs
from .call_args import call_frames, decoded_frames, filter_kwargs, frames_asked  # noqa: F401  (filter_kwargs: callers')
from .previews import LivePreview, PreviewStream, previewer_for

# why a diffusion-forcing take keeps no step (said at a Stop; SkyReels-V2 DF's KeepsNoSteps)
FORCING_NO_RESUME = ("its diffusion-forcing call makes the take in overlapping blocks of frames, each its own "
                     "denoising loop, which a kept step does not tell apart")

def plan_windows(n: int, window: int, overlap: int) -> list[int]:
    """Start frames of windows of ``window`` frames covering ``n`` frames, overlapping by ``overlap``."""
    if n <= window:
        return [0]
    stride = max(1, window - overlap)
    starts = list(range(0, n - window + 1, stride))
    if starts[-1] + window < n:
        starts.append(n - window)
    return starts


def window_starts(n: int, window: int, overlap: int, blend: bool, lead: int) -> list[int]:
    """The windows' start frames: blended windows (separate shots) as :func:`plan_windows`; continued
    ones each start ``lead`` frames before the one before ends (takes/continuation.py)."""
    if blend:
        return plan_windows(n, window, overlap)
    from ..takes.continuation import continued_starts
    return continued_starts(n, window, lead)


def host_frames(frames) -> np.ndarray:
    """[T, C, H, W] frames in [0, 1] on the device (diffusers' ``output_type="pt"``) as one
    contiguous [T, H, W, C] float32 array on the host: laid out and cast on the device, crossing
    once (diffusers' "np" output copies on the host, then Studio clipped and stacked again: 30 %
    of LTX-Video's time on an H100). The values are those of ``output_type="np"`` exactly."""
    import torch
    if not isinstance(frames, torch.Tensor):
        return np.asarray(frames, np.float32)
    if frames.ndim == 3:
        frames = frames[None]
    return frames.permute(0, 2, 3, 1).float().contiguous().cpu().numpy()


def _wait_for(device) -> None:
    """The device's queued work finished (CUDA, MPS); nothing elsewhere."""
    import torch
    kind = getattr(device, "type", str(device)).split(":")[0]
    if kind == "cuda" and torch.cuda.is_available():
        torch.cuda.synchronize(device)
    elif kind == "mps" and hasattr(torch, "mps"):
        torch.mps.synchronize()


class Sampler:
    """One generation: windows, steps, previews. ``make_kwargs(start, image)`` gives the pipeline's
    arguments for the window starting at frame ``start`` (every call makes ``window`` frames);
    ``image`` is the still that window starts from (image-to-video chaining), or None; with ``lead``
    above one (a take continued: continuation.py), the window's first ``lead`` frames as made by the
    window before ([lead, H, W, C]).

    Inside the pipeline little is added per step that the direct call does not do: no host sync
    (previews are copied without blocking); one copy of the latents on the device and of the
    scheduler's small tensors, kept for a Stop to resume from (resume/kept_steps.py; families that
    declare a window layout, and context-window takes); the block hooks that make Stop work inside a
    step read a flag."""

    def __init__(self, ctx, ref: VideoModelRef, task: str, text: bool = True, draft: bool = True, pipe=None):
        from .draft import apply_draft
        # 'quality' draft: the family's distilled recipe (draft.py); draft False: the node applied its own
        ref, self.draft = apply_draft(ctx, ref, task) if draft else (ref, None)
        self.ctx, self.ref, self.task = ctx, ref, task
        # text False: every prompt cached (prompt_cache.py); ``pipe``: a family node's own (one_call.py)
        self.pipe = pipe if pipe is not None else ref.pipeline(task, text=text)
        self.fam = ref.fam
        self.on_cpu = getattr(ref.device, "type", str(ref.device)) == "cpu"
        self.light_decode = False  # a decode of this run ran out of memory: later windows decode tiled at once
        self.untypical = False  # kept latents decoded, or a decode retried: this run's time is not recorded
        self.context = None  # a context_windows.WindowPlan: the call is one take, its denoiser run in windows
        self.context_cond = None  # with a prompt schedule: latent frames -> a window's prompt embeddings
        self.context_tag = None  # what else decides the take (the schedule's weights), for a kept take's key
        self.forcing = None  # a takes.forcing.Forcing: the call makes the take by diffusion forcing (SkyReels-V2 DF)
        self.last_phases: dict = {}  # the last window's phases (estimates/phases.WindowTimer)
        self.segments = 1  # denoising loops in one pipeline call (Wan Animate: one per segment it makes)
        self.decoded = 0  # frames the VAE decodes in one call where not those made (one_call.Call.decoded)
        self.no_resume = ""  # why a Stop keeps nothing of the call, whatever the pipeline (Call.no_resume)
        self.audio = None  # the raw sound the last call made beside its frames (the family's Outputs)
        self.made_frames = 0  # the frames the last call made (a pipeline making whole sections: more than kept)
        self.kept_region = None  # a kept_region.KeptRegion: a clip's unmasked region put back after each step
        if self.on_cpu:
            # a report, not a warning of the run: nothing asked for is skipped (issue 35: every CPU run
            # ended "with 1 warning"); an estimate past LONG_RUN_S is one (guard.py)
            ctx.info("running a pretrained video model on the CPU: expect minutes per step at real sizes "
                     "(a CUDA or Apple GPU is tens to hundreds of times faster)")

    def sound(self):
        """The sound the last call made, as an Audio value (the family's declared Outputs); None where it made none."""
        return outputs(self.fam).audio(self.pipe, self.audio)

    def native_frames(self) -> int | None:
        """The frame count a fixed-length model was trained on (SVD's UNet says it), else None."""
        den = getattr(self.pipe, self.fam.denoiser, None)
        n = getattr(getattr(den, "config", None), "num_frames", None)
        return int(n) if n else self.fam.fixed_frames

    def _previewer(self, frames: int, height: int, width: int):
        return previewer_for(self.ref, self.pipe, frames, height, width)

    def _step_callback(self, kwargs: dict[str, Any], k: int, n_windows: int, stream, guard, keeper, timer,
                       t_call: float, decoding=None):
        """The pipeline's callback after each step: the kept step, the phase timer, a live preview now
        and then, the guard's first-step timing and the progress (which raises Cancelled on a Stop);
        after the call's last step, the decode said as it begins (``decoding``: decode_progress)."""
        ctx = self.ctx
        live = LivePreview(stream)
        done = [0]  # steps of this call, over all its denoising loops

        def on_step(p, i, t, kw):
            if self.kept_region is not None:  # inpaint: the kept region put back at the next step's level
                kw = self.kept_region.step(p, i, kw)
            if keeper is not None:
                kw = keeper.step(p, i, kw)
            timer.step()
            total = int(getattr(p, "num_timesteps", 0) or kwargs.get("num_inference_steps", 1))
            done[0] += 1
            made = max(done[0], i + 1)  # a windowed call's kept windows are loaded, their steps counted made
            prev = live.at_step(p, kw, i + 1 == total)
            # a resumed run: its kept steps ran no denoiser; the first step timed is the first after them
            kept = keeper.resume_at + 1 if keeper is not None and keeper.kept is not None else 0
            if kept:
                self.untypical = True  # not a time to predict from (its kept steps took no step's time)
            if guard is not None and kept and made == kept:
                guard.resumed(k * total * self.segments + kept, n_windows * total * self.segments)
            # the call's first step made (not a later block's)
            if guard is not None and k == 0 and (made == kept + 1 if kept else done[0] == 1):
                if not self.on_cpu:  # one wait for the card's queue, at the first step only: its time is the
                    _wait_for(self.ref.device)  # step's, not its kernels' launches' (the estimate said on a GPU)
                start = guard.first_forward_start or t_call
                guard.step_done(time.perf_counter() - start)
            # raises Cancelled when the user stopped: the exception leaves the pipeline at this step
            first = i == 0 and n_windows > 1  # the window log line, once per window
            per_call = total * self.segments
            ctx.progress(k * per_call + made, n_windows * per_call, preview=prev, force=first,
                         message=f"window {k + 1}/{n_windows}" if first else None)
            if guard is not None and made > kept:  # past its estimate: said again from the steps made
                guard.tick(k * per_call + made, n_windows * per_call)
            if decoding is not None and made >= per_call:
                decoding.begin()
            return kw
        return on_step

    def run_window(self, kwargs: dict[str, Any], k: int, n_windows: int, previews: bool,
                   guard: RunGuard | None = None) -> np.ndarray:
        """One pipeline call, the ``k``-th of ``n_windows``: its frames on the host ([T, H, W, C] in [0, 1]); the
        sound made in the same call kept as ``self.audio`` (the family's Outputs)."""
        ctx, pipe = self.ctx, self.pipe
        kwargs = self._call_kwargs(kwargs)
        stream = (PreviewStream(self._previewer(call_frames(kwargs), int(kwargs.get("height") or 0),
                                                int(kwargs.get("width") or 0))) if previews else None)
        t_call = time.perf_counter()
        from ..estimates.phases import WindowTimer
        timer = WindowTimer()
        gen = ctx.torch_generator(device="cpu", salt=k)
        keeper = None
        if self.keeps_steps:  # a Stop keeps the take's last finished step (kept_steps.py)
            from ..resume.kept_steps import StepKeeper
            keeper = StepKeeper(ctx, self.ref, pipe, dict(kwargs, schedule=self.context_tag), gen.initial_seed(),
                                self.context, replay=self.context is None and bool(outputs(self.fam).sound),
                                loops=self.segments)
        from ..takes.decode_progress import DecodeProgress, temporal_ratio
        from ..takes.time_tiles import can_tile
        timed = self.one_take and can_tile(pipe) and kwargs.get("last_image") is None
        decoding = None if timed else DecodeProgress(  # the pipeline decodes: said as it goes
            ctx, getattr(pipe, "vae", None), decoded_frames(pipe, kwargs), temporal_ratio(pipe),
            pace=guard.decoding if guard is not None else None)
        on_step = self._step_callback(kwargs, k, n_windows, stream, guard, keeper, timer, t_call, decoding)
        # one take of the whole clip: its latent decoded in time tiles into the clip's buffer (time_tiles.py)
        tiled = False if timed else self._tile_if_needed(kwargs, say=k == 0)
        call = dict(kwargs, generator=gen, output_type="latent" if timed else "pt", callback_on_step_end=on_step,
                    callback_on_step_end_tensor_inputs=["latents"])
        call = self.fam.pipeline_call(pipe, call)  # what the family's pipeline needs that the generic call lacks
        # an out-of-memory error while decoding keeps the latents and decodes again lighter; latents
        # an earlier run kept under this run's key are decoded without sampling (kept_latents.py)
        rescue = DecodeRescue(ctx, self.ref, pipe, kwargs, gen.initial_seed(), light=self.light_decode)
        try:
            frames = self._sample(call, gen, rescue, keeper, timer, decoding, timed)
        except Cancelled:
            if keeper is not None:
                keeper.stopped()
            else:  # said, not silently lost: nothing of this call is kept
                what = f"window {k + 1}" if n_windows > 1 and not self.one_take else "the take"
                why = FORCING_NO_RESUME if self.forcing is not None else \
                    self.no_resume or resume_problem(pipe)
                ctx.info(f"stopped: the steps made are not kept ({why}): a re-run samples {what} from its first step")
            raise
        finally:
            if tiled:
                pipe.vae.disable_tiling()  # on for this run only: the cached model is left as it was
        self.light_decode = rescue.light
        self.untypical = self.untypical or rescue.kept or rescue.light  # not a time to predict from
        made = self._to_host(frames, timed and not rescue.kept, call)
        self.made_frames = len(made)
        self.last_phases = timer.end()  # encode, steps, decode of this call (estimates/phases.py)
        if keeper is not None:
            keeper.finish()
        rescue.finish()  # said, and the kept file deleted: the frames are made
        return made

    def _call_ready(self):
        """The family's block readying the pipeline for this call (its CallReady), said at the take's first call;
        entered before the windows' hook, so it is the innermost and sees each window's latents."""
        from ..base.capabilities import CallReady
        cap = self.fam.capability(CallReady)
        say = not getattr(self, "call_ready_said", False)
        self.call_ready_said = True
        return cap.applied(self.ctx, self.pipe, say) if cap is not None else nullcontext()

    def _call_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The node's arguments for one call as the pipeline takes them: a diffusion-forcing pipeline's own
        (forcing.py), a draft recipe's sigmas (draft.py), and the frames asked (:func:`frames_asked`)."""
        from ..takes.forcing import call_kwargs
        from .draft import with_sigmas
        return frames_asked(self.pipe, with_sigmas(self.pipe, self.draft, call_kwargs(self, kwargs)))

    def _sample(self, call: dict, gen, rescue, keeper, timer, decoding, timed: bool):
        """The call made (or the latents an earlier run kept decoded): the take's frames as the pipeline gives
        them (latents when ``timed``); the sound it made beside them in ``self.audio`` (the family's Outputs)."""
        import torch

        from ..resume.kept_steps import KeptStepsMismatch
        from .call_adapters import adapted_call
        from .global_noise import seeded_noise
        from .guidance_steps import guided_steps
        from .nag_call import nag_guided
        self.audio = None
        returned = False  # the pipeline's call ran to its end, where it frees its own offload hooks
        try:
            with torch.inference_mode():
                if rescue.kept:
                    return rescue.decode_kept()
                for again in (False, True):
                    try:
                        # global noise a pipeline draws (I2VGen-XL's, SkyReels-V2 DF's) from the call's seed; the
                        # windows' hook before guided_steps' (that one outermost: it sees a step's whole calls)
                        with rescue, seeded_noise(gen.initial_seed(), self.ref.device), self._call_ready(), \
                                self._windows(keeper), \
                                adapted_call(self.pipe, call) as fit, nag_guided(self, fit), guided_steps(self, fit), \
                                (decoding or nullcontext()), (self.kept_region or nullcontext()), \
                                timer.sounds(self.pipe):
                            timer.call()
                            out = fresh_stack(self.pipe, **fit)  # a loop of calls across a stack chunk's edge
                            returned = True
                        break
                    except KeptStepsMismatch:  # kept steps that do not fit this call (removed, said): made again
                        if again:
                            raise
                        gen.manual_seed(gen.initial_seed())
        finally:
            # a call that stopped or failed part-way (or the kept latents decoded without one) leaves a CPU-
            # offloaded model on the device and a step cache's state set: freed here, as the call's end would
            # (done again after a finished call, it cost 0.45 ms a run: components read by signature, every
            # module's hooks walked)
            if not returned and hasattr(self.pipe, "maybe_free_model_hooks"):
                self.pipe.maybe_free_model_hooks()
        declared = outputs(self.fam)
        self.audio = declared.sound_made(out)  # the sound made in the same call (LTX-2's, Kandinsky 6's, Cosmos 3's)
        return out.frames if timed else declared.take(out, self.pipe)

    def _to_host(self, frames, timed: bool, call: dict) -> np.ndarray:
        """The take's frames on the host: a long take's latent decoded in time tiles (time_tiles.py), a long take
        the pipeline decoded copied a tile at a time, a window's frames at once."""
        from ..takes.time_tiles import decode_take, to_host
        if timed:
            made = decode_take(self.ctx, self.pipe, frames, call)
            if hasattr(self.pipe, "maybe_free_model_hooks"):
                self.pipe.maybe_free_model_hooks()  # a CPU-offloaded VAE the decode brought to the device goes back
            return made
        return to_host(self.ctx, frames) if self.one_take else host_frames(frames)

    @property
    def one_take(self) -> bool:
        """The call makes a take longer than a window (context windows, diffusion forcing)."""
        return self.context is not None or self.forcing is not None

    @property
    def keeps_steps(self) -> bool:
        """A Stop keeps the call's last finished step: a context-windows take, or a plain call of a family
        whose denoiser input's layout is declared, or whose call the step callback holds whole
        (:func:`plain_resumable`; skip_steps.py); not a diffusion-forcing take."""
        return self.context is not None or (self.forcing is None and not self.no_resume and (
            self._layout() is not None or plain_resumable(self.pipe)))

    def _layout(self) -> str | None:
        """How the family's denoiser input lies for context windows (its ContextWindows), None: undeclared."""
        from ..base.capabilities import ContextWindows
        windows = self.fam.capability(ContextWindows)
        return windows.layout if windows is not None else None

    def _windows(self, keeper=None):
        """The context-windows hook on the denoiser for the call, when the take is made so."""
        if self.context is None:
            if keeper is None:
                return nullcontext()
            from ..resume.skip_steps import kept_steps_skipped
            return kept_steps_skipped(self.pipe, self._layout(), keeper.skipping, keeper.replay)
        from ..takes.context_windows import context_windows_applied
        return context_windows_applied(self.pipe, self.fam, self.context,
                                       skip=keeper.skipping if keeper is not None else None, cond_for=self.context_cond)

    def _tile_if_needed(self, kwargs, say: bool) -> bool:
        """VAE tiling on for this run when decoding the clip at once is predicted not to fit the GPU."""
        from ..memory.modes import decode_needs_tiling, free_memory
        vae = getattr(self.pipe, "vae", None)
        if self.ref.tiling or vae is None or not hasattr(vae, "enable_tiling") or self.on_cpu:
            return False
        n, w, h = decoded_frames(self.pipe, kwargs), int(kwargs.get("width") or 0), int(kwargs.get("height") or 0)
        if not decode_needs_tiling(n, w, h, free_memory(self.ref.device)):
            return False
        try:
            vae.enable_tiling()
        except (NotImplementedError, AttributeError):
            return False
        if say:
            self.ctx.info(f"VAE tiling on for this run: decoding {n} frames of {w}x{h} at once would not fit the GPU")
        return True

    def generate(self, n_frames: int, window: int, overlap: int, make_kwargs, fps: float,
                 image: np.ndarray | None = None, previews: bool = True, steps: int = 1,
                 size: tuple[int, int] | None = None, blend: bool = True, hold: bool = False,
                 lead: int = 1) -> ArrayClip:
        """The clip. Stop works inside a step (block hooks); on the CPU the run's time is estimated
        from the first blocks and said; LoRAs are on only while it is made. However it ends, the
        cached model is left as it was: hooks removed, LoRAs unloaded, and after a Stop the memory
        the step held is freed. ``size`` (width, height): the run's time is predicted from this
        machine's earlier runs and said before it starts, and recorded after (times.py).

        A clip of several windows that goes only to outputs writing frames in order
        (``ctx.stream_to``, set by the executor) is returned after its first window as a
        :class:`~.windows.StreamedClip`: the outputs' pulls make the rest (windows.py)."""
        from ..resume.windows import ClipMaking, StreamedClip
        most = call_frames_limit(self.pipe, self.fam)
        # the transformer's positions end there (diffusers: a shape error); context windows run it on parts,
        # diffusion forcing on blocks of its window
        span = self.forcing.window if self.forcing is not None else window
        if most is not None and span > most and self.context is None:
            raise StudioError(f"one model call of {span:,} frames is more than this model's positions reach "
                              f"({most:,} frames a call): set 'window' to {most} or less to make the clip in "
                              "overlapping windows")
        side = call_side_limit(self.pipe, self.fam)
        if side is not None and size is not None and max(size) > side:
            w, h = size  # past its positions diffusers fails in the rotary table ("shape '[1, 1, 52, -1]' is invalid")
            raise StudioError(f"{w}x{h} is more than this model's positions reach: it makes at most {side} px a side "
                              f"({type(getattr(self.pipe, self.fam.denoiser)).__name__}'s rope_max_seq_len); set "
                              f"width and height to {side} or less (or 'preview size' on)")
        starts = window_starts(n_frames, window, overlap, blend, lead)
        making = ClipMaking(self, starts, n_frames, window, overlap, make_kwargs, image, previews,
                            steps * self.segments, size, blend=blend, hold=hold, lead=lead)
        making.open()
        making.step()  # closes the making itself when it stops or fails
        if not making.complete and self.ctx.stream_to:
            self.ctx.info(f"frames go to {' and '.join(self.ctx.stream_to)} as each of the {len(starts)} windows "
                          "finishes")
            return StreamedClip(making, fps)
        while not making.complete:
            making.step()
        making.close()
        return ArrayClip(making.out, fps)  # in [0, 1]: diffusers' postprocess clamps, blends of it stay inside


def plain_resumable(pipe) -> bool:
    """Whether a plain call of ``pipe`` can resume from a kept step with the take an uninterrupted run makes: the
    step callback's latents are the picture's whole state (no pyramid of stages; a sound sampled beside it has its
    predictions replayed: replay.py; a call of several denoising loops has each finished loop's last latents kept
    with the step: kept_steps.py) and the pipeline puts back the latents its callback returns (diffusers'
    ``callback_outputs.pop("latents", ...)``, read from its code once per class)."""
    return not resume_problem(pipe)


def resume_problem(pipe) -> str:
    """Why a Stop keeps no step of a plain call of ``pipe`` ('' : it keeps them), said when it is stopped."""
    from .call_args import STAGED
    if STAGED in call_defaults(pipe):
        return "its stages change the latent's size between steps"
    from ..base.calls import call_params
    from .call_adapters import STEP_CALLBACK
    # a pipeline with no step callback of its own is called back after each scheduler step, whose sample the
    # callback's latents replace (call_adapters.py): it takes them back too
    if not _pops_latents(type(pipe)) and STEP_CALLBACK in call_params(pipe):
        return f"{type(pipe).__name__} does not take back the latents its step callback returns"
    return ""


@functools.cache
def _pops_latents(cls) -> bool:
    import inspect
    try:
        return 'callback_outputs.pop("latents"' in inspect.getsource(cls.__call__)
    except (OSError, TypeError):
        return False


def _rope_reach(pipe, fam, axis: int, scale_attr: str) -> tuple[int, int, int] | None:
    """(the denoiser's rotary positions ``rope_max_seq_len``, its patch along ``axis``, the VAE's factor named
    ``scale_attr``), or None where its config or the pipeline does not say them (no such range known)."""
    cfg = getattr(getattr(pipe, fam.denoiser, None), "config", None)
    most, patch = getattr(cfg, "rope_max_seq_len", None), getattr(cfg, "patch_size", None)
    scale = getattr(pipe, scale_attr, None)
    if not isinstance(most, int) or not isinstance(scale, int) or not isinstance(patch, (list, tuple)) \
            or len(patch) != 3:
        return None
    return most, int(patch[axis]), scale


def call_frames_limit(pipe, fam) -> int | None:
    """The most frames one call of ``pipe`` can make, from its denoiser's rotary positions (Wan:
    ``rope_max_seq_len`` latent frames of ``patch_size[0]``), or None where no such range is known."""
    reach = _rope_reach(pipe, fam, 0, "vae_scale_factor_temporal")
    return None if reach is None else (reach[0] * reach[1] - 1) * reach[2] + 1


def call_side_limit(pipe, fam) -> int | None:
    """The most pixels a side one call of ``pipe`` can make, from its denoiser's rotary positions (Wan:
    ``rope_max_seq_len`` cells of ``patch_size[1]`` latents of the VAE's spatial factor), or None where unknown."""
    reach = _rope_reach(pipe, fam, 1, "vae_scale_factor_spatial")
    return None if reach is None else reach[0] * reach[1] * reach[2]


def frames_and_window(fam, frames: int, window: int, native: int | None) -> tuple[int, int]:
    """(frames to make, frames per pipeline call). A clip no longer than the model's native
    length is sampled at its own length (14 frames of SVD-XT cost 14 frames, not 25), longer
    ones in windows of the native length. The call length is rounded up to a count the family
    accepts (Wan: 4k+1) and the clip then cut to exactly the frames asked for."""
    n = frames or native or fam.frames
    win = window or (min(n, native) if native else n)
    return n, max(1, valid_frames(fam, win))
