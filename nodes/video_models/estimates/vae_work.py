"""A model's VAE decode counted before the model is loaded, in work units: a meta copy of the VAE built from its
diffusers folder's config decodes a latent of the window's shape under base/work.py's counter (no weights, no
arithmetic). Another model's measured decode is scaled by two such counts (cross_scale.py: the tiny Wan, LTX-2 and
HunyuanVideo VAEs decode a pixel in 0.97, 0.07 and 3.5 microseconds on the CPU; pixels alone had put LTX-2's
decode 13x off). Importing this module costs nothing; counting needs torch and diffusers imported already."""
from __future__ import annotations

import threading

from .decode_cost import count_decode
from .step_shape import folder_of, vae_ratios

_SKELETONS: dict = {}  # (the VAE's class, its config) -> its copy on meta (kept per process)
_LOCK = threading.Lock()


# seconds a VAE decode's counted work costs a CPU, by kind: fitted to 7 tiny VAEs' decodes at three sizes on the
# 2-core machine (benchmarks/fit_vae_costs.py; results/vae_costs_fit.txt): a multiply-add 2.5 ps (held there: a real
# VAE's decode is mostly them) and 8.5 ps more in a 3D convolution (oneDNN's 3D path: the tiny SVD's 2D decoder had
# been counted 2x slow against LTX-2's 3D one), an input element of a convolution the CPU unfolds (base/work.unfolds:
# the small ones, slow_conv3d) 1.5 ns, an element made 0.043 ns; a call, nothing. Only their ratios matter: another
# model's measured decode is scaled by two such counts. Counting every convolution's unfolded input had put the
# tiny LTX-2, Mochi and SVD VAEs 3x-7x slower against Wan's than they decode
VAE_COST = {"ops": 0.0, "elements": 4.3e-11, "flops": 2.5e-12, "unfolded": 1.5e-9, "conv3d": 8.5e-12}
# a CUDA GPU's, not fitted (no GPU was lent to measure one): a kernel launch and its Python 20 microseconds, a
# multiply-add at about 100 TFLOP/s, no unfolding (cuDNN's implicit GEMM)
VAE_COST_GPU = {"ops": 2e-5, "elements": 0.0, "flops": 1e-14, "unfolded": 0.0, "conv3d": 0.0}
SIDE_CAP = 16  # latent pixels a side a folder's decode is counted at: the rest scaled by the area (a conv's work)
_FOLDERS: dict = {}  # (the folder, the window, the machine's kind) -> the decode's cost in seconds, or None


def folder_decode_cost(path: str, width: int, height: int, frames: int,
                       frames_per_latent: int | None = None, gpu: bool = False) -> float | None:
    """What the VAE of the diffusers folder ``path`` (or its model_index.json) costs decoding one window of
    ``width`` x ``height`` x ``frames``, in seconds as VAE_COST weighs it (VAE_COST_GPU with ``gpu``), counted on
    a meta copy built from its config, before
    the model is loaded (foresee_time.py scales another model's measured decode by it: cross_scale.py). The
    latent is counted at most SIDE_CAP a side, the elements and multiply-adds scaled to the whole area, attention's
    to its square (the calls follow the frames, not the pixels: counting stays a few hundredths of a second at any
    size). None: not a
    folder, a VAE that is not a diffusers one, or diffusers not imported yet (no run made in this process: nothing
    is imported on the window's thread for an estimate). ``frames_per_latent``: the family's, where neither the
    VAE nor its config says it."""
    import os
    import sys
    if "diffusers" not in sys.modules or "torch" not in sys.modules:
        return None
    folder = folder_of(path)
    key = (folder, width, height, frames, frames_per_latent, gpu)
    if key in _FOLDERS:
        return _FOLDERS[key]
    with _LOCK:
        _FOLDERS[key] = cost = _folder_cost(folder, width, height, frames, frames_per_latent,
                                            VAE_COST_GPU if gpu else VAE_COST)
    return cost


def _folder_cost(folder: str, width: int, height: int, frames: int, frames_per_latent: int | None,
                 weights: dict) -> float | None:
    import os

    from .reads import COURTESY, as_the_loader, readable
    try:
        import diffusers
        import torch

        from ..base.config_check import check_sane
        from ..files.headers import read_json
        with as_the_loader():
            if not readable(folder):
                return None  # read only where the loader would read it: scaled by the pixels instead
            lib, name = read_json(os.path.join(folder, "model_index.json"))["vae"]
            config = read_json(os.path.join(folder, "vae", "config.json"))
        check_sane(os.path.join(folder, "vae", "config.json"), config)  # no meta VAE of 10^9 res blocks
        cls = getattr(diffusers, name) if lib == "diffusers" else None
        if cls is None:
            return None
        key = (cls, repr(sorted(config.items())))
        if key not in _SKELETONS:
            with torch.device("meta"):
                _SKELETONS[key] = cls.from_config(config).to("meta").eval()  # SVD makes a weight on the CPU
        vae = _SKELETONS[key]
        s, t = vae_ratios(config)  # as the pipelines work them out (step_shape.py: the steps' grid reads the same)
        t = t or frames_per_latent or 1
        ch = int(config.get("z_dim") or config.get("latent_channels") or 4)
        lat_f = (frames - 1) // t + 1 if t > 1 else frames
        h, w = max(1, height // s), max(1, width // s)
        hc, wc = min(h, SIDE_CAP), min(w, SIDE_CAP)
        work = count_decode(vae, (1, ch, lat_f, hc, wc), torch.float32, rows=h / hc)
        if work is None or work.ops <= 0:
            return None
        area = (h * w) / (hc * wc)  # attention over a frame's latent pixels (a mid block's) grows as its square
        return work.ops * weights["ops"] + area * (
            work.elements * weights["elements"] + work.unfolded * weights["unfolded"] + work.conv3d * weights["conv3d"]
            + (work.flops - work.attention) * weights["flops"]) + area ** 2 * work.attention * weights["flops"]
    except COURTESY:  # a courtesy: the caller scales by the pixels instead
        return None

