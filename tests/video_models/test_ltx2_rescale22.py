"""LTX-2 Video + Sound's 'guidance_rescale' (rescale22): handed to the pipeline's call for the picture and the sound,
0.7 by default (LTX2Pipeline's own), and a different value makes different frames where the take is guided."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import spy_call
from .test_ltx2 import ltx2_graph

pytest.importorskip("diffusers")


def _run(ltx2_dir, **params):
    r = Executor().run(ltx2_graph(ltx2_dir, guidance=4.0, steps=2, **params)[0], targets=["ltx2"], device="cpu")
    return r.value("ltx2", "video").frames


def test_guidance_rescale_is_given_to_the_call_and_changes_a_guided_take(ltx2_dir, monkeypatch):
    from diffusers import LTX2Pipeline
    seen, _ = spy_call(monkeypatch, LTX2Pipeline, lambda k: (k.get("guidance_rescale"),
                                                             k.get("audio_guidance_rescale")))
    default = _run(ltx2_dir)
    none = _run(ltx2_dir, guidance_rescale=0.0)
    again = _run(ltx2_dir, guidance_rescale=0.7)
    assert seen == [(0.7, 0.7), (0.0, 0.0), (0.7, 0.7)]
    assert np.array_equal(default, again)  # deterministic, and 0.7 is the default
    assert not np.array_equal(default, none)  # guided at 4: the rescale changes the frames


def test_the_setting_defaults_to_the_pipelines_own():
    import inspect

    from diffusers import LTX2Pipeline

    from nodes.video_models.families.ltx2.node import LTX2Video
    own = {p.name: p.default for p in LTX2Video.params}["guidance_rescale"]
    assert own == inspect.signature(LTX2Pipeline.__call__).parameters["guidance_rescale"].default == 0.7


@pytest.fixture(scope="module")
def foley_dir(tiny):
    """The tiny LTX-2 of test_ltx2_foley (its VAE compressing as LTX-2's)."""
    return tiny("ltx2", "tiny-ltx2-v2v", real_compression=True, audio_encoder=False)


def test_sound_for_clip_gives_its_rescale_to_the_call_and_it_changes_the_sound(foley_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline

    from .graphs import render
    from .test_ltx2_foley import _graph
    seen, _ = spy_call(monkeypatch, LTX2ConditionPipeline, lambda k: (k.get("guidance_rescale"),
                                                                      k.get("audio_guidance_rescale")))
    default = render(Executor(), _graph(foley_dir))[0].audio.samples
    none = render(Executor(), _graph(foley_dir, guidance_rescale=0.0))[0].audio.samples
    again = render(Executor(), _graph(foley_dir, guidance_rescale=0.7))[0].audio.samples
    assert seen == [(0.7, 0.7), (0.0, 0.0), (0.7, 0.7)]
    assert np.array_equal(default, again) and not np.array_equal(default, none)  # guided at 3
