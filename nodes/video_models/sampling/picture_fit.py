"""Image to Video's 'image_fit': how its start picture (and its last) of another aspect than the take's is fitted to
the take's size. 'stretch': handed to the pipeline as it is, which resizes it to the size (diffusers'
video_processor.preprocess, resize_mode 'default'); 'crop': first cut about its middle to the take's aspect, as
ComfyUI's WanImageToVideo, WanFirstLastFrameToVideo and LTXVImgToVideo put their picture in (common_upscale
'bilinear', 'center'; the converter sets it where such a node gives the picture). Plain numpy."""
from __future__ import annotations

import numpy as np

FITS = ("stretch", "crop")
FIT_HELP = ("a start picture (and last picture) of another aspect than the take's: 'stretch' resizes it whole to the "
            "take's size, 'crop' cuts it about its middle to the take's aspect first (as ComfyUI's WanImageToVideo and "
            "LTXVImgToVideo do); where the size is the picture's own the two are the same")


def centre_cut(picture: np.ndarray, width: int, height: int) -> np.ndarray:
    """``picture`` ([H, W, ...]) cut about its middle to ``width``:``height``'s aspect: a view of it (slicing, no
    copy), itself where the aspects are the same. The edge cut from each side is half of what the aspect leaves over,
    rounded to the nearest pixel."""
    h, w = picture.shape[:2]
    if w * height > h * width:  # wider than the take: its sides cut
        x = int(round((w - h * width / height) / 2))
        return picture[:, x:w - x] if 0 < x < w // 2 else picture
    if w * height < h * width:  # taller: its top and bottom cut
        y = int(round((h - w * height / width) / 2))
        return picture[y:h - y] if 0 < y < h // 2 else picture
    return picture


def fitted(ctx, fit: str, picture: np.ndarray | None, width: int, height: int, what: str) -> np.ndarray | None:
    """``picture`` fitted to the take's ``width`` x ``height`` as ``fit`` asks ('crop': cut about its middle, said as
    information where it cuts); None stays None."""
    if picture is None or fit != "crop":
        return picture
    cut = centre_cut(picture, width, height)
    if cut.shape[:2] != picture.shape[:2]:
        ctx.info(f"image_fit crop: the {what} ({picture.shape[1]}x{picture.shape[0]}) cut about its middle to "
                 f"{cut.shape[1]}x{cut.shape[0]}, the aspect of {width}x{height}, before it is resized to it")
    return cut
