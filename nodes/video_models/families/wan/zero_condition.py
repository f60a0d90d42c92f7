"""Text to video (and video to video) on Wan's image-to-video models, as ComfyUI samples them: Wan 2.2 A14B I2V's
experts or a Wan 2.1 I2V model given an empty latent with no start picture.

The facts, read from ComfyUI's comfy/model_base.py (``WAN21.concat_cond``; no code of it here): where the denoiser's
patch embedding reads more channels than the noise has (36 = 16 + 20) and no ``concat_latent_image`` is given, the
condition is ``torch.zeros`` of the 20 extra channels; the mask channels are not added on top, since the zeros
already fill every extra channel, so the condition is all zeros, mask included. A Wan 2.1 I2V model given no CLIP
vision output (comfy/ldm/wan/model.py ``forward_orig``: ``context_img_len`` None) has its image cross-attention read
the whole prompt context (``context[:, :None]``) beside the text one.

Here: a hook on the pipeline's denoisers for one call (base.hooks) puts the zeros after the latents on their
channels (diffusers' ``WanImageToVideoPipeline`` reads ``cat([latents, condition])`` in that order, as ComfyUI's
model does), and the pipeline's noise is drawn with the VAE's latent channels (its own ``prepare_latents``, given
the denoiser's ``out_channels`` for its ``in_channels``). For a denoiser with an image embedder the prompt's tokens
are given twice, so that diffusers' attention (which takes the tokens before the last 512 as the image's) reads
the prompt in both, as ComfyUI's does."""
from __future__ import annotations

from ...base.hooks import latent_noise_hooks

HOOK = "studio_wan_zero_condition"
MASK_CHANNELS = 4  # the mask channels of an image-to-video condition (the VAE's temporal stride)
TEXT_TOKENS = 512  # diffusers' Wan attention: the text context's length, the tokens before it the image's


def extra_channels(transformer) -> int:
    """The channels a Wan denoiser reads beyond its latents (20 for an image-to-video model, 0 otherwise)."""
    cfg = getattr(transformer, "config", None)
    if cfg is None:
        return 0
    return max(0, int(cfg.in_channels) - int(cfg.out_channels))


PLAIN = ("WanPipeline", "WanVideoToVideoPipeline")  # diffusers' Wan pipelines that give no image condition


def needs_zero_condition(pipe) -> bool:
    """One of diffusers' pipelines with no image condition (text to video, video to video) on a denoiser that
    reads one: a mask and an image latent beside the latents (36 = 2 x 16 + 4 channels; not a Fun model's 48 or
    32, whose own nodes give their condition, nor TI2V-5B's, whose picture is its first latent frame)."""
    if type(pipe).__name__ not in PLAIN or getattr(getattr(pipe, "config", None), "expand_timesteps", False):
        return False
    tr = getattr(pipe, "transformer", None) or getattr(pipe, "transformer_2", None)
    cfg = getattr(tr, "config", None)
    return cfg is not None and int(cfg.in_channels) == 2 * int(cfg.out_channels) + MASK_CHANNELS


def _make_hook(extra: int, doubled: bool):
    from diffusers.hooks import ModelHook

    from ...base.hooks import hidden_states_of, with_hidden_states

    class _Zero(ModelHook):
        def new_forward(self, module, *args, **kwargs):
            import torch
            x = hidden_states_of(args, kwargs)
            zeros = x.new_zeros((x.shape[0], extra) + tuple(x.shape[2:]))
            args, kwargs = with_hidden_states(args, kwargs, torch.cat([x, zeros], dim=1))
            ehs = kwargs.get("encoder_hidden_states")
            if doubled and ehs is not None and kwargs.get("encoder_hidden_states_image") is None \
                    and ehs.shape[1] == TEXT_TOKENS:
                kwargs["encoder_hidden_states"] = torch.cat([ehs, ehs], dim=1)
            return self.fn_ref.original_forward(*args, **kwargs)
    return _Zero()


class zero_condition_applied(latent_noise_hooks):
    """Inside the block the pipeline's denoisers read an all-zero image condition after the latents (and a Wan 2.1
    I2V denoiser the prompt as its image context), and its noise is drawn with the latent channels; both undone
    however it ends."""

    def __init__(self, pipe):
        super().__init__(pipe, HOOK, lambda mod: _make_hook(extra_channels(mod),
                                                            bool(getattr(mod.config, "image_dim", None))))


def zero_condition_on(ctx, pipe, say: bool):
    """The block for one call of a Wan pipeline without an image condition on an image-to-video denoiser (else a
    block that does nothing), said on the node at the take's first call."""
    from contextlib import nullcontext
    if not needs_zero_condition(pipe):
        return nullcontext()
    if say:
        tr = pipe.transformer if pipe.transformer is not None else pipe.transformer_2
        extra = extra_channels(tr)
        clip = " and its image attention reads the prompt (no CLIP vision image given)" \
            if getattr(tr.config, "image_dim", None) else ""
        ctx.info(f"the model is an image-to-video one (its denoiser reads {tr.config.in_channels} channels): made "
                 f"with no start picture, as ComfyUI samples it from an empty latent: its {extra} picture-condition "
                 f"channels (mask included) are all zeros{clip}")
    return zero_condition_applied(pipe)
