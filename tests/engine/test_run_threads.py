"""Issue 35, item 8: a pretrained model's run in the window uses every core, on a thread of lower
priority; other runs keep the window's policy (all cores but one); the count is the run thread's."""
from __future__ import annotations

import os
import sys
import threading

import pytest
import torch

from studio.engine import device


@pytest.fixture
def window_policy():
    before = torch.get_num_threads()
    device.configure_threads(interactive=True)
    yield max(1, (os.cpu_count() or 1) - 1)
    device.configure_threads(interactive=False)
    torch.set_num_threads(before)


def on_a_thread(fn):
    out = {}

    def run():
        out["set"] = fn()
        out["threads"] = torch.get_num_threads()
        if sys.platform.startswith("linux"):
            out["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out


def test_a_pretrained_run_takes_every_core_at_a_lower_priority(window_policy):
    n = os.cpu_count() or 1
    out = on_a_thread(lambda: device.threads_for_run(True))
    assert out["set"] == n and out["threads"] == n
    if sys.platform.startswith("linux") and n > window_policy:
        assert out["nice"] >= os.getpriority(os.PRIO_PROCESS, 0) + 1
    out = on_a_thread(lambda: device.threads_for_run(False))
    assert out["set"] == window_policy and out["threads"] == window_policy
    if sys.platform.startswith("linux"):
        assert out["nice"] == os.getpriority(os.PRIO_PROCESS, 0)  # an ordinary run: not lowered


def test_the_command_line_is_unchanged():
    device.configure_threads(interactive=False)
    n = os.cpu_count() or 1
    assert on_a_thread(lambda: device.threads_for_run(False))["threads"] == n


def test_the_window_marks_video_model_graphs_as_pretrained():
    from studio.ui.worker import PRETRAINED
    from studio.core.registry import default_registry
    ids = [s.id for s in default_registry().specs() if s.id.startswith(PRETRAINED)]
    assert "video_models.image_to_video" in ids and "video_models.load" in ids
