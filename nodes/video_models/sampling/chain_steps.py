"""The step work of a chain of pipeline calls that makes one take (LTX-2.5 DFR's passes:
families/ltx2/dfr_chain.py), where the one Sampler cannot make the take in one call: each denoising pass of the
chain is called here, with the Sampler's step callback work (Stop at the next step, progress counted over the
chain's steps, a live preview now and then: previews.LivePreview, as the Sampler's own callback), never with a
callback of the family's own. No kept steps: a pass's latents are not the chain's whole state (the passes before
it hand it their latents, keyframes and sound), which a Stop would have to keep too (said on the family's
DirectCalls)."""
from __future__ import annotations

from .call_args import call_frames
from .previews import LivePreview, PreviewStream, previewer_for


class ChainSteps:
    """Calls a chain's denoising passes with one step callback: ``steps(pipe, frames, **kwargs)`` is
    ``pipe(**kwargs)`` with it. ``total``: the chain's steps in all (progress is ``done / total`` over every pass);
    ``previews``: a preview of each pass's latents on that pass's own grid (``frames``: the frames its latents
    hold, its canvas where the pipeline pads it; 0: the call's own)."""

    def __init__(self, ctx, ref, total: int, previews: bool = True):
        self.ctx, self.ref, self.total, self.previews = ctx, ref, max(1, int(total)), previews
        self.done = 0  # steps made over the chain's passes

    def __call__(self, pipe, frames: int = 0, **kwargs):
        live = LivePreview(PreviewStream(previewer_for(
            self.ref, pipe, frames or call_frames(kwargs), int(kwargs.get("height") or 0),
            int(kwargs.get("width") or 0))) if self.previews else None)
        video_tokens = self._tokens(pipe, frames or call_frames(kwargs), kwargs)

        def on_step(p, i, _t, kw):
            self.done += 1
            last = i + 1 >= int(getattr(p, "num_timesteps", 0) or 0) > 0
            seen = kw
            if video_tokens and "latents" in kw and kw["latents"].ndim == 3:  # packed: the video's tokens lead
                seen = {"latents": kw["latents"][:, :video_tokens]}
            prev = live.at_step(p, seen, last)
            # raises Cancelled when the user stopped: the exception leaves the pipeline at this step
            self.ctx.progress(min(self.done, self.total), self.total, preview=prev)
            return kw
        return pipe(**kwargs, callback_on_step_end=on_step, callback_on_step_end_tensor_inputs=["latents"])

    @staticmethod
    def _tokens(pipe, frames: int, kwargs: dict) -> int:
        """The video's tokens in a packed latent sequence of ``frames`` frames (LTX-2's DFR pipelines append their
        keyframe slots and reference tokens after them: diffusers' pipeline_ltx2_dfr.py), 0 where unknown."""
        s = int(getattr(pipe, "vae_spatial_compression_ratio", 0) or 0)
        t = int(getattr(pipe, "vae_temporal_compression_ratio", 0) or 0)
        h, w = int(kwargs.get("height") or 0), int(kwargs.get("width") or 0)
        return ((frames - 1) // t + 1) * (h // s) * (w // s) if s and t and h and w else 0
