"""FramePack's size buckets: the sizes its release makes a still into (lllyasviel/FramePack,
diffusers_helper/bucket_tools.py, Apache-2.0, and kijai's ComfyUI-FramePackWrapper's copy of it, read for the facts:
the table of (height, width) pairs at 640, and its choice: the pair whose aspect is nearest the still's, the metric
|h x bucket_w - w x bucket_h|, the later pair on a tie). ComfyUI's FramePackFindNearestBucket gives that pair for a
picture, a resize stretches the picture to it, and the sampler makes the take at its size: the Framepack node's
'bucket' does the same where its width and height are 0. Plain data and stdlib."""
from __future__ import annotations

BUCKETS = {640: ((416, 960), (448, 864), (480, 832), (512, 768), (544, 704), (576, 672), (608, 640), (640, 608),
                 (672, 576), (704, 544), (768, 512), (832, 480), (864, 448), (960, 416))}


def nearest(height: int, width: int, resolution: int = 640) -> tuple[int, int]:
    """(height, width) of the bucket at ``resolution`` nearest a still of ``height`` x ``width`` (KeyError for a
    resolution the release declares no buckets at)."""
    best, least = BUCKETS[resolution][0], float("inf")
    for bh, bw in BUCKETS[resolution]:
        metric = abs(height * bw - width * bh)
        if metric <= least:  # (the later one on a tie, as the release)
            best, least = (bh, bw), metric
    return best
