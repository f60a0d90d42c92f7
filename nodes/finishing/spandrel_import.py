"""spandrel imported without torchvision.

spandrel 0.4.2's metadata requires torchvision, but only two of its architectures touch it, both at
import time: RestoreFormer (a face restorer) takes ``normalize`` and LaMa (an inpainter, which Upscale
Video refuses) takes ``rotate`` and ``InterpolationMode``. Installing torchvision to satisfy that is
what breaks a machine: pip's only torchvision 0.28.0 is a CUDA build, which cannot be imported beside
a CPU-only torch, and transformers imports torchvision whenever it is installed, so the image
processors of the image-conditioned generators fail with it. So the set-up installs spandrel with
``--no-deps`` (its other requirements are Studio's own), and where torchvision is absent, spandrel is
imported with a stand-in that holds those three names for the length of the import only: afterwards
``torchvision`` is again not importable, so transformers and anything else see no torchvision.

``normalize`` is torchvision's formula ((x - mean) / std per channel); ``rotate`` is only used inside
LaMa's forward pass and says so if it is ever reached."""
from __future__ import annotations

import enum
import importlib
import importlib.util
import sys
import types

STANDIN = ("torchvision", "torchvision.transforms", "torchvision.transforms.functional")


class InterpolationMode(enum.Enum):
    """torchvision's names for resampling filters (LaMa's module names them at import)."""
    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


def normalize(tensor, mean, std, inplace: bool = False):
    """(tensor - mean) / std for each channel of a [..., C, H, W] tensor, as torchvision does."""
    import torch
    mean_t = torch.as_tensor(mean, dtype=tensor.dtype, device=tensor.device).view(-1, 1, 1)
    std_t = torch.as_tensor(std, dtype=tensor.dtype, device=tensor.device).view(-1, 1, 1)
    if inplace:
        return tensor.sub_(mean_t).div_(std_t)
    return (tensor - mean_t) / std_t


def rotate(*_args, **_kwargs):
    raise RuntimeError("this model needs torchvision's rotate (LaMa, an inpainter), and torchvision is not "
                       "installed: Studio's upscalers do not need it")


def _torchvision_state() -> str:
    """'ok' where torchvision imports, 'absent' where it is not installed, else the import's error."""
    if importlib.util.find_spec("torchvision") is None:
        return "absent"
    try:
        importlib.import_module("torchvision")
    except Exception as e:  # noqa: BLE001 - a torchvision built for another torch fails in many ways
        return f"{type(e).__name__}: {e}"
    return "ok"


def import_spandrel():
    """The spandrel module. Raises ImportError where spandrel is not installed, RuntimeError (with
    torchvision's own error) where a torchvision is installed that cannot be imported beside this torch."""
    if "spandrel" in sys.modules:
        return sys.modules["spandrel"]
    if importlib.util.find_spec("spandrel") is None:
        raise ImportError("No module named 'spandrel'")
    state = _torchvision_state()
    if state == "ok":
        return importlib.import_module("spandrel")
    if state != "absent":
        raise RuntimeError(state)
    fake = {name: types.ModuleType(name) for name in STANDIN}
    fn = fake["torchvision.transforms.functional"]
    fn.normalize, fn.rotate, fn.InterpolationMode = normalize, rotate, InterpolationMode
    fake["torchvision"].transforms = fake["torchvision.transforms"]
    fake["torchvision.transforms"].functional = fn
    sys.modules.update(fake)
    try:
        return importlib.import_module("spandrel")
    finally:
        for name in STANDIN:
            if sys.modules.get(name) is fake[name]:
                del sys.modules[name]
