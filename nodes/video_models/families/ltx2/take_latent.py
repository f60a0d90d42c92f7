"""A take's latents handed on beside its frames (task ltx2x22): ComfyUI's LTX-2 workflows sample a later pass (the
same-size x1 pass, the x2 upsampler and its refine) on the latent the pass before made, where Studio's clip is frames.
LTX-2 Video + Sound and LTX-2 Latent Upscale give the latents their frames were decoded from on a 'latent' output, and
LTX-2 Latent Upscale takes them on its 'latent' input in place of encoding the frames again (no VAE round trip).

The latents are caught where diffusers' LTX-2 pipelines un-normalise their final latents (``_denormalize_latents``,
called once the steps end, before the decode or for ``output_type="latent"``): ``[1, C, F, h, w]``, as the VAE decodes
them, which is what LTX2Pipeline's and LTX2LatentUpsamplePipeline's 5-D ``latents`` take (unnormalised)."""
from __future__ import annotations

from contextlib import contextmanager


class Kept:
    """The last 5-D latents a pipeline un-normalised during a call."""
    latent = None

    def for_clip(self, clip, vae):
        """The latents on the CPU (float32) where they are those of ``clip`` (its length and size, by ``vae``'s
        compression), else None."""
        z = self.latent
        if z is None or not fits(z, clip, vae.spatial_compression_ratio, vae.temporal_compression_ratio):
            return None
        return z.detach().to("cpu", copy=True).float()


def fits(latent, clip, spatial: int, temporal: int) -> bool:
    """``latent`` ([1, C, F, h, w]) decodes to ``clip``'s frame count and size."""
    shape = tuple(getattr(latent, "shape", ()))
    return (len(shape) == 5 and shape[0] == 1 and (shape[2] - 1) * temporal + 1 == len(clip)
            and shape[3] * spatial == clip.height and shape[4] * spatial == clip.width)


def misfit(latent, clip, spatial: int, temporal: int) -> str:
    """Why ``latent`` is not ``clip``'s, in words."""
    shape = tuple(getattr(latent, "shape", ()))
    if len(shape) != 5 or shape[0] != 1:
        return f"the latents given are of shape {list(shape)}, not one take's [1, C, F, h, w]"
    return (f"the latents given make {(shape[2] - 1) * temporal + 1} frames at {shape[4] * spatial}x"
            f"{shape[3] * spatial}, the clip is {len(clip)} frames at {clip.width}x{clip.height}")


@contextmanager
def latent_kept(pipe):
    """For one call of ``pipe``: its final latents kept (:class:`Kept`); the pipeline left as it was however it ends."""
    box = Kept()
    own = pipe.__dict__.get("_denormalize_latents")
    first = pipe._denormalize_latents

    def denormalize(latents, *args, **kwargs):
        out = first(latents, *args, **kwargs)
        if getattr(out, "ndim", 0) == 5:
            box.latent = out
        return out
    pipe._denormalize_latents = denormalize
    try:
        yield box
    finally:
        if own is not None:
            pipe._denormalize_latents = own
        else:
            del pipe._denormalize_latents
