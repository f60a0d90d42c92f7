"""One local Ray instance for every test that needs it (starting Ray costs seconds)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def ray_local():
    ray = pytest.importorskip("ray")
    from studio.distributed.ray_engine import ensure_ray
    started = not ray.is_initialized()
    ensure_ray(workers=2)
    yield ray
    if started:
        ray.shutdown()
