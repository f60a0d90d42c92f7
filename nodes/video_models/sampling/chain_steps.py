"""The road of a chain of pipeline calls that makes one take (LTX-2.5 DFR's passes: families/ltx2/dfr_chain.py;
LTX-2 Latent Upscale's windows, each upsampled and refined: families/ltx2/upsample.py), where the one Sampler cannot
make the take in one call: every call of the chain is made here, none in the family's files. Each denoising pass
with the Sampler's step callback work (Stop at the next step, progress counted over the chain's steps, a live
preview now and then: previews.LivePreview, as the Sampler's own callback), never with a callback of the family's
own; a call with no denoising steps (LTX-2's latent upsampler: encode, upsample, decode) with Stop checked before
it and counted as one step (``ChainSteps.once``); the whole chain under inference mode in a stack chunk of its own
(``ChainSteps.run``). No kept steps: a pass's latents are not the chain's whole state (the passes before it hand it
their latents, keyframes and sound), which a Stop would have to keep too (said at the Stop: CHAIN_STOP).

The same step work runs a modular pipeline's call (sampling/modular_run.py, Wan Animate 2's node), whose blocks take
no step callback: ``ChainSteps.scheduler_steps`` calls it after each of the call's scheduler steps instead
(call_adapters.after_each_scheduler_step, as for a pipeline whose ``__call__`` takes none), the step's sample shown
in the family's latent layout by its ``Modular.step_latents``. Nothing is handed back to the step: the frames are
the direct call's."""
from __future__ import annotations

from contextlib import contextmanager

from studio.core.errors import Cancelled
from studio.engine.stack import fresh_stack

from .call_adapters import after_each_scheduler_step
from .call_args import call_frames
from .previews import LivePreview, PreviewStream, previewer_for


# why a Stop inside a modular pipeline's call keeps nothing (the Resume lack: base/capabilities.MODULAR_NO_RESUME)
MODULAR_STOP = "its modular pipeline runs the take inside diffusers' blocks, with its decode: none of it can be kept"
# why a Stop inside a chain keeps nothing
CHAIN_STOP = ("its take is a chain of pipeline calls, each handing the next its latents (and keyframes and sound): a "
              "kept step of one call is not the chain's state")


@contextmanager
def _stop_not_logged():
    """A Stop is not an error: diffusers' modular blocks log every exception leaving a block as 'Error in block'
    with its traceback, at each level of blocks; those records are dropped while a Cancelled is what leaves."""
    import logging
    import sys
    logger = logging.getLogger("diffusers.modular_pipelines.modular_pipeline")

    def not_a_stop(_record) -> bool:
        return not isinstance(sys.exc_info()[1], Cancelled)
    logger.addFilter(not_a_stop)
    try:
        yield
    finally:
        logger.removeFilter(not_a_stop)


