"""The picture SVD's image encoder sees, as ComfyUI gives it: SVD_img2vid_Conditioning hands its init_image to
CLIP vision's encode_image, whose preprocessing (comfy/clip_vision.py clip_preprocess, crop on by default) scales
the shortest side to 224 and keeps the centre square; diffusers' StableVideoDiffusionPipeline._encode_image squashes
the whole picture to 224 x 224 instead. Studio's pipeline for ComfyUI's one checkpoint (pipeline.py) cuts the centre
square of the picture it is given (the take's picture, already fitted to its size) before diffusers' own resize, so a
picture that is not square is seen as ComfyUI's encoder sees it (the VAE's condition is the whole picture, as in
both). Facts read from ComfyUI (GPL) for the layout only; the code is Studio's own.

Made on first use: listing Studio's nodes imports this folder and must not import diffusers."""
from __future__ import annotations

import functools


def centre_square(image):
    """The centre square of a PIL picture, an (H, W, C) array or a list of either (a square one as given)."""
    if isinstance(image, (list, tuple)):
        return [centre_square(i) for i in image]
    if hasattr(image, "crop") and hasattr(image, "size"):  # a PIL picture
        w, h = image.size
        s = min(w, h)
        left, top = (w - s) // 2, (h - s) // 2
        return image if w == h else image.crop((left, top, left + s, top + s))
    if getattr(image, "ndim", 0) == 3:
        h, w = image.shape[:2]
        s = min(w, h)
        top, left = (h - s) // 2, (w - s) // 2
        return image[top:top + s, left:left + s]
    return image  # a tensor: diffusers takes it as already prepared for the encoder


class SquareImageEncoding:
    """StableVideoDiffusionPipeline whose image encoder sees the centre square of the picture (module docstring)."""

    def _encode_image(self, image, device, num_videos_per_prompt, do_classifier_free_guidance):
        return super()._encode_image(centre_square(image), device, num_videos_per_prompt,
                                     do_classifier_free_guidance)


@functools.cache
def pipeline_class():
    """StableVideoDiffusionPipeline with SquareImageEncoding's encoder picture, under diffusers' class name (the
    loader takes a pipeline of the task's class name as it is)."""
    from diffusers import StableVideoDiffusionPipeline
    return type("StableVideoDiffusionPipeline", (SquareImageEncoding, StableVideoDiffusionPipeline),
                {"__module__": __name__})
