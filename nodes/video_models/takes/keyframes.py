"""Keyframed images: the clip's first and last frame (Wan first-last-frame: ``WanImageToVideoPipeline``
with ``last_image``; a family declaring FirstLast whose pipeline has no ``last_image`` takes it in its
``pipeline_call``: EasyAnimate InP's clip and mask).

A Wan 2.1 FLF2V model's image embedding takes the two images together (its ``pos_embed_seq_len`` is
twice the image encoder's tokens), so it needs the last frame; a Wan 2.1 I2V model's takes one image,
so it cannot use one, except Wan Fun InP (the same shapes, trained on a first and a last frame with the
start image's tokens: told by its file or folder name, 'InP', or by its 1.3B width, at which only Fun
InP reads CLIP tokens; families/wan/first_last.py gives it one image's tokens); Wan 2.2 I2V (no image
encoder) conditions on the frames alone and takes it.
In a clip of several windows the last frame goes to the window that ends the clip (with context
windows, the one call)."""
from __future__ import annotations

import os

import numpy as np

from ..base.errors import ModelError


def last_frame(ctx, sampler, image) -> np.ndarray | None:
    """The last frame to give the pipeline ([H, W, C] in [0, 1]), or None; said when it cannot be used."""
    from ..base.calls import call_defaults
    pipe = sampler.pipe
    den = getattr(pipe, "transformer", None)
    pos = getattr(getattr(den, "config", None), "pos_embed_seq_len", None)
    flf2v = pos is not None and getattr(pipe, "image_encoder", None) is not None
    if image is None:
        if flf2v:
            raise ModelError("this Wan model is first-last-frame (FLF2V): it needs the clip's last frame too; "
                             "connect an Image to 'last_image'")
        return None
    from ..base.capabilities import FirstLast
    from ..base.registry import all_families
    if "last_image" not in call_defaults(pipe) and sampler.fam.capability(FirstLast) is None:
        takes = " and ".join(f.title for f in all_families() if f.capability(FirstLast) is not None)
        ctx.warn(f"{sampler.fam.title} Image to Video ({type(pipe).__name__}) takes no last frame ({takes} "
                 "do): the last image is not used")
        return None  # a family with FirstLast gives it its own way (EasyAnimate: its pipeline_call's mask)
    if getattr(pipe, "image_encoder", None) is not None and not flf2v and not fun_inp(sampler.ref):
        ctx.warn("this Wan 2.1 image-to-video model takes one image (Wan 2.1 FLF2V, Fun InP and Wan 2.2 I2V take "
                 "a last frame too): the last image is not used")
        return None
    return np.asarray(image.frame(image.n_frames - 1) if hasattr(image, "frame") else image, np.float32)


def fun_inp(ref) -> bool:
    """A Wan Fun InP model: 'inp' in its file or folder name (ComfyUI's wan2.1_fun_inp_1.3B, alibaba-pai's
    Wan2.1-Fun-14B-InP), or a Wan 2.1 1.3B reading CLIP tokens (no other such model was released)."""
    import re
    name = os.path.basename(str(getattr(ref, "path", "") or "").rstrip(os.sep)).lower()
    return bool(re.search(r"(^|[^a-z])inp([^a-z]|$)", name)) or str(getattr(ref, "variant", "")).startswith(
        "Wan 2.1 1.3B")