class ChainSteps:
    """Calls a chain's denoising passes with one step callback: ``steps(pipe, frames, **kwargs)`` is
    ``pipe(**kwargs)`` with it. ``total``: the chain's steps in all (progress is ``done / total`` over every pass);
    ``previews``: a preview of each pass's latents on that pass's own grid (``frames``: the frames its latents
    hold, its canvas where the pipeline pads it; 0: the call's own)."""

    def __init__(self, ctx, ref, total: int, previews: bool = True):
        self.ctx, self.ref, self.total, self.previews = ctx, ref, max(1, int(total)), previews
        self.done = 0  # steps made over the chain's passes

    def __call__(self, pipe, frames: int = 0, **kwargs):
        frames = frames or call_frames(kwargs)
        video_tokens = self._tokens(pipe, frames, kwargs)

        def seen(latents):
            if video_tokens and latents.ndim == 3:  # packed: the video's tokens lead
                return latents[:, :video_tokens]
            return latents
        on_step = self._on_step(pipe, frames, int(kwargs.get("height") or 0), int(kwargs.get("width") or 0), seen)
        return pipe(**kwargs, callback_on_step_end=on_step, callback_on_step_end_tensor_inputs=["latents"])

    def once(self, pipe, **kwargs):
        """``pipe(**kwargs)``, a call of the chain with no denoising steps (LTX-2's latent upsampler): Stop checked
        before it, counted as one step of the chain's progress."""
        self.ctx.check_cancelled()
        out = pipe(**kwargs)
        self.done += 1
        self.ctx.progress(min(self.done, self.total), self.total)
        return out

    def run(self, make, *args, **kwargs):
        """``make(*args, **kwargs)``, the chain whose calls go through this object, under inference mode (no autograd
        records, as the Sampler's call) in a stack chunk of its own (studio/engine/stack.py); a Stop said: its steps
        are not kept (CHAIN_STOP)."""
        import torch
        try:
            with torch.inference_mode():
                return fresh_stack(make, *args, **kwargs)
        except Cancelled:
            self.ctx.info(f"stopped: the steps made are not kept ({CHAIN_STOP}): a re-run makes the take from its "
                          "first call")
            raise

    @contextmanager
    def scheduler_steps(self, pipe, frames: int, height: int, width: int, calls: int = 1, seen=None):
        """The step work after each scheduler step of ``pipe``'s calls inside the block (a modular pipeline's
        blocks take no step callback): ``calls``, the calls made in it (Wan Animate 2's segments), each as many
        steps as its scheduler's timesteps (read at the step: a schedule can make fewer than asked); ``seen(sample)``:
        the step's sample in the family's latent layout (None: not shown)."""
        def steps():
            timesteps = getattr(pipe.scheduler, "timesteps", None)
            n = 0 if timesteps is None else len(timesteps)
            if n:
                self.total = max(self.done, calls * n)
            return n
        try:
            with after_each_scheduler_step(pipe, self._on_step(pipe, frames, height, width, seen, steps)), \
                    _stop_not_logged():
                yield self
        except Cancelled:  # said, not silently lost (as the Sampler says it: sampler.py)
            self.ctx.info(f"stopped: the steps made are not kept ({MODULAR_STOP}): a re-run samples the take from its "
                          "first step")
            raise

    def _on_step(self, pipe, frames: int, height: int, width: int, seen=None, steps=None):
        """The step callback ``(pipe, i, t, {"latents": ...}) -> the same dict``: progress over the chain, Stop,
        a preview now and then of ``seen(latents)``; ``steps()``: a call's steps (None: the pipeline's own)."""
        live = LivePreview(PreviewStream(previewer_for(self.ref, pipe, frames, height, width))
                           if self.previews else None)

        def on_step(p, i, _t, kw):
            self.done += 1
            n = steps() if steps is not None else int(getattr(p, "num_timesteps", 0) or 0)
            last = n > 0 and (i + 1) % n == 0
            shown = kw
            if seen is not None and "latents" in kw and live.stream is not None:
                latents = seen(kw["latents"])
                shown = {} if latents is None else {"latents": latents}
            prev = live.at_step(p, shown, last)
            # raises Cancelled when the user stopped: the exception leaves the pipeline at this step
            self.ctx.progress(min(self.done, self.total), self.total, preview=prev)
            return kw
        return on_step

    @staticmethod
    def _tokens(pipe, frames: int, kwargs: dict) -> int:
        """The video's tokens in a packed latent sequence of ``frames`` frames (LTX-2's DFR pipelines append their
        keyframe slots and reference tokens after them: diffusers' pipeline_ltx2_dfr.py), 0 where unknown."""
        s = int(getattr(pipe, "vae_spatial_compression_ratio", 0) or 0)
        t = int(getattr(pipe, "vae_temporal_compression_ratio", 0) or 0)
        h, w = int(kwargs.get("height") or 0), int(kwargs.get("width") or 0)
        return ((frames - 1) // t + 1) * (h // s) * (w // s) if s and t and h and w else 0


class Plain:
    """A chain's calls made as they are, with no step work (``ChainSteps``' stand-in where a test calls a chain with
    stand-in pipelines)."""

    def __call__(self, pipe, _frames: int = 0, **kwargs):
        return pipe(**kwargs)

    def once(self, pipe, **kwargs):
        return pipe(**kwargs)


PLAIN = Plain()
