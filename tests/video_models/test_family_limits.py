"""Sizes and lengths a family's pipeline cannot take are refused in words before the call, from its declared Limits
(base/capabilities.py; issue 115 item 5), and nothing padded without a sentence: LTX-2 at 32x32 (its 32x VAE gives a
latent of one pixel, which its reflection padding refuses: torch's "Padding size should be less than..." reached the
user), Cosmos 1.0 Video to Video past its learned positions ("The size of tensor a (4) must match the size of tensor
b (5)"), Helios's clip under its 33 frames a call repeated to them in silence."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render

pytest.importorskip("diffusers")

SMALL = {"steps": 1, "prompt": "a fox", "previews": False, "preview_size": "off"}


def _clip(n: int):
    return source(f"test.limits_clip_{n}", "video", "Video",
                  lambda p: ArrayClip(np.random.RandomState(1).rand(n, 32, 32, 3).astype(np.float32), 16.0))


def test_ltx2_at_a_one_pixel_latent_is_refused_in_words(tiny):
    g = model_graph(tiny("ltx2"), "video_models.ltx2", dict(SMALL, width=32, height=32, frames=9))
    with pytest.raises(StudioError, match=r"cannot make 32x32: its VAE makes a latent pixel of 32x32 and its pipeline "
                                          r"needs at least 2 a side: make both sides 64 or more") as e:
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert "Padding size" not in str(e.value)


def test_cosmos1_video_to_video_past_its_positions_is_refused_in_words(tiny):
    g = model_graph(tiny("cosmos1"), "video_models.video_to_video", dict(SMALL, width=32, height=32, frames=17),
                    video=(_clip(17), "video"))
    with pytest.raises(StudioError, match=r"Cosmos 1.0 cannot take 17 frames a call: its denoiser's learned positions "
                                          r"cover 4 latent frames \(9 frames\): set frames to 9 or fewer") as e:
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert "size of tensor" not in str(e.value)


def test_helios_says_a_short_clip_is_repeated_to_its_call(tiny):
    g = model_graph(tiny("helios"), "video_models.video_to_video", dict(SMALL, width=32, height=32, frames=9),
                    video=(_clip(9), "video"))
    clip, said = render(Executor(), g)
    assert clip.n_frames == 9
    assert any("takes 33 frames a call: the clip's 9 are given with its last frame repeated to 33" in s for s in said)
