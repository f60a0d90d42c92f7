"""Framepack Long Image to Video's 'bucket' (heldout49 04): with width and height 0 and bucket 640, the take is made
at the size of FramePack's 640 buckets nearest the still's aspect (its release's table and choice, a later bucket on a
tie), as ComfyUI's FramePackFindNearestBucket and a stretch to it give the sampler; off, the still's own size."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.families.framepack.buckets import nearest
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")


def test_the_nearest_bucket_is_the_releases_choice():
    assert nearest(720, 1280) == (480, 832)  # 16:9
    assert nearest(1280, 720) == (832, 480)
    assert nearest(400, 1000) == (416, 960)  # wider than any: the widest
    assert nearest(512, 512) == (640, 608)  # a square: (608, 640) and (640, 608) tie, the later kept
    assert nearest(600, 800) == (544, 704)  # 4:3


WIDE = source("test.framepack_wide", "image", "Image",
              lambda p: (np.random.RandomState(3).randint(0, 256, (18, 32, 3)) / 255.0).astype(np.float32))


class _Asked(Exception):
    pass


@pytest.mark.parametrize("bucket, size", [("640", (480, 832)), ("off", (16, 32))])
def test_the_bucket_sets_the_takes_size_where_none_is_asked(tiny, monkeypatch, bucket, size):
    from diffusers import HunyuanVideoFramepackPipeline as FP
    asked = []

    def note(k):
        asked.append((k["height"], k["width"]))
        raise _Asked

    spy_call(monkeypatch, FP, note)
    params = {"width": 0, "height": 0, "frames": 6, "window": 2, "steps": 1, "prompt": "a fox", "seed": 1,
              "bucket": bucket, "previews": False, "preview_size": "off"}
    try:
        Executor().run(model_graph(tiny("framepack"), "video_models.framepack", params, image=(WIDE, "image")),
                       targets=["gen"], device="cpu", use_cache=False)
    except Exception:
        pass
    assert asked and asked[0] == size
