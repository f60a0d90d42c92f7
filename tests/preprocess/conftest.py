"""Tiny random preprocessor models, built once per test session (tiny_models.py)."""
from __future__ import annotations

import pytest

pytest.importorskip("transformers")


@pytest.fixture(scope="session")
def tiny_pre(tmp_path_factory):
    from .tiny_models import build_depth_anything, build_rtdetr, build_vitpose
    d = tmp_path_factory.mktemp("preprocess_models")
    return {"people": build_rtdetr(str(d / "rtdetr")), "pose": build_vitpose(str(d / "vitpose")),
            "wholebody": build_vitpose(str(d / "vitpose_wb"), keypoints=133),
            "depth": build_depth_anything(str(d / "depth"))}
