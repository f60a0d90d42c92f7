"""Transition's 'inserted' keep and its easings (issue 112, fx3): the new frames going from 'a''s last frame to 'b''s
first as KJNodes' Transition / Cross Fade Images Multi compute them (progress k / (N - 1), eased), then all of 'b';
their slides as Studio's wipes, the edge where KJNodes rounds it."""
import math

import numpy as np
import pytest

from nodes.edit import transition as T
from studio.core.values import Audio
from studio.engine.clip import ArrayClip
from tests.node_run import run_node


def _ramp(values, w=8, h=4):
    x = np.asarray(values, np.float32)[:, None, None, None]
    return ArrayClip(np.broadcast_to(x, (len(values), h, w, 3)).copy(), 24.0)


@pytest.mark.parametrize("easing,f", [
    ("linear", lambda t: t), ("ease_in", lambda t: t * t), ("ease_out", lambda t: 1 - (1 - t) * (1 - t)),
    ("ease_in_out", lambda t: 3 * t * t - 2 * t ** 3),
    ("bounce", lambda t: (1 - (1 - 2 * t) ** 2) / 2 if t < 0.5 else (2 * t - 1) ** 2 / 2 + 0.5),
    ("elastic", lambda t: math.sin(13 * math.pi / 2 * t) * 2 ** (10 * (t - 1))),
    ("glitchy", lambda t: t + 0.1 * math.sin(40 * t)), ("exponential_ease_out", lambda t: 1 - (1 - t) ** 4)])
def test_inserted_frames_go_from_a_last_to_b_first_eased(easing, f):
    a, b = _ramp([0.1, 0.2, 0.3]), _ramp([0.9, 0.7])
    out = run_node(T.Transition, {"style": "dissolve", "frames": 5, "keep": "inserted", "easing": easing}, a=a, b=b)
    assert out.n_frames == 3 + 5 + 2
    got = out.chunk(0, out.n_frames)[:, 0, 0, 0]
    want = [0.1, 0.2, 0.3] + [0.3 + (0.9 - 0.3) * f(k / 4) for k in range(5)] + [0.9, 0.7]
    assert np.allclose(got, want, atol=1e-6), easing
    assert np.allclose(out.frame(5), out.chunk(4, 7)[1])  # a frame and a chunk agree


@pytest.mark.parametrize("style,reverse", [("wipe right", False), ("wipe left", True)])
def test_inserted_wipe_edge_is_where_kjnodes_rounds_it(style, reverse):
    w, n = 7, 5  # an odd width: a half-pixel tie at progress 0.5
    a, b = _ramp([0.0], w=w), _ramp([1.0], w=w)
    out = run_node(T.Transition, {"style": style, "frames": n, "keep": "inserted"}, a=a, b=b)
    for k in range(n):
        alpha = float(np.float32(k / (n - 1)))  # KJNodes' alpha, a float32 tensor's value
        mask = np.zeros(w)  # where its mask shows its second picture
        if reverse:  # its pictures swapped, alpha 1 - alpha: 'a' over the first round(w (1 - alpha)) columns
            mask[:round(w * (1 - alpha))] = 1.0
            want = 1.0 * (1 - mask) + 0.0 * mask
        else:
            mask[:round(w * alpha)] = 1.0
            want = 0.0 * (1 - mask) + 1.0 * mask
        assert np.array_equal(out.frame(1 + k)[0, :, 0], want), k


def test_inserted_sound_is_silent_over_the_new_frames():
    a, b = _ramp([0.0] * 4), _ramp([1.0] * 4)
    a.audio, b.audio = Audio(np.ones((400, 1), np.float32), 2400), Audio(-np.ones((400, 1), np.float32), 2400)
    out = run_node(T.Transition, {"frames": 2, "keep": "inserted"}, a=a, b=b)
    s = out.audio.samples[:, 0]
    assert out.n_frames == 10 and len(s) == 1000
    assert (s[:400] == 1).all() and (s[400:600] == 0).all() and (s[600:] == -1).all()
