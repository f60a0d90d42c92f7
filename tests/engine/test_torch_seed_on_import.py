"""A node that imports torch inside ``run`` and draws from torch's global generator is as
repeatable as one that found torch loaded: the engine seeds torch the moment it is imported."""
import subprocess
import sys

from tests.helpers import Noise  # noqa: F401  (the node the script registers)

SCRIPT = r"""
import sys
from studio.core.graph import Graph
from studio.core.registry import Registry
from studio.engine.executor import Executor
from tests.helpers import Noise
r = Registry(); r.register(Noise)
g = Graph(r); n = g.add_node("test.noise")
assert "torch" not in sys.modules, "torch was loaded before the first run"
a = Executor().run(g, seed=1).value(n.id)
assert "torch" in sys.modules
b = Executor().run(g, seed=1).value(n.id)
c = Executor().run(g, seed=2).value(n.id)
assert sys.meta_path[0].__class__.__name__ != "_TorchImportSeeder", "the import hook outlived the node"
print(a, b, c)
assert a == b and a != c, (a, b, c)
"""


def test_torch_imported_inside_run_is_seeded(tmp_path):
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": root})
    assert r.returncode == 0, r.stdout + r.stderr
