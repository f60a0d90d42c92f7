"""The engine loads on a background thread (issue 25, point 14): torch's and PyAV's libraries are mapped by a
GIL-free dlopen first, then torch, PyAV and the open graph's node modules are imported, so the
first run finds them loaded. In a fresh interpreter: this test process has torch already."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = r"""
import importlib, sys, threading
from studio.engine import warmup
class Spec:  # a lazy spec from the node manifest: cls imports the node's module
    @property
    def cls(self):
        return importlib.import_module("nodes.io").SaveVideo
class Reg:  # the default registry builds its manifest by importing every node module: not here
    def get(self, t):
        assert t == "io.save_video"
        return Spec()
reg = Reg()
assert "torch" not in sys.modules and not warmup.warmed_up()
libs = []
t = threading.Thread(target=lambda: libs.append(warmup._torch_libraries() + warmup.bundled_libraries("av"))
                     or warmup.warm_up(["io.save_video"], reg))
t.start(); t.join()
assert warmup.warmed_up()
assert "torch" in sys.modules and "av" in sys.modules and "nodes.io" in sys.modules
import torch
assert float(torch.ones(3).sum()) == 3.0
warmup.warm_up()  # a second call is a no-op
print("libs", len(libs[0]), "handles", len(warmup._handles), "av", len(warmup.bundled_libraries("av")))
"""


def test_warm_up_loads_the_engine_on_a_thread():
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    if sys.platform == "linux":
        n_libs, n_handles, n_av = (int(x) for x in r.stdout.split()[1::2])
        # libtorch_cpu, libtorch_python... and PyAV's bundled FFmpeg (where its wheel bundles one) preloaded
        assert n_libs >= 2 + n_av and n_handles == n_libs, r.stdout


def test_warm_up_starts_what_a_node_declares_ahead_of_its_first_run(monkeypatch):
    """A node class's ``warm_up`` runs on the loader's thread (Load Video Model starts diffusers' pipeline machinery:
    2.8 s its first load would take, and what the estimates before F5 count VAEs with); one that fails is left to
    the run."""
    import threading

    from studio.engine import warmup
    done = threading.Event()
    done.set()  # torch's part as done: this process's own warm-up state (the window's device words) is not touched
    monkeypatch.setattr(warmup, "_done", done)
    calls = []

    class Starts:
        @classmethod
        def warm_up(cls):
            calls.append("started")

    class Fails:
        @classmethod
        def warm_up(cls):
            raise RuntimeError("no library")

    class Spec:
        def __init__(self, cls):
            self.cls = cls

    class Reg:
        def get(self, t):
            return Spec({"a": Starts, "b": Fails, "c": object}[t])
    warmup.warm_up(["b", "a", "c"], Reg())
    assert calls == ["started"]
    from nodes.video_models.loading.node import LoadVideoModel
    assert callable(LoadVideoModel.warm_up)
