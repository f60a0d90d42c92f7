"""Issue 101: the converter's ledger reads each of a node's settings to its end. A node pack's timeline editor
naming its pictures after a 250,000-character thumbnail had its pictures unseen (the search stopped after 200,000
characters, unsaid) and the take became an LTX-2 text to video; now the pictures are found however long the text
before them, in time linear in its length."""
from __future__ import annotations

import pytest

from studio.convert.comfy_ledger import named_files
from studio.convert.comfy_map import convert
from studio.convert.comfy_read import CNode
from tests.convert.test_comfy_hostile import _promptly
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes

CKPT = "ltx-2.3-22b-distilled.safetensors"


def _timeline(thumbnail: str) -> dict:
    """An LTX-2.3 workflow whose latent and prompts a timeline editor makes, its settings' JSON holding a thumbnail
    and then its two pictures."""
    w = UI()
    ck = w.add("CheckpointLoaderSimple", [CKPT], ["MODEL", "CLIP", "VAE"])
    te = w.add("LTXAVTextEncoderLoader", ["gemma_3_12B_it.safetensors", CKPT, "default"], ["CLIP"])
    timeline = w.add("ShotTimeline", ['{"thumb":"' + thumbnail + '","segments":[{"start":0,"imageFile":'
                                      '"shots/first.png"},{"start":48,"imageFile":"second.jpg"}]}', 97],
                     ["CONDITIONING", "LATENT"], {"model": (ck, 0, "MODEL"), "clip": (te, 0, "CLIP")})
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (timeline, 0, "CONDITIONING"),
                "negative": (timeline, 0, "CONDITIONING"), "latent_image": (timeline, 1, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["lh", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


@pytest.mark.parametrize("length", [250_000, 3_000_000])
def test_pictures_named_after_a_long_thumbnail_hold_the_take(length):
    conv = _promptly(lambda: convert(_timeline("data:image/png;base64," + "iVBORw0K" * (length // 8)), "long"))
    assert not _nodes(conv, "video_models.ltx2")
    assert conv.log[0].startswith("This workflow makes a video from image given to the sampler by ShotTimeline")


def test_every_setting_is_read_to_its_end_promptly():
    assert named_files(CNode("1", "X", widgets={"a": "A" * 250_000, "b": "x" * 250_000 + ' "late.mp4"'})) == \
        ["late.mp4"]
    # hostile texts of megabytes: names by the million, a name never ending, extensions with no name before them
    for text in (".png-" * 2_000_000, "é" * 5_000_000 + ".wav", '".png"' * 1_000_000, ".gif" * 2_000_000):
        assert len(_promptly(lambda: named_files(CNode("1", "X", widgets={"a": text})), 20.0)) <= 100
