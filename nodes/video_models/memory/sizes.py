"""Bytes: the sizes a memory plan is made of (the weights, one block, the run's own tensors) and how
they are written. The memory modes (modes.py) and block residency (residency.py) both stand on it."""
from __future__ import annotations

from dataclasses import dataclass

HEADROOM = 0.9  # of the card's free memory a plan may use (the allocator's fragments, CUDA context)
GB = 1024 ** 3
# and never closer to the card's free memory than this: measured on an H200 (2026-11-26, Wan 2.1 14B, fp8 + block
# offload at 832x480x33), the runs whose predicted peak lay 1.6-1.8 GB under their cap (12 and 16 GB) ran, with two
# allocator retries each, while 5 blocks kept under 8 GB (predicted 1.0 GB under the cap, within HEADROOM) ran once
# with 38 retries and ran out of memory once: the caching allocator's slack (blocks freed on the copy stream not yet
# reusable, fragments between the streamed blocks and the up-cast copies) does not shrink with the card
ALLOCATOR_SLACK = int(1.5 * GB)


def usable(free: int) -> int:
    """Bytes of ``free`` a plan may fill: HEADROOM of it, at most ``free`` less ALLOCATOR_SLACK."""
    return max(0, min(int(free * HEADROOM), int(free) - ALLOCATOR_SLACK))


@dataclass(frozen=True)
class Sizes:
    """Bytes of the weights at the load dtype, and what a run needs besides them."""
    denoiser: int  # the transformer / UNet (the largest part, run every step)
    others: tuple[int, ...] = ()  # text encoder(s), VAE, image encoder
    activations: int = 0  # the run's own tensors at the peak (0: :func:`activation_allowance`)
    block: int = 0  # one block of the denoiser (what block offload keeps on the GPU, twice with prefetch)

    @property
    def total(self) -> int:
        return self.denoiser + sum(self.others)

    @property
    def one_block(self) -> int:
        """``block``, or a fortieth of the denoiser when it is not known (read from file headers)."""
        return self.block or self.denoiser // 40


def activation_allowance(denoiser_bytes: int) -> int:
    """The run's tensors (latents, attention, VAE decode) when the clip is not known yet: 1.5 GB or
    15 % of the denoiser, whichever is more (Wan 14B at 832x480x33 measured 32.0 GB peak for 28.6 GB
    of weights: 3.4 GB, 12 %)."""
    return max(int(1.5 * GB), int(0.15 * denoiser_bytes))


def fmt_gb(n: float) -> str:
    return f"{n / GB:.1f} GB" if n < 10 * GB else f"{n / GB:.0f} GB"


def module_bytes(m) -> int:
    return sum(p.numel() * p.element_size() for p in m.parameters()) + \
        sum(b.numel() * b.element_size() for b in m.buffers())
