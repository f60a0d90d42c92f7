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
