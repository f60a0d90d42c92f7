"""What a Framepack call costs, as its family declares it (base/capabilities.py Cost): the pipeline makes the take in
whole sections, each its own denoising loop, and decodes each later section with the one before it. Plain Python."""
from __future__ import annotations


def sections(frames: int, window: int, temporal: int = 4) -> int:
    """How many sections the pipeline makes for ``frames`` (its own rule: a window of (window - 1) * 4 + 1 frames)."""
    per = (window - 1) * temporal + 1
    return max(1, (frames + per - 1) // per)


def decoded(n: int, window: int, temporal: int = 4) -> int:
    """The frames the pipeline decodes for ``n`` sections: the first section's, then each later section's with the
    section before it (it decodes two windows and blends their overlap: diffusers' pipeline_hunyuan_video_framepack,
    ``section_latent_frames``), so about twice the frames made."""
    return (window - 1) * temporal + 1 + (n - 1) * ((2 * window - 1) * temporal + 1)


def take_shape(params) -> tuple[int, int, int, int]:
    """(frames a call, calls, denoising loops a call, frames its VAE decodes a call): its sections, each 'steps'
    denoising steps, in one call of whole sections (the estimate before F5; the VAE's 4x in time, as the
    release's)."""
    window = int(params.get("window") or 9)
    n = int(params.get("sections") or 0) or sections(int(params.get("frames") or 129), window)
    made = n * window * 4 + 1 if params.get("sections") else n * ((window - 1) * 4 + 1)  # (node.py's _count)
    return made, 1, n, decoded(n, window)
