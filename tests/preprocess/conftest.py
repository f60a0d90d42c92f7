"""Tiny random preprocessor models, built once per test session (tiny_models.py)."""
from __future__ import annotations

import pytest

pytest.importorskip("transformers")


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """torch on one thread for each module here (restored after): tiny models gain nothing from
    more, and with two pytest-xdist workers on two shared cores two threads each make every op
    wait on the other (measured under load: a tiny RT-DETR forward 1.5-3.7 s on two threads,
    0.02-0.03 s on one). Frames are compared within a test, at one thread count."""
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_pre(tmp_path_factory):
    from .tiny_models import build_depth_anything, build_rtdetr, build_vitpose
    d = tmp_path_factory.mktemp("preprocess_models")
    return {"people": build_rtdetr(str(d / "rtdetr")), "pose": build_vitpose(str(d / "vitpose")),
            "wholebody": build_vitpose(str(d / "vitpose_wb"), keypoints=133),
            "depth": build_depth_anything(str(d / "depth"))}
