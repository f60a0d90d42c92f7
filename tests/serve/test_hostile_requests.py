"""A sample of the hostile requests of benchmarks/serve_hostile.py (bad JSON, huge bodies, wrong types,
path traversal, odd methods, unicode and long names, deep nesting, odd queries and uploads) against the
application in this process: none is answered 500 (issue 113; the benchmark sends 1,000)."""
from __future__ import annotations

import asyncio

import pytest

from benchmarks import serve_hostile


@pytest.fixture(autouse=True)
def _own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))


def test_a_hundred_hostile_requests_get_no_500(tmp_path):
    counts, errors, _ = asyncio.run(serve_hostile.run(100, 7, str(tmp_path)))
    assert errors == []
    assert sum(v for k, v in counts.items() if isinstance(k, int)) >= 95  # sent, and answered
    assert counts[400] >= 20  # refused in words, not taken
