"""A VAE file named as ComfyUI names its tiny approximate VAEs, set on Load Video Model (heldout93 08: LTX-2.3's
'taeltx2_3.safetensors' on the VAELoader feeding the take's decode): said, never set in silence. Told by the names
ComfyUI's own VAELoader declares for them (nodes.py, VAELoader's ``image_taes`` 'taesd', 'taesdxl', 'taesd3',
'taef1', 'taef2' and ``video_taes`` 'taehv', 'lighttaew2_2', 'lighttaew2_1', 'lighttaehy1_5', 'taeltx_2': every one
begins 'tae' or 'lighttae'); Studio's Load Video Model has no reading of such a file (its 'vae' takes a model's full
VAE). By the file's name alone."""
from __future__ import annotations

import os

from ..reading.workflow import CNode

STEMS = ("tae", "lighttae")  # what every approximation ComfyUI's VAELoader declares begins with


def is_tiny(value: str) -> bool:
    """``value`` (a VAE file name, or a bare choice such as 'taesd') names a tiny approximate VAE by ComfyUI's own
    names for them."""
    base = os.path.basename(value.replace("\\", "/")).lower()
    return base.startswith(STEMS)


def said(part: CNode, what: str, param: str, value: str) -> str | None:
    """The sentence for ``part``'s VAE file ``value`` set on Load Video Model's ``param`` where its name is a tiny
    approximate VAE's; None for another file or part."""
    if what != "VAE" or not is_tiny(value):
        return None
    return (f"VAE '{value}' of {part.named()} is named as ComfyUI names its tiny approximate VAEs (its VAELoader "
            "declares 'taesd', 'taehv', 'taeltx_2' and others so, every one beginning 'tae' or 'lighttae'): set on "
            f"Load Video Model's '{param}' as the workflow gives it, but Load Video Model has no reading of a tiny "
            f"VAE, so Studio cannot decode with it: set '{param}' to the model's full VAE file")
