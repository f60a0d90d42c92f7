"""A graph whose nodes never ask for a torch device never imports torch and never starts CUDA,
whatever the device setting (issue 28: on a GPU machine 'auto' picked CUDA and every cheap
OpenCV/numpy graph paid for starting it)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from studio.core.errors import NodeExecutionError, StudioError
from studio.core.graph import Graph
from studio.engine import device as devmod
from studio.engine.executor import Executor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# a CUDA machine, as far as the engine can tell without torch: the installed torch is not a
# CPU-only build (the version file is all the engine reads before torch is imported)
FAKE_CUDA_BUILD = ("import studio.engine.device as d\n"
                   "d.cpu_only_build = lambda: False\n")


@pytest.fixture(autouse=True)
def _manifest():
    """The node manifest written (by this process) before the child starts: a child that finds
    none imports every node module to build it, torch included, as any first start does."""
    from studio.core.registry import default_registry
    default_registry()


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()


@pytest.mark.parametrize("device", ["cuda", "auto"])
def test_a_graph_without_torch_nodes_never_imports_torch(tmp_path, device):
    """The demo template (OpenCV/numpy nodes), rendered to a file with device 'cuda' or 'auto'
    on what looks like a CUDA machine: torch is never imported."""
    out = str(tmp_path / "demo.mp4")
    lines = _run(FAKE_CUDA_BUILD +
                 "import sys\n"
                 "from studio.cli import main\n"
                 f"rc = main(['render', {os.path.join(ROOT, 'assets', 'graphs', 'demo.json')!r}, '-o', {out!r}, "
                 f"'--frames', '0-5', '--device', {device!r}, '-q'])\n"
                 "print(rc, 'torch' in sys.modules)\n")
    assert lines[-1] == "0 False"
    assert os.path.getsize(out) > 0


TORCH_LOADED = ["demo", "music_visualiser"]


@pytest.fixture(scope="module")
def torch_loaded_renders(tmp_path_factory):
    """Each of ``TORCH_LOADED`` rendered in turn by one child with torch loaded, CUDA present (faked) and
    the device 'cuda': {name: (exit code, torch.cuda._lazy_init calls during its render, whether CUDA is
    initialised after it)}. One child for both, as starting one with torch costs seconds: what the first
    render left cannot hide the second's start of CUDA, which its own count and the flag show."""
    from studio.core.registry import default_registry
    default_registry()  # the manifest written first (see _manifest)
    out = tmp_path_factory.mktemp("torch-loaded")
    renders = "".join(
        f"before = len(calls)\n"
        f"rc = main(['render', {os.path.join(ROOT, 'assets', 'graphs', name + '.json')!r}, "
        f"'-o', {str(out / (name + '.mp4'))!r}, '--frames', '0-5', '--device', 'cuda', '-q'])\n"
        f"print({name!r}, rc, len(calls) - before, torch.cuda.is_initialized())\n" for name in TORCH_LOADED)
    lines = _run(FAKE_CUDA_BUILD +
                 "import sys, torch\n"
                 "torch.cuda.is_available = lambda: True\n"
                 "torch.cuda.device_count = lambda: 1\n"
                 "calls = []\n"
                 "def lazy_init():\n"
                 "    calls.append(1)\n"
                 "    raise RuntimeError('CUDA started')\n"
                 "torch.cuda._lazy_init = lazy_init\n"
                 "from studio.cli import main\n" + renders)
    return {ln.split()[0]: " ".join(ln.split()[1:]) for ln in lines if ln.split()[:1] and ln.split()[0] in TORCH_LOADED}


@pytest.mark.parametrize("name", TORCH_LOADED)
def test_with_torch_loaded_a_graph_that_never_asks_for_a_device_never_starts_cuda(torch_loaded_renders, name):
    """Where torch is already loaded (the window), CUDA is present (faked) and the device is
    'cuda': the graph runs and CUDA is never initialised (torch.cuda._lazy_init never called).
    music_visualiser's Audio Encoder computes its features with torch on the CPU: it loads torch
    but never asks for a device."""
    assert torch_loaded_renders[name] == "0 0 False"


def test_a_torch_node_resolves_and_checks_the_device_when_it_asks(monkeypatch):
    """The check moves to the node that needs the device: on what looks like a CUDA build with
    torch not yet asked, 'cuda' is a name in the plan; the node asking for it on a machine without
    CUDA gets the error with its name."""
    import torch
    if torch.cuda.is_available():
        pytest.skip("CUDA is here")
    # the node's module imported first: with torch hidden from sys.modules, importing it would load
    # torch a second time into this process (its C library refuses: TORCH_LIBRARY 'triton' twice).
    # Whether the registry imports it here depends on the manifest on disk (a subprocess that
    # writes it, as test_architecture's does, leaves classes to load lazily)
    import nodes.generators.conditioning  # noqa: F401
    monkeypatch.delitem(sys.modules, "torch")  # the plan is made as before torch was imported
    monkeypatch.setattr(devmod, "cpu_only_build", lambda: False)
    g = Graph()
    n = g.add_node("gen.caption_features", {"text": "a red circle moving left", "conditioning": "caption-parser"})
    plan = Executor().compile(g, device="cuda")
    assert plan.device == "cuda" and plan.steps[0].device == "cuda"
    monkeypatch.setitem(sys.modules, "torch", torch)
    assert devmod.plan_device("auto") in ("cpu", "cuda", "mps")  # torch loaded: resolved at once
    with pytest.raises(StudioError, match="not available"):
        devmod.plan_device("cuda")  # torch loaded: checked at once
    monkeypatch.delitem(sys.modules, "torch")
    ex = Executor()
    plan = ex.compile(g, device="cuda")
    monkeypatch.setitem(sys.modules, "torch", torch)
    from studio.engine.context import Context, Runtime
    ctx = Context(n.id, "Caption", {}, 1, plan.steps[0].device, Runtime())
    with pytest.raises(StudioError, match="device 'cuda' is not available"):
        ctx.device
