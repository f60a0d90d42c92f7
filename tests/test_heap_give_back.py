"""studio.engine.memory.give_back: memory glibc keeps after it is freed goes back to the system (the growth a
long take's time tiles showed, tile after tile); and the take's decode gives it back after every tile."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from studio.engine.memory import give_back


def _anon_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no RssAnon")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap (Linux)")
def test_freed_heap_memory_goes_back_to_the_system():
    if not give_back():
        pytest.skip("no glibc malloc_trim here")
    blocks = [np.ones(8192) for _ in range(1600)]  # 64 KB each, below glibc's mmap threshold: from the heap
    last = blocks[-1]  # kept: the freed blocks below it cannot leave by the heap's top
    del blocks
    before = _anon_mb()
    assert give_back()
    assert before - _anon_mb() > 50  # of the 100 MB freed
    assert last.sum() == 8192


def test_a_take_decoded_in_time_tiles_gives_back_after_every_tile(monkeypatch):
    torch = pytest.importorskip("torch")
    pytest.importorskip("diffusers")
    from types import SimpleNamespace

    from diffusers import AutoencoderKLWan
    from diffusers.video_processor import VideoProcessor

    from nodes.video_models.takes import time_tiles
    calls = []
    monkeypatch.setattr(time_tiles, "give_back", lambda: calls.append(1) or True)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True]).eval()
    pipe = SimpleNamespace(vae=vae, video_processor=VideoProcessor(vae_scale_factor=8))
    frames = time_tiles.decode_take(None, pipe, torch.randn(1, 16, 9, 2, 2), tile=2)
    assert frames.shape == (33, 16, 16, 3) and len(calls) == 5  # 9 latent frames, 2 a tile
