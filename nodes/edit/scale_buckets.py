"""Scale's 'buckets' fit (nodes/images.py): the size of an aspect-bucket table nearest the frame's aspect, the table
scaled by width / 512. The table is aigc-apps' ASPECT_RATIO_512 (VideoX-Fun / CogVideoX-Fun / EasyAnimate,
videox_fun/data/bucket_sampler.py, Apache-2.0, read for the facts): 40 aspects (height / width, as the release keys
them, rounded) each with a (height, width) at 512. Its samplers choose so: the key nearest the picture's height /
width (the first of equals, Python's min), its size x base_resolution / 512, each side then rounded down to the
model's multiple (VideoX-Fun's Wan samplers: int(x / 16) x 16; Wan 2.2's 5B: its VAE's 16 x 2). Its 'patch buckets'
fit: the sizes made of whole square patches, at most (base / patch)² of them, neither side over 4 times the other,
listed as HunyuanVideo's I2V release lists its crop sizes (kijai's ComfyUI-HunyuanVideoWrapper, nodes.py@3ce96404,
HyVideoGetClosestBucketSize, read for the facts: its 720 base a side of 960 in patches of 32): the first whose
height / width (rounded to 5 places) is nearest the frame's. Plain data."""
from __future__ import annotations

ASPECT_512 = (
    (0.25, 256, 1024), (0.26, 256, 992), (0.27, 256, 960), (0.28, 256, 928), (0.32, 288, 896), (0.33, 288, 864),
    (0.35, 288, 832), (0.4, 320, 800), (0.42, 320, 768), (0.48, 352, 736), (0.5, 352, 704), (0.52, 352, 672),
    (0.57, 384, 672), (0.6, 384, 640), (0.68, 416, 608), (0.72, 416, 576), (0.78, 448, 576), (0.82, 448, 544),
    (0.88, 480, 544), (0.94, 480, 512), (1.0, 512, 512), (1.07, 512, 480), (1.13, 544, 480), (1.21, 544, 448),
    (1.29, 576, 448), (1.38, 576, 416), (1.46, 608, 416), (1.67, 640, 384), (1.75, 672, 384), (2.0, 704, 352),
    (2.09, 736, 352), (2.4, 768, 320), (2.5, 800, 320), (2.89, 832, 288), (3.0, 864, 288), (3.11, 896, 288),
    (3.62, 928, 256), (3.75, 960, 256), (3.88, 992, 256), (4.0, 1024, 256))


def bucket(w: int, h: int, base: float) -> tuple[float, float]:
    """(width, height), unrounded, of the bucket nearest a ``w`` x ``h`` frame's aspect, the table at ``base``."""
    aspect = h / w
    _, bh, bw = min(ASPECT_512, key=lambda r: abs(r[0] - aspect))
    return bw * base / 512, bh * base / 512


def patch_sizes(base: float, patch: int, max_ratio: float = 4.0) -> list[tuple[int, int]]:
    """(height, width) of every bucket of whole ``patch``-pixel patches, at most round((base / patch)²) of them, in
    the release's order: the height's patch count from the most down, the width's climbing to the most that fits
    with it (each step listed where neither side is over ``max_ratio`` times the other)."""
    most = round((base / patch) ** 2)
    sizes, hp, wp = [], most, 1
    while hp > 0:
        if max(hp, wp) <= max_ratio * min(hp, wp):
            sizes.append((hp * patch, wp * patch))
        if hp * (wp + 1) <= most:
            wp += 1
        else:
            hp -= 1
    return sizes


def patch_bucket(w: int, h: int, base: float, patch: int) -> tuple[float, float]:
    """(width, height) of the patch bucket (patch_sizes) whose aspect is nearest a ``w`` x ``h`` frame's."""
    aspect = h / w
    bh, bw = min(patch_sizes(base, patch), key=lambda s: abs(round(s[0] / s[1], 5) - aspect))
    return float(bw), float(bh)
