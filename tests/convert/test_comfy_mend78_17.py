"""Mends of the seventy-eighth held-out set's not-kept workflows (mend78_17), by declared types:
- A bucket picker whose table is a stated fact, HunyuanVideoWrapper's HyVideoGetClosestBucketSize (base_size 360 /
  540 / 720: HunyuanVideo I2V's buckets of whole 32-pixel patches at a side of 480 / 720 / 960, at most (side / 32)²
  patches, sides within 4:1, the first nearest the picture's height / width rounded to 5 places: kijai's
  ComfyUI-HunyuanVideoWrapper nodes.py@3ce96404, read for the facts), where a resize stretches the very picture to
  it: Studio's Scale with its 'patch buckets' fit (heldout78 13: the 720 bucket's ImageScale was said not applied and
  the take made at the picture's own size); the sampler's size measured of that resize by a node passing its picture
  on (GetImageSizeAndCount) is the size the generator takes when it runs (mapping/folded_sizes)."""
from __future__ import annotations

from types import SimpleNamespace

from nodes.edit.scale_buckets import patch_sizes
from nodes.images import scaled_size
from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_fit_resize import _i2v


def _hunyuan_bucket(w: int, h: int, side: int) -> tuple[int, int]:
    """The bucket as the release states it (facts above; written here, not copied): every (hp, wp) of patch counts
    whose product is at most (side / 32)², hp from the most down, ratio within 4; the nearest height / width."""
    most = round((side / 32) ** 2)
    ratio = lambda a, b: max(a, b) / min(a, b)  # noqa: E731
    cands, hp, wp = [], most, 1
    while hp:
        cands += [(hp * 32, wp * 32)] if ratio(hp, wp) <= 4 else []
        hp, wp = (hp, wp + 1) if (wp + 1) * hp <= most else (hp - 1, wp)
    best = min(range(len(cands)), key=lambda i: abs(round(cands[i][0] / cands[i][1], 5) - h / w))
    return cands[best][1], cands[best][0]


def test_scales_patch_buckets_fit_gives_hunyuanvideos_bucket():
    assert len(patch_sizes(960, 32)) > 50 and all(h % 32 == 0 == w % 32 for h, w in patch_sizes(960, 32))
    p = dict(scale=1.0, height=960, fit="patch buckets", multiple=32, rounding="down", condition="always")
    for w, h in ((1280, 720), (720, 1280), (1000, 1000), (853, 480), (37, 91), (640, 1536), (4000, 300)):
        for side in (480, 720, 960):
            got = scaled_size(w, h, SimpleNamespace(**{**p, "width": side, "height": side}))
            assert got == _hunyuan_bucket(w, h, side), (w, h, side)
    assert scaled_size(1280, 720, SimpleNamespace(**{**p, "width": 960})) == (1248, 704)


def _bucketed() -> dict:
    """Wan I2V whose start image and size are GetImageSizeAndCount (#45) of an ImageScale (#44) stretching the
    picture (#40) to the size HyVideoGetClosestBucketSize (#41, 720) picks of it."""
    wf = _i2v({"class_type": "HyVideoGetClosestBucketSize", "inputs": {"image": ["40", 0], "base_size": "720"}},
              ["45", 0])
    wf["44"] = {"class_type": "ImageScale", "inputs": {"image": ["40", 0], "width": ["41", 0], "height": ["41", 1],
                                                       "upscale_method": "lanczos", "crop": "disabled"}}
    wf["45"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["44", 0]}}
    wf["42"]["inputs"].update(width=["45", 1], height=["45", 2])
    return wf


def test_a_picture_stretched_to_hunyuanvideos_bucket_is_scale_by_patch_buckets():
    conv = convert(_bucketed(), "bucket")
    assert conv.graph.validate() == []
    scale, = nodes_of(conv, "transform.scale")
    assert {k: scale.params[k] for k in ("width", "height", "fit", "multiple", "interpolation")} == \
        {"width": 960, "height": 960, "fit": "patch buckets", "multiple": 32, "interpolation": "lanczos"}
    text = said(conv)
    assert ("is scaled to the size of HunyuanVideo's buckets (whole 32-pixel patches at a side of 960) nearest the "
            "picture's aspect by Studio's Scale, as 'ImageScale' (ImageScale, #44) scales it to the size "
            "'HyVideoGetClosestBucketSize' (HyVideoGetClosestBucketSize, #41) works out of that picture") in text
    assert ("come from 'GetImageSizeAndCount' (GetImageSizeAndCount, #45), the size of the picture it measures of "
            "what 'ImageScale' (ImageScale, #44) makes, which Studio's Scale makes on the way to the generator's "
            "'image': the generator takes that size when it runs") in text
    assert "cannot work out" not in text and "not applied" not in text
    gen = next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "width" in n.params)
    assert (gen.params["width"], gen.params["height"]) == (0, 0)
    wf = _bucketed()
    wf["41"]["inputs"]["base_size"] = "1080"  # (no bucket side the release gives: the resize not made, said)
    conv = convert(wf, "odd")
    assert nodes_of(conv, "transform.scale") == []
    assert "'ImageScale' (ImageScale, #44)" in said(conv) and "patch buckets" not in str(conv.graph.nodes)
