"""Issue 44: the training data prepared on the worker threads, the text encoder run once for the
pooled and the per-token features; the same numbers as the one-thread, two-pass preparation."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.generators.clip_work import per_clip
from nodes.generators.conditioning import encode_tokens, encode_with, encode_with_tokens
from nodes.generators.flow import compute_flow, key_flows
from nodes.generators.scenes import scenes_dataset


def test_per_clip_keeps_the_order_checks_between_chunks_and_stops_on_a_cancel():
    checks = []
    got = per_clip(lambda x: x * x, range(100), lambda: checks.append(1), threads=3)
    assert got == [x * x for x in range(100)] and len(checks) == 2  # 96 clips a chunk on 3 threads
    assert per_clip(lambda x: -x, [1, 2], lambda: None, threads=1) == [-1, -2]

    def cancel():
        if checks:
            raise InterruptedError("stop")
        checks.append(1)
    checks.clear()
    done = []
    with pytest.raises(InterruptedError):
        per_clip(done.append, range(200), cancel, threads=2)
    assert len(done) == 64  # the first chunk, then the cancel


def test_key_flows_of_a_clip_are_those_of_its_frames_one_by_one():
    """key_flows converts the clip once; the flow of each frame is compute_flow's on the value
    channel, bit for bit, zero where nothing changed near the pixel."""
    ds = scenes_dataset(count=3, n_frames=5, width=24, height=20, seed=2, test_scenes=0)
    for i in range(len(ds)):
        f = ds.frames(i)
        kf, plain = key_flows(f, 2), key_flows(f, 2, still_test=False)
        assert kf.shape == (5, 20, 24, 2) and not kf[2].any()
        for k in (0, 1, 3, 4):
            assert np.array_equal(plain[k], compute_flow(f[2], f[k], value=True))
            assert np.array_equal(kf[k][kf[k] != 0], plain[k][kf[k] != 0])
        assert np.abs(kf).sum() > 0


@pytest.mark.parametrize("kind", ["text", "caption-parser"])
def test_one_pass_gives_the_features_and_the_tokens_of_two(kind):
    from nodes.generators.conditioning import conditioning_info
    info = conditioning_info(kind)
    texts = ["a red circle moving left", "two squares", "a blue triangle rising and a green circle falling"]
    cond, tk, mask = encode_with_tokens(info, texts, 12)
    assert torch.equal(cond, encode_with(info, texts))
    want_tk, want_mask = encode_tokens(info, texts, 12)
    assert torch.equal(tk, want_tk) and torch.equal(mask, want_mask)
