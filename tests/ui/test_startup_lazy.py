"""Start-up does not wait for the engine: from a warm node manifest the window opens a graph
without importing torch or any node module; the first run loads them on another thread than the
GUI's, saying so in the status bar, and renders."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = textwrap.dedent('''
    import importlib.abc, sys, threading, time

    class Where(importlib.abc.MetaPathFinder):  # which thread imports torch and the node modules
        seen = {}

        def find_spec(self, name, path, target=None):
            if name == "torch" or name.startswith("nodes."):
                self.seen.setdefault(name, threading.current_thread().name)
            return None
    sys.meta_path.insert(0, Where())
    from PySide6.QtWidgets import QApplication
    from studio.ui.app import start_window
    app, win = start_window(sys.argv[1])
    win.canvas.widget.repaint()
    QApplication.processEvents()
    print("SHOWN", "torch" in sys.modules, sorted(m for m in sys.modules if m.startswith("nodes.")),
          len(win.doc.graph.nodes), win.device_combo.currentText(), flush=True)
    msgs, done = [], []
    win.statusBar().messageChanged.connect(msgs.append)
    win.run_finished.connect(lambda *a: done.append(a))
    assert win.runs.run_graph()
    t0 = time.monotonic()
    while not done and time.monotonic() - t0 < 120:
        app.processEvents()
        time.sleep(0.01)
    print("RAN", bool(done), "loading the engine…" in msgs, "torch" in sys.modules, flush=True)
    on_gui = sorted(m for m, t in Where.seen.items() if t == threading.main_thread().name)
    print("GUI_THREAD_IMPORTS", on_gui, "torch" in Where.seen, flush=True)
    win.doc.undo_stack.setClean()
    win.close()
''')


def test_window_opens_without_the_engine_and_the_first_run_loads_it(tmp_path, monkeypatch):
    from studio.core import builtin_nodes
    from studio.core.registry import Registry
    from tests.reliability.test_runs import _chain
    gp = tmp_path / "chain.json"
    gp.write_text(json.dumps(_chain(4, "out.mp4")))
    env = {**os.environ, "STUDIO_CACHE_DIR": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    # a cold start writes the manifest: done here as default_registry() does it (a second Python
    # importing torch and every node module only to write it cost 2-3 s)
    monkeypatch.setenv("STUDIO_CACHE_DIR", env["STUDIO_CACHE_DIR"])
    cold = Registry()
    cold.register_module(builtin_nodes)
    cold.discover("nodes", use_manifest=True)
    assert not cold.load_errors and os.listdir(env["STUDIO_CACHE_DIR"])
    p = subprocess.run([sys.executable, "-c", CHILD, str(gp)], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    lines = {ln.split()[0]: ln for ln in p.stdout.splitlines() if ln.startswith(("SHOWN", "RAN", "GUI_THREAD"))}
    assert lines.get("SHOWN") == "SHOWN False [] 4 auto", (lines, p.stderr[-2000:])
    assert lines.get("RAN") == "RAN True True True", (lines, p.stderr[-2000:])
    # issue 25: the first run loads torch and the node modules on another thread, never the GUI's
    assert lines.get("GUI_THREAD_IMPORTS") == "GUI_THREAD_IMPORTS [] True", (lines, p.stderr[-2000:])
    assert (tmp_path / "out.mp4").stat().st_size > 0
