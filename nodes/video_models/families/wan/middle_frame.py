"""A middle picture on Wan image to video, held with a strength per expert (the ComfyUI-Wan22FMLF pack's first /
middle / last frame nodes: WanFirstMiddleLastFrameToVideo, WanAdvancedI2V).

The rule, as facts read from the pack (cochese9000/ComfyUI-Wan22FMLF wan_advanced_i2v.py at eb7960c; the repository
names a LICENSE file it does not hold: read for its facts only, no code of it here): the picture is laid at pixel
frame ``m`` (a multiple of 4: the ratio's frame rounded down to its latent frame's start, kept in 4 .. length - 5)
of the grey video the VAE encodes; the mask (ComfyUI's ``concat_mask``, 0 = given) of that latent frame's 4 frames is
``1 - strength`` for each expert, which the model reads as ``strength`` given (ComfyUI's ``1 - concat_mask``:
diffusers' mask, 1 = given). The high-noise expert's condition holds the picture; the low-noise expert's holds it
too where its strength is above 0, and where it is 0 its latent is the video encoded WITHOUT the picture (the pack
encodes a second video, grey there). The negative conditioning is the high-noise one for both experts.

Here: a block around one call of diffusers' ``WanImageToVideoPipeline`` (its condition: 4 mask channels then the
Wan-normalised image latent, ``torch.cat([latents, condition])`` fed to ``transformer`` above the boundary and to
``transformer_2`` below it). ``prepare_latents`` is wrapped to lay the picture into the video its VAE encodes (pixel
frame ``4j``, the last of latent frame ``j``: the pack's frame, diffusers' causal frame grouping) and to set the mask
of latent frame ``j``; the low-noise expert's own condition is made beside it (the same noise), and a hook on
``transformer_2`` gives its conditional calls that condition (its unconditional ones keep the high-noise one)."""
from __future__ import annotations

from ...base.hooks import call_name, call_tracker, denoiser_hooks
from .svi_pro import takes_svi

HOOK = "studio_wan_middle_frame"


