"""The VAE decode's time predicted at the first denoising step, before any run of the model has been
recorded (issue 73 item 3: a first run's estimate left the decode out, and a tiny Wan at 64x64x33 said
"about 3 s" for a node that took 17 s, 14 of them decoding).

A step and a decode are unlike work (a transformer's matrix products; a VAE's convolutions over every
pixel of every frame), so the decode is not a multiple of the step's time by any fixed factor. Both are
counted in the same units instead (base/work.py: the calls that make a tensor, the convolutions among
them, the elements made, the multiply-adds of matrix products, convolutions and attention): the first
step as it runs, by the guard's hooks, and the decode on a copy of the VAE on the meta device (built
from its config: no weights, no arithmetic) decoding a latent of this run's shape. The decode's time is then the step's measured time scaled by
the ratio of the two counts, each weighed by what it costs a CPU (``work.COST``): the machine's speed and
its load, measured by the step, cancel out.

Counting costs a few microseconds of Python an operation (a tiny model's step: about 2 %; a real one's:
nothing to speak of); the meta decode, about 30 microseconds an operation (a tiny Wan VAE at 64x64x33,
4,000 operations: about 0.1 s, once a run). Where the VAE cannot be copied or decoded on meta (a
family's own decode arguments) nothing is predicted and the estimate says the decode is not in it."""
from __future__ import annotations

import math
import threading

from ..base.work import Work, counter

_SKELETONS: dict = {}  # (the VAE's class, its config) -> its copy on meta (kept per process)
_DECODES: dict = {}  # (the VAE's class and config, the latent's shape) -> Work or None (kept per process)
_LOCK = threading.Lock()


def latent_shape(pipe, width: int, height: int, frames: int) -> tuple[int, ...] | None:
    """The latent a pipeline's VAE decodes for one window of ``width`` x ``height`` x ``frames``."""
    from ..takes.decode_progress import temporal_ratio
    vae = getattr(pipe, "vae", None)
    cfg = getattr(vae, "config", None)
    if cfg is None:
        return None
    ch = cfg.get("z_dim") or cfg.get("latent_channels")
    s = next((v for v in (getattr(pipe, n, None) for n in ("vae_scale_factor_spatial", "vae_spatial_compression_ratio",
                                                             "vae_scale_factor"))
              if isinstance(v, int) and v > 0), 8)
    if not ch:
        return None
    t = temporal_ratio(pipe)
    lat_f = (frames - 1) // t + 1 if t > 1 else frames
    return (1, int(ch), int(lat_f), max(1, height // s), max(1, width // s))


def _skeleton(vae, config: str):
    """A copy of ``vae`` on the meta device, built from its config (``config``: its items, written out) once a
    process for each class and config (building one is a fifth of a tiny VAE's count: every decode of another
    size reuses it). Its switches (tiling, frame-wise decoding) are set from the real one's at each use by the
    caller."""
    import torch
    key = (type(vae), config)
    if key not in _SKELETONS:
        with torch.device("meta"):
            _SKELETONS[key] = type(vae).from_config(vae.config)
    return _SKELETONS[key]


def decode_work(pipe, width: int, height: int, frames: int) -> Work | None:
    """The decode's work for one window, counted on a meta copy of the pipeline's VAE; None where it
    cannot be (no VAE, one that needs arguments of its family, or one not built from a config)."""
    shape = latent_shape(pipe, width, height, frames)
    vae = getattr(pipe, "vae", None)
    if shape is None or not hasattr(type(vae), "from_config"):
        return None
    config = repr(sorted(dict(vae.config).items()))
    key = (type(vae).__name__, config, shape,
           tuple(sorted((k, v) for k, v in vars(vae).items() if isinstance(v, (bool, int, float)))))
    if key in _DECODES:
        return _DECODES[key]
    with _LOCK:  # one skeleton, one decode at a time (a VAE keeps its decode's caches on itself)
        work = _meta_decode_work(vae, config, shape)
    _DECODES[key] = work
    return work


def _meta_decode_work(vae, config: str, shape) -> Work | None:
    from .reads import COURTESY
    try:
        meta = _skeleton(vae, config)
        for k, v in vars(vae).items():  # tiling, frame-wise decoding and their sizes, as the real one has them
            if isinstance(v, (bool, int, float)) and not k.startswith("_"):
                setattr(meta, k, v)
        meta = meta.to("meta").eval()  # a weight made by a legacy constructor stays on the CPU (SVD's mix factor)
        return count_decode(meta, shape, next(vae.parameters()).dtype)
    except COURTESY:  # an estimate must never fail a run: the decode is left out, said
        return None


def count_decode(meta, shape, dtype, rows: float = 1.0) -> Work:
    """The work of ``meta`` (a VAE on the meta device) decoding a latent of ``shape`` (B, C, T, H, W);
    ``rows``: the real latent's rows over ``shape``'s (base/work.counter)."""
    import inspect

    import torch
    if "num_frames" in inspect.signature(meta.decode).parameters:  # frames in the batch (SVD's)
        b, c, f, h, w = shape
        z, more = torch.empty((b * f, c, h, w), device="meta", dtype=dtype), {"num_frames": f}
    else:
        z, more = torch.empty(shape, device="meta", dtype=dtype), {}
    count = counter(device="meta", rows=rows)  # what it makes without a device, on meta
    with torch.inference_mode(), count:
        meta.decode(z, **more)
    return count.work


def decode_seconds(step_work: Work | None, step_seconds: float, dec: Work | None) -> float | None:
    """The decode's seconds from the first step's (``step_seconds`` for ``step_work``), None without both."""
    if step_work is None or dec is None or step_work.ops <= 0 or step_seconds <= 0:
        return None
    ratio = dec.cost() / max(step_work.cost(), 1e-12)
    return step_seconds * ratio if math.isfinite(ratio) else None
