import numpy as np
import pytest
import torch

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.values import Features
from studio.engine.executor import Executor
from nodes.procedural import drive_signal
from tests.sources import registry_with, source


class FeatureSource:
    pass


def _run(type_id, feats, **params):
    reg = registry_with()  # a fresh registry: the held value is this call's
    g = Graph(reg)
    f = g.add_node(source("test.features", "f", "Features", lambda p: feats, registry=reg))
    n = g.add_node(type_id, {"width": 64, "height": 48, **params})
    g.connect(f.id, "f", n.id, "drive")
    return Executor().run(g, targets=[n.id]).value(n.id)


def test_pulse_size_follows_the_feature():
    sig = torch.tensor([[0.0], [1.0], [0.0], [0.5]])
    clip = _run("procedural.pulse", Features(sig, per_frame=True, fps=24), size=0.3, amount=1.0)
    assert len(clip) == 4
    area = [float((clip.frame(i).max(axis=2) > 0.05).sum()) for i in range(4)]
    assert area[1] > area[3] > area[0] and area[0] == pytest.approx(area[2])


def test_particles_glow_more_on_loud_frames_and_are_deterministic():
    sig = torch.zeros(24, 2)
    sig[12:, 1] = 1.0
    feats = Features(sig, per_frame=True, fps=24, names=["a", "loudness"])
    clip = _run("procedural.particles", feats, column="loudness", count=300)
    quiet, loud = clip.frame(6).sum(), clip.frame(18).sum()
    assert loud > quiet * 1.3
    again = _run("procedural.particles", feats, column="loudness", count=300)
    assert np.array_equal(again.frame(18), clip.frame(18))


def test_noise_length_follows_features_at_other_fps():
    feats = Features(torch.rand(50, 1), per_frame=True, fps=50)
    clip = _run("procedural.noise", feats, fps=25.0)
    assert len(clip) == 25 and clip.frame(24).shape == (48, 64, 3)
    assert 0 <= clip.frame(3).min() and clip.frame(3).max() <= 1


def test_bad_column_and_nan_give_clear_errors():
    with pytest.raises(ValueError, match="no column 'beat'"):
        drive_signal(Features(torch.zeros(4, 1), per_frame=True, names=["x"]), "beat", 4, 24)
    with pytest.raises(NodeExecutionError, match="NaN"):
        _run("procedural.pulse", Features(torch.tensor([[float("nan")]] * 3), per_frame=True, fps=24))
