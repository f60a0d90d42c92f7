"""InfiniteTalk dubbing a clip at that clip's own rate (issue 112, heldout75 04: the wrapper's MultiTalkWav2VecEmbeds
given the clip's fps by VHS_VideoInfo; Studio made the take at 25): 'fps' 0 takes the dubbed clip's rate (its
declared rate port), the speech features' must be the same (Speech Features given the clip on their 'video' are made
at it), a mismatch refused naming both; a set 'fps' as before. Tiny random Wan I2V and patch (test_infinitetalk's)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from tests.sources import source

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from nodes.video_models.families.wan.talk.talk import InfiniteTalk  # noqa: E402

from .test_infinitetalk import _features, _graph, _patch_state  # noqa: E402


@pytest.fixture(scope="module")
def models(tmp_path_factory, tiny):
    from safetensors.torch import save_file
    d = tmp_path_factory.mktemp("models")
    save_file(_patch_state(2), str(d / "infinitetalk.safetensors"))
    return tiny("wan-i2v"), str(d / "infinitetalk.safetensors")


def _clip16(params):
    from studio.engine.clip import ArrayClip
    yy, xx = np.mgrid[0:32, 0:32] / 31.0
    return ArrayClip(np.stack([np.stack([xx, yy, np.full_like(xx, i / 16)], -1).astype(np.float32)
                               for i in range(17)]), 16.0)


def _voice_at(params):
    from studio.core.values import Features
    data, extras = _features(0)
    return Features(data, per_frame=True, fps=float(params.rate), extras=dict(extras))


def _dub16(model_dir, patch_path, voice_rate: float, **p):
    from studio.core.params import Float
    g = _graph(model_dir, patch_path, guidance=1.0, strength=1.0, **p)
    g.disconnect("gen", "image")
    g.add_node(source("test.dub_clip16", "video", "Video", _clip16), {}, node_id="clip")
    g.connect("clip", "video", "gen", "clip")
    g.add_node(source("test.talk_voice_at", "features", "Features", _voice_at, (Float("rate", 25.0),)),
               {"rate": voice_rate}, node_id="voice_at")
    g.connect("voice_at", "features", "gen", "speech")
    return g


def test_fps_0_makes_the_take_at_the_dubbed_clips_rate(models):
    from studio.engine.executor import Executor
    model_dir, patch_path = models
    made = Executor().run(_dub16(model_dir, patch_path, 16.0, fps=0.0), targets=["gen"], device="cpu",
                          use_cache=False).value("gen")
    assert made.fps == 16.0 and made.n_frames == 9


def test_fps_0_refuses_features_at_another_rate_than_the_clips_naming_both(models):
    from studio.engine.executor import Executor
    model_dir, patch_path = models
    with pytest.raises(StudioError, match="the speech features are at 25 fps, the clip at 16: set Speech Features' "
                                          "fps to 16, or give them the clip on their 'video'"):
        Executor().run(_dub16(model_dir, patch_path, 25.0, fps=0.0), targets=["gen"], device="cpu", use_cache=False)


def test_the_rate_fps_0_takes_and_a_set_rate():
    class P:
        def __init__(self, fps):
            self.fps = fps

    class V:
        fps = 16.0
    assert InfiniteTalk._rate(P(0.0), V(), None) == 16.0  # no clip: the voice's features'
    assert InfiniteTalk._rate(P(0.0), None, V()) == 16.0  # a clip: its rate
    assert InfiniteTalk._rate(P(25.0), V(), V()) == 25.0  # set: as set
    assert InfiniteTalk.rate_ports == ("clip",)
