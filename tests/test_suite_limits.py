"""The suite's own wall-clock limits stretch with the machine's load (conftest.load_stretch): a test on a
shared, busy machine is not ended as a hang because other jobs held the cores."""
from __future__ import annotations

import os

import conftest


def test_the_limits_stretch_with_the_load_between_one_and_the_cap(monkeypatch):
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    for load, want in ((0.0, 1.0), (cores * 2.5, 2.5), (cores * 100.0, conftest.MAX_LOAD_STRETCH)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert conftest.load_stretch() == want


def test_an_unknown_load_stretches_nothing(monkeypatch):
    def no_load():
        raise OSError("no load average here")
    monkeypatch.setattr(os, "getloadavg", no_load)
    assert conftest.load_stretch() == 1.0


def test_this_tests_limit_is_the_stretched_one(request):
    """The marker pytest-timeout reads is the stretched one wherever the load stretched it."""
    marker = request.node.get_closest_marker("timeout")
    limit = float(marker.args[0]) if marker is not None else float(request.config.getini("timeout"))
    assert limit >= float(request.config.getini("timeout"))
