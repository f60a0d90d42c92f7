"""A first and a last frame on a Wan 2.1 image-to-video model that reads CLIP image tokens but was not
trained on two images' (no ``pos_embed_seq_len``: the I2V 480P/720P models and Fun InP, unlike the
FLF2V model). diffusers' WanImageToVideoPipeline encodes both images' tokens whenever it is given a
last image (pipeline_wan_i2v.py, ``encode_image([image, last_image])``), which only FLF2V's image
embedder folds into one sequence: on the others the call failed on a batch mismatch ("Sizes of tensors
must match"), and the call refuses ``image_embeds`` beside ``image``. For those the pipeline's
``encode_image`` is given the first image only, as ComfyUI's WanFunInpaintToVideo conditions Fun InP
(one clip_vision_output, the start image's); the last frame still enters through the latent condition."""
from __future__ import annotations

MARK = "_studio_one_image_tokens"


def reads_one_image(pipe) -> bool:
    """The pipeline's transformer reads CLIP tokens of one image (image_dim, no pos_embed_seq_len)."""
    cfg = getattr(getattr(pipe, "transformer", None), "config", None)
    return cfg is not None and getattr(cfg, "image_dim", None) is not None \
        and not getattr(cfg, "pos_embed_seq_len", None) and hasattr(pipe, "encode_image")


def one_image_tokens(ctx, pipe) -> None:
    """Where the model reads one image's tokens, its pipeline's ``encode_image`` keeps the first of a
    first and a last image (once per pipeline object), said."""
    if not reads_one_image(pipe):
        return
    if not getattr(pipe, MARK, False):
        encode = pipe.encode_image  # the bound method of its class

        def first_only(image, device=None):
            return encode(image[0] if isinstance(image, (list, tuple)) else image, device)
        pipe.encode_image = first_only
        setattr(pipe, MARK, True)
    ctx.info("this Wan 2.1 model reads one image's CLIP tokens (not first-and-last-frame's two): the start "
             "image's, as ComfyUI conditions Fun InP; the last frame enters through the latent condition")
