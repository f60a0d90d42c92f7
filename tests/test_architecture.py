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
