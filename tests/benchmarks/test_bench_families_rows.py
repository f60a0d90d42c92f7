"""benchmarks/bench_families.py's rows cover every registered video family (issue 72's aim "node / direct <= 1.02
per family"): a family is a row of benchmarks/family_cases.py, or is named in its ELSEWHERE with the benchmark that
measures it (or why none does); each row names a tiny builder, a node and a pipeline class that exist. Nothing is
built or run here."""
from __future__ import annotations

import os

from benchmarks.family_cases import CASES, CHECKS, ELSEWHERE, rows as all_rows

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_every_registered_family_is_a_row_or_said_elsewhere():
    import nodes.video_models.families  # noqa: F401  (the registry filled)
    from nodes.video_models.base.registry import FAMILIES
    rows = {c.family for c in all_rows().values()}  # a new family's row derived from its tiny builder
    missing = sorted(k for k in FAMILIES if k not in rows and k not in ELSEWHERE)
    assert not missing, f"families with no bench_families row and no ELSEWHERE line: {missing}"
    assert rows | set(ELSEWHERE) <= set(FAMILIES)
    for where in ELSEWHERE.values():
        assert not where.startswith("benchmarks/") or os.path.isfile(os.path.join(ROOT, where)), where


def test_every_row_names_a_builder_a_node_and_a_pipeline_that_exist():
    import importlib.util

    from studio.core.registry import default_registry
    from tests.tiny_models import BUILDERS
    reg = default_registry()
    with open(importlib.util.find_spec("diffusers").origin, encoding="utf-8") as f:
        names = f.read()  # diffusers' lazy names, read without importing it (seconds)
    for name, c in all_rows().items():
        assert c.builder in BUILDERS, name
        assert not c.node or c.node in reg, name
        assert not c.pipeline or f'"{c.pipeline}"' in names, name
        assert not c.check or c.check in CHECKS, name
