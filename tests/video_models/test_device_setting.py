"""Issue 43 (4): a Load Video Model whose 'device' names a device this machine lacks (a graph saved
on a GPU machine, opened on a laptop) is refused naming the node and the setting, at validate and
before anything loads, in a fresh process and after earlier runs; never a library's internal error
("Torch not compiled with CUDA enabled", "Cannot execute getRecommendedMaxMemory() without MPS
backend")."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from studio.core.errors import StudioError
from studio.core.fileformat import save_graph
from studio.core.graph import Graph
from studio.engine.device import available_devices
from studio.engine.executor import Executor

pytest.importorskip("diffusers")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MISSING = [d for d in ("cuda", "mps") if d not in available_devices()]
if not MISSING:
    pytest.skip("this machine has both CUDA and MPS", allow_module_level=True)


def _graph(model: str, device: str) -> Graph:
    g = Graph()
    g.add_node("video_models.load", {"model": model, "device": device}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": 1, "width": 16, "height": 16, "steps": 1, "guidance": 1.0,
                                              "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    return g


def _says_the_setting(text: str, device: str) -> None:
    assert "'Load Video Model' (load)" in text and f"'device' is {device}, which this machine does not have" in text, \
        text
    assert "getRecommendedMaxMemory" not in text and "not compiled" not in text


@pytest.mark.parametrize("device", MISSING)
def test_validate_in_a_fresh_process_names_the_node_and_the_setting(wan_dir, tmp_path, device):
    path = str(tmp_path / "g.json")
    save_graph(_graph(wan_dir, device), path)
    r = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "validate", path], capture_output=True,
                       text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), timeout=240)
    assert r.returncode != 0 and "ok" not in r.stdout, r.stdout
    _says_the_setting(r.stderr, device)


@pytest.mark.parametrize("device", MISSING)
def test_a_run_after_earlier_runs_names_the_node_and_the_setting(wan_dir, device):
    ex = Executor()
    ex.run(_graph(wan_dir, "cpu"), targets=["gen"], device="cpu")  # torch loaded, a model in the cache
    with pytest.raises(StudioError) as e:
        ex.compile(_graph(wan_dir, device), check_only=True)
    _says_the_setting(str(e.value), device)
    with pytest.raises(StudioError) as e:
        ex.run(_graph(wan_dir, device), targets=["gen"], device="cpu")
    _says_the_setting(str(e.value), device)


@pytest.mark.parametrize("device", MISSING)
def test_the_model_cache_asks_no_missing_device_for_its_memory(device):
    """Making room for a loader whose setting names a missing device (the node then says why it
    cannot run) must not ask torch about that device."""
    import torch  # noqa: F401 - loaded, as after an earlier run in the window
    from studio.engine.model_cache import ModelCache, device_free
    assert device_free(device) == 0
    assert ModelCache().make_room(device, 1 << 30) == []
