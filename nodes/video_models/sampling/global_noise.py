"""torch's global generators seeded from a pipeline call's seed for the length of the call, and put back after
it, however it ends. Some of diffusers' pipelines draw noise from the global generators, not from the call's
``generator``: I2VGen-XL samples its still's latents (``latent_dist.sample()``), SkyReels-V2's diffusion forcing
adds ``addnoise_condition`` noise (``randn_like``). Seeded so, the same graph, seed and device make the same
frames, and the pipeline called directly under the same seeding makes them too, without patching its code."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def seeded_noise(seed: int, device):
    """torch's global generators (the CPU's and ``device``'s own, a GPU's) seeded with ``seed`` inside the
    block, and put back as they were after it."""
    import torch
    kind = getattr(device, "type", str(device).split(":")[0])
    acc = kind in ("cuda", "mps")  # the device the pipeline draws on has its own generator
    index = getattr(device, "index", None) or 0
    with torch.random.fork_rng(devices=[index] if acc else [], device_type=kind if acc else "cuda"):
        torch.random.default_generator.manual_seed(seed)
        if acc:
            getattr(torch, kind).manual_seed(seed)
        yield
