"""The engine and the nodes never import Qt; loading a graph never imports it either."""
import ast
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADLESS = ["studio/core", "studio/engine", "nodes"]
QT = ("PySide6", "NodeGraphQt", "PyQt5", "PyQt6", "shiboken6", "Qt", "pyqtgraph")


def _py_files():
    for rel in HEADLESS:
        p = os.path.join(ROOT, rel)
        if p.endswith(".py"):
            yield p
            continue
        for d, _, files in os.walk(p):
            for f in files:
                if f.endswith(".py"):
                    yield os.path.join(d, f)


def test_no_qt_import_in_headless_layers():
    bad = []
    for path in _py_files():
        tree = ast.parse(open(path, encoding="utf-8").read(), path)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n.split(".")[0] in QT or n.startswith("studio.ui"):
                    bad.append(f"{os.path.relpath(path, ROOT)}:{node.lineno} imports {n}")
    assert not bad, "\n".join(bad)


def test_importing_every_node_loads_no_qt():
    code = ("import sys; from studio.core.registry import default_registry; r = default_registry(); "
            "assert not r.load_errors, r.load_errors; "
            f"bad = [m for m in sys.modules if m.split('.')[0] in {QT!r}]; "
            "print(len(r.specs()), bad); assert not bad, bad")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


# -- the import contract (tests/import_contract.py, in the spirit of import-linter) -----------------
from tests import import_contract as ic  # noqa: E402


def test_import_contract_holds():
    """Layers import downwards only (cli > ui > distributed > nodes > engine > core), and inside
    studio/ui: shots > app > window > dialogs > panels > canvas | preview > document > base; the
    preview never imports the document; no import cycles between modules of studio; NodeGraphQt
    only under studio/ui/canvas/."""
    problems = ic.check()
    assert not problems, "\n".join(problems)


def _planted(files: dict[str, str]):
    return ic.build_graph(sources={os.path.join(ROOT, p): src for p, src in files.items()})


def test_contract_catches_an_import_up_a_layer():
    g, third = _planted({"studio/core/a.py": "import os\n",
                         "studio/core/b.py": "def f():\n    from studio.ui.canvas import canvas\n",
                         "studio/core/c.py": "import importlib\nX = importlib.import_module('studio.engine.x')\n",
                         "studio/engine/x.py": "from studio.core import a\n",
                         "studio/ui/canvas/canvas.py": "from studio.core import a\n"})
    bad = ic.check(g, third)
    assert len(bad) == 2, bad
    assert "studio/core/b.py:2" in bad[0] and "up a layer" in bad[0]
    assert "studio/core/c.py:2" in bad[1] and "studio.engine.x" in bad[1]  # a string import counts too


def test_contract_catches_floors_inside_the_ui():
    g, third = _planted({"studio/ui/document/document.py": "from studio.ui.window.main_window import X\n",
                         "studio/ui/window/main_window.py": "X = 1\n",
                         "studio/ui/preview/area.py": "from studio.ui.canvas.items import Y\n",
                         "studio/ui/canvas/items.py": "Y = 1\n",
                         "studio/ui/preview/fetcher.py": "import studio.ui.document.document\n"})
    bad = "\n".join(ic.check(g, third))
    assert "document.py:1" in bad and "up a layer" in bad
    assert "area.py:1" in bad and "beside each other" in bad
    assert "fetcher.py:1" in bad and "never edits the document" in bad


def test_contract_catches_a_cycle_and_nodegraphqt_outside_the_canvas():
    g, third = _planted({"studio/engine/a.py": "from . import b\n",
                         "studio/engine/b.py": "def f():\n    from .a import x\n",
                         "studio/engine/c.py": "if TYPE_CHECKING:\n    from .d import D\n",
                         "studio/engine/d.py": "from .c import C\n",
                         "studio/ui/panels/palette.py": "from NodeGraphQt import NodeGraph\n",
                         "studio/ui/canvas/adapter.py": "from NodeGraphQt import NodeGraph\n"})
    bad = ic.check(g, third)
    assert "import cycle: studio.engine.a -> studio.engine.b" in bad  # a -> b -> a; c/d's is for types only
    assert not any("engine.c" in b for b in bad)
    assert any("palette.py:1" in b and "NodeGraphQt" in b for b in bad)
    assert not any("adapter.py" in b for b in bad)


def test_ui_sizes_stay_small():
    """docs/architecture.md quotes these: no studio/ui file over 600 lines, no class over 40 methods."""
    f = ic.figures()
    assert f["largest_ui_file"][1] <= 600, f
    assert f["largest_ui_class"][1] <= 40, f
    assert f["studio_cycles"] == 0, f
