"""The distributed package stays headless and light: no Qt, and Ray / OpenJD only when used."""
from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = ["planner", "job", "chunk", "collect", "engines", "local", "ray_engine", "render", "sweep",
           "openjd", "cli", "prepare"]


def test_importing_the_distributed_modules_loads_no_qt_ray_or_openjd():
    code = ("import sys, importlib; "
            f"[importlib.import_module('studio.distributed.' + m) for m in {MODULES!r}]; "
            "import studio.cli; studio.cli.build_parser(); "
            "bad = sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'NodeGraphQt', 'ray', 'openjd'}); "
            "print(bad); assert not bad, bad")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
