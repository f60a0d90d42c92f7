"""What diffusers' Cosmos modules take from torchvision, given where torchvision is not installed (it is
an extra of Studio's: pyproject.toml's 'upscale'). diffusers 0.42.1 imports torchvision in
transformer_cosmos.py and controlnet_cosmos.py only if it is installed, then calls it unguarded: the
padding mask resized to the latents' size by nearest neighbour (a mask of zeros the pipelines build), and
Predict2.5's start image made a tensor (``to_tensor``). The same operations in torch (torchvision's
tensor resize by NEAREST is ``torch.nn.functional.interpolate(mode='nearest')``; ``to_tensor`` of an 8-bit
RGB picture is its values over 255, channels first), set into those modules only where the name is
missing: with torchvision installed nothing changes."""
from __future__ import annotations

import types

MODULES = ("diffusers.models.transformers.transformer_cosmos", "diffusers.models.controlnets.controlnet_cosmos")
PIPELINES = ("diffusers.pipelines.cosmos.pipeline_cosmos2_5_predict",
             "diffusers.pipelines.cosmos.pipeline_cosmos2_5_transfer")


def _resize(img, size, interpolation=None, **_):
    import torch
    lead = img.shape[:-2]
    flat = img.reshape(-1, 1, *img.shape[-2:])
    out = torch.nn.functional.interpolate(flat, size=list(size), mode="nearest")
    return out.reshape(*lead, *out.shape[-2:])


def _to_tensor(pic):
    import numpy as np
    import torch
    a = np.asarray(pic)
    if a.ndim == 2:
        a = a[:, :, None]
    t = torch.from_numpy(np.ascontiguousarray(a)).permute(2, 0, 1).contiguous()
    return t.float().div(255) if t.dtype == torch.uint8 else t.float()


def _transforms():
    functional = types.SimpleNamespace(resize=_resize, to_tensor=_to_tensor)
    return types.SimpleNamespace(functional=functional, InterpolationMode=types.SimpleNamespace(NEAREST="nearest"))


def ready() -> None:
    """Give each Cosmos module of diffusers the torchvision operations it calls, where it has none."""
    import importlib
    import importlib.util
    if importlib.util.find_spec("torchvision") is not None:
        return
    transforms = _transforms()
    for name in MODULES:
        mod = importlib.import_module(name)
        if not hasattr(mod, "transforms"):
            mod.transforms = transforms
    for name in PIPELINES:
        mod = importlib.import_module(name)
        if not hasattr(mod, "torchvision"):
            mod.torchvision = types.SimpleNamespace(transforms=transforms)