def latent_frame(frame: int, frames: int) -> int:
    """The latent frame holding pixel frame ``frame`` of a take of ``frames`` (Wan's: frame 0 alone, then 4 a
    latent), kept between the first and the last latent frame."""
    last = (frames - 1) // 4
    return max(1, min((int(frame) + 3) // 4, last - 1))


def picture_at(picture, height: int, width: int, like):
    """The picture ([H, W, 3] in [0, 1]) as the VAE's input frame [B, 3, H, W] in [-1, 1]: centre-cropped to the
    take's aspect, then resized bilinearly (the pack's 'bilinear', 'center' upscale)."""
    import numpy as np
    import torch
    x = torch.from_numpy(np.ascontiguousarray(np.asarray(picture, np.float32)[..., :3])).permute(2, 0, 1)[None]
    h, w = x.shape[-2:]
    if w * height > h * width:  # wider than the take: its sides cut
        keep = max(1, round(h * width / height))
        x = x[..., (w - keep) // 2:(w - keep) // 2 + keep]
    elif w * height < h * width:
        keep = max(1, round(w * height / width))
        x = x[..., (h - keep) // 2:(h - keep) // 2 + keep, :]
    x = torch.nn.functional.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)
    return (x * 2 - 1).to(like.device, like.dtype).expand(like.shape[0], -1, -1, -1)


def _low_hook(block):
    from diffusers.hooks import ModelHook

    class _Low(ModelHook):
        _is_stateful = True  # so the pipeline's cache_context('cond' / 'uncond') reaches ``where``

        def __init__(self):
            super().__init__()
            self.where = call_tracker()
            self.given = 0  # conditional calls given the low-noise expert's condition

        def reset_state(self, module):
            return module

        def new_forward(self, module, *args, **kwargs):
            low = block.low
            x = kwargs.get("hidden_states")
            if low is not None and x is not None and call_name(self.where) == "cond":
                k = low.shape[1]
                kwargs["hidden_states"] = torch_cat(x[:, :-k], low.to(x.device, x.dtype))
                self.given += 1
            return self.fn_ref.original_forward(*args, **kwargs)
    return _Low()


def torch_cat(a, b):
    import torch
    return torch.cat([a, b], dim=1)


class middle_applied(denoiser_hooks):
    """Inside the block ``pipe``'s calls condition on ``picture`` at pixel frame ``frame`` with ``strength`` (the
    high-noise expert, or the only one) and ``strength_2`` (the low-noise expert). After a call: ``at`` (the latent
    frame), ``high`` and ``low`` (the conditions made: [B, 4 + C, T, H, W]; ``low`` None where one expert)."""

    def __init__(self, pipe, picture, frame: int, strength: float, strength_2: float):
        self.picture, self.frame = picture, int(frame)
        self.strength, self.strength_2 = float(strength), float(strength_2)
        self.at, self.high, self.low = None, None, None
        super().__init__(pipe, HOOK, lambda mod: _low_hook(self), attrs=("transformer_2",))
        self._saved = None

    def _prepare(self, orig):
        import inspect
        sig = inspect.signature(orig)

        def prepare_latents(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            frames = int(bound.arguments.get("num_frames", 81))
            self.at = latent_frame(self.frame, frames)
            out = self._encoded(orig, bound, True)
            self.high = self._masked(out[1], self.strength)
            self.low = None
            if two_experts(self.pipe):
                again = sig.bind(*bound.args, **bound.kwargs)
                again.arguments["latents"] = out[0]  # the same noise: no second draw from the generator
                cond = self._encoded(orig, again, False)[1] if self.strength_2 <= 0 else out[1]
                self.low = self._masked(cond, self.strength_2)
            return (out[0], self.high) + tuple(out[2:])
        return prepare_latents

    def _encoded(self, orig, bound, lay: bool):
        """``orig``'s output, the VAE's input video given the picture at pixel frame ``4 * at`` where ``lay``."""
        vae = self.pipe.vae
        encode = vae.encode
        own = "encode" in vars(vae)

        def laid(video, *a, **k):
            if lay and getattr(video, "ndim", 0) == 5:
                video = video.clone()
                video[:, :, 4 * self.at] = picture_at(self.picture, video.shape[-2], video.shape[-1], video[:, :, 0])
            return encode(video, *a, **k)
        vae.encode = laid
        try:
            return orig(*bound.args, **bound.kwargs)
        finally:
            if own:
                vae.encode = encode
            else:
                del vae.encode

    def _masked(self, cond, strength: float):
        k = cond.shape[1] - len(self.pipe.vae.config.latents_mean)  # the mask channels before the latent
        out = cond.clone()
        out[:, :k, self.at] = min(1.0, max(0.0, strength))
        return out

    def __enter__(self):
        pipe = self.pipe
        self._saved = ("prepare_latents" in vars(pipe), vars(pipe).get("prepare_latents"))
        pipe.prepare_latents = self._prepare(pipe.prepare_latents)
        return super().__enter__()

    def __exit__(self, *exc):
        own, value = self._saved
        if own:
            self.pipe.prepare_latents = value
        else:
            del self.pipe.prepare_latents
        return super().__exit__(*exc)

    @property
    def given(self) -> int:
        return sum(h.given for h in self.hooks)


def two_experts(pipe) -> bool:
    """Both of Wan 2.2 A14B's experts are called (a second expert and a boundary between them)."""
    return getattr(pipe, "transformer_2", None) is not None \
        and getattr(getattr(pipe, "config", None), "boundary_ratio", None) is not None


def middle_on(ctx, pipe, picture, frame: int, strength: float, strength_2: float):
    """A middle picture on one Wan image-to-video call (the MiddleFrame capability), said; refused in words where
    the model's condition is not the picture's latent beside the noise."""
    from studio.core.errors import StudioError
    if not takes_svi(pipe):
        raise StudioError("a middle picture conditions a Wan image-to-video model whose condition is the pictures' "
                         "latent beside the noise (Wan 2.1 I2V, Wan 2.2 A14B I2V), which this Wan model reads none "
                         "of: leave 'middle_image' unconnected")
    if two_experts(pipe):
        ctx.info(f"middle picture at frame {frame}: held with strength {strength} for the high-noise expert and "
                 f"{strength_2} for the low-noise one" + (" (the low-noise expert's condition encoded without it, as "
                                                          "the Wan22FMLF pack's)" if strength_2 <= 0 else ""))
    else:
        ctx.info(f"middle picture at frame {frame}: held with strength {strength}")
        if strength_2 != strength:
            ctx.warn(f"middle_strength_2 {strength_2} not applied: this model has one expert, which holds the middle "
                     f"picture with middle_strength {strength}")
    return middle_applied(pipe, picture, frame, strength, strength_2)
