"""studio.engine.memory.give_back: memory the C allocator keeps after it is freed goes back to the system (the
growth a long take's time tiles showed, tile after tile), glibc's or tcmalloc's (preloaded, as a parallel test
run's workers are); and the take's decode gives it back after every tile."""
from __future__ import annotations

import os
import subprocess
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


FREE_AND_GIVE_BACK = """
import numpy as np
from studio.engine.memory import give_back
def anon():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) / 1024 for l in f if l.startswith("RssAnon"))
blocks = [np.ones(8192) for _ in range(1600)]
last = blocks[-1]
del blocks
before = anon()
print(give_back(), round(before - anon()))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap, tcmalloc (Linux)")
@pytest.mark.parametrize("allocator", ["glibc", "tcmalloc"])
def test_freed_memory_goes_back_from_either_allocator(allocator):
    import conftest as root  # the repository's: where it finds tcmalloc for the workers
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    if allocator == "tcmalloc":
        env["LD_PRELOAD"] = root._tcmalloc()
        if env["LD_PRELOAD"] is None:
            pytest.skip("no tcmalloc on this machine (scripts/setup.sh installs it)")
    root_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", FREE_AND_GIVE_BACK], cwd=root_dir, env=env, capture_output=True,
                         text=True, check=True, timeout=60).stdout.split()
    assert out[0] == "True" and int(out[1]) > 50, out  # of the 100 MB freed


def test_a_parallel_runs_workers_allocate_through_tcmalloc():
    import conftest as root
    if not os.environ.get("PYTEST_XDIST_WORKER") or os.environ.get("STUDIO_TEST_TCMALLOC") == "0":
        pytest.skip("not a worker of a parallel run that uses tcmalloc")
    if root._tcmalloc() is None:
        pytest.skip("no tcmalloc on this machine (scripts/setup.sh installs it)")
    with open("/proc/self/maps") as f:
        assert "libtcmalloc" in f.read()


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
