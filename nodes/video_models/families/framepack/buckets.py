"""FramePack's size buckets: the sizes its release makes near 640 x 640 pixels, each side a multiple of 32 (facts of
lllyasviel/FramePack's diffusers_helper/bucket_tools.py, Apache-2.0, which kijai's ComfyUI wrapper's
FramePackFindNearestBucket reads at its base resolution 640), and the one nearest a picture's aspect. Plain Python."""
from __future__ import annotations

# (height, width) near 640 x 640, from tall to wide
BUCKETS_640 = ((416, 960), (448, 864), (480, 832), (512, 768), (544, 704), (576, 672), (608, 640),
               (640, 608), (672, 576), (704, 544), (768, 512), (832, 480), (864, 448), (960, 416))
BASES = {"640": BUCKETS_640}


def nearest(height: int, width: int, base: str = "640") -> tuple[int, int]:
    """The (height, width) bucket whose aspect is nearest a ``height`` x ``width`` picture's (the least
    |height * bucket width - width * bucket height|; of equals, the later one, as the release picks)."""
    best, score = BASES[base][0], None
    for bh, bw in BASES[base]:
        d = abs(height * bw - width * bh)
        if score is None or d <= score:
            best, score = (bh, bw), d
    return best
