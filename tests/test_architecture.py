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
    """Every ``import`` and ``from`` of the headless files, as the import contract's one parse of
    each file found them (ic.scan, cached: the contract's tests read the same files)."""
    bad = []
    for path in _py_files():
        for rec in ic.scan(open(path, encoding="utf-8").read()).imports:
            names = list(rec[1]) if rec[0] == "import" else [rec[2]] if rec[0] == "from" and rec[2] else []
            for n in names:
                if n.split(".")[0] in QT or n.startswith("studio.ui"):
                    bad.append(f"{os.path.relpath(path, ROOT)}:{rec[-2]} imports {n}")
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
    """Layers import downwards only (scripts > cli > ui > distributed > nodes > engine > core), and
    inside studio/ui: scripts/shots > app > window > dialogs > panels > canvas | preview > document > base;
    inside studio/serve: cli > app > page > api | files > bridge > checks; the
    preview never imports the document, studio.ui never imports nodes but for the listed edges; no
    import cycles between modules of studio, at run time or with the type-only imports drawn in;
    NodeGraphQt only under studio/ui/canvas/; no private name reached across files but the listed
    ones; no file past its recorded size."""
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


def test_contract_keeps_the_scripts_above_the_product():
    """The screenshot scripts (scripts/shots) drive the window from above the app; the product
    (studio/, nodes/) never imports scripts."""
    g, third = _planted({"scripts/shots/walk.py": "from studio.ui.app import start\nx = 1\n",
                         "studio/ui/app.py": "start = 1\n",
                         "studio/core/a.py": "def f():\n    from scripts.shots.walk import x\n",
                         "nodes/generators/n.py": "import scripts.shots.walk\n"})
    bad = ic.check(g, third)
    assert len(bad) == 2, bad
    assert "studio/core/a.py:2" in bad[0] and "up a layer (studio.core is below scripts)" in bad[0], bad
    assert "nodes/generators/n.py:1" in bad[1] and "up a layer" in bad[1], bad


def test_contract_keeps_the_converter_below_nodes_through_its_door():
    """studio.convert sits below nodes: a family's ComfyUI mapping imports the converter's door
    (studio.convert.api), never its other modules; the converter never imports nodes."""
    g, third = _planted({"studio/convert/api.py": "X = 1\n",
                         "studio/convert/comfy_map.py": "from .api import X\n",
                         "studio/convert/comfy_tasks.py": "from nodes.video_models.families.wan import comfy\n",
                         "nodes/video_models/families/wan/comfy.py": "from studio.convert.api import X\n"
                                                                     "from studio.convert import api\n",
                         "nodes/video_models/families/ltx2/comfy.py": "from studio.convert.comfy_map import Y\n"})
    bad = ic.check(g, third)
    assert len(bad) == 2, bad
    assert "comfy_tasks.py:1" in bad[0] and "up a layer" in bad[0], bad
    assert "ltx2/comfy.py:1" in bad[1] and "only its door studio.convert.api" in bad[1], bad


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
                         "studio/ui/panels/palette.py": "from NodeGraphQt import NodeGraph\n",
                         "studio/ui/canvas/adapter.py": "from NodeGraphQt import NodeGraph\n"})
    bad = ic.check(g, third)
    assert "import cycle: studio.engine.a -> studio.engine.b" in bad  # a -> b -> a
    assert any("palette.py:1" in b and "NodeGraphQt" in b for b in bad)
    assert not any("adapter.py" in b for b in bad)


def test_contract_catches_cycles_inside_nodes_too():
    """The node packages are held to the same rule: six two-file circles hid there while the
    contract looked at studio/ only (issue 44), one of them through an import inside a function."""
    g, third = _planted({"nodes/video_models/resume/windows.py": "def f():\n    from ..sampling.sampler import g\n",
                         "nodes/video_models/sampling/sampler.py": "from ..resume.windows import ClipMaking\n",
                         "nodes/generators/c.py": "if TYPE_CHECKING:\n    from .d import D\n",
                         "nodes/generators/d.py": "from .c import C\n"})
    bad = ic.check(g, third)
    assert "import cycle: nodes.video_models.resume.windows -> nodes.video_models.sampling.sampler" in bad, bad
    assert "import cycle through type-only imports: nodes.generators.c -> nodes.generators.d" in bad, bad


def _tree(root, files: dict[str, str]):
    """Write ``files`` under ``root``, with an __init__.py in every folder (a real package tree)."""
    for rel, src in files.items():
        p = root / rel
        for d in [p.parent, *p.parent.parents]:
            if d == root:
                break
            d.mkdir(parents=True, exist_ok=True)
            (d / "__init__.py").touch()
        p.write_text(src)
    return ic.build_graph(root=str(root))


def test_contract_catches_circles_of_folders(tmp_path):
    """Inside every package, at every depth, its sub-packages and modules (its rooms) must not import
    each other in a circle, though no module imports itself around: a 3-room circle (two folders and
    a module, through an import under TYPE_CHECKING and one inside a function) and a 2-folder
    circle two floors down are each said with their rooms and one file:line per arrow."""
    g, third = _tree(tmp_path, {
        "studio/engine/a/one.py": "from ..b.two import T\n",
        "studio/engine/a/four.py": "F = 1\n",
        "studio/engine/b/two.py": "T = 1\n",
        "studio/engine/b/three.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from studio.engine.c import C\n",
        "studio/engine/c.py": "C = 1\ndef f():\n    from .a.four import F\n",
        "nodes/generators/deep/p/x.py": "from nodes.generators.deep.q.y import Y\n",
        "nodes/generators/deep/p/w.py": "W = 1\n",
        "nodes/generators/deep/q/y.py": "Y = 1\n",
        "nodes/generators/deep/q/z.py": "import nodes.generators.deep.p.w\n",
        "nodes/generators/flat/u.py": "from ..deep.p import w\n"})  # a chain, no circle
    assert not ic.cycles(g)  # no module imports itself around
    bad = [b for b in ic.check(g, third) if b.startswith("folder circle")]
    assert bad == [
        "folder circle in nodes/generators/deep/: p/ <-> q/ (p/ -> q/: nodes/generators/deep/p/x.py:1; "
        "q/ -> p/: nodes/generators/deep/q/z.py:1): move the piece that closes it to the floor it belongs on",
        "folder circle in studio/engine/: a/ <-> b/ <-> c.py (a/ -> b/: studio/engine/a/one.py:1; "
        "b/ -> c.py: studio/engine/b/three.py:3 (for types only); c.py -> a/: studio/engine/c.py:3): "
        "move the piece that closes it to the floor it belongs on"], bad
    kept = ic.folder_circle_problems(g, allowed={("nodes.generators.deep", frozenset({"p/", "q/"})): "a reason"})
    assert len(kept[0]) == 1 and "studio/engine/" in kept[0][0]
    assert [(c.package, c.rooms, why) for c, why in kept[1]] == [("nodes.generators.deep", ("p/", "q/"), "a reason")]


def test_a_cycle_of_two_sibling_modules_is_said_once_as_a_cycle(tmp_path):
    g, third = _tree(tmp_path, {"studio/engine/a.py": "from . import b\n", "studio/engine/b.py": "from . import a\n"})
    assert ic.check(g, third) == ["import cycle: studio.engine.a -> studio.engine.b"]


def test_contract_counts_type_only_imports_and_catches_their_cycles():
    """An import under TYPE_CHECKING is no run-time edge, but a circle it closes is a breach of its
    own kind (the canvas and its parts were one such 7-file circle)."""
    g, third = _planted({"studio/engine/c.py": "if TYPE_CHECKING:\n    from .d import D\nC = 1\n",
                         "studio/engine/d.py": "from .c import C\n",
                         "studio/engine/e.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                               "    from .c import C\n"})
    bad = ic.check(g, third)
    assert bad == ["import cycle through type-only imports: studio.engine.c -> studio.engine.d"], bad
    assert sum(e.type_only for es in g.values() for e in es) == 2
    assert not ic.cycles(ic.within(ic.runtime(g)))


def test_contract_forbids_the_ui_importing_nodes_but_the_listed_edges():
    g, third = _planted({"studio/ui/preview/values.py": "def f():\n    from nodes.encoders.audio import analyse\n",
                         "studio/ui/preview/pixels.py": "from nodes.motion.flowlib import flow_to_color\n",
                         "studio/ui/canvas/canvas.py": "from nodes.encoders.audio import x\n",
                         "nodes/encoders/audio.py": "analyse = x = 1\n",
                         "nodes/motion/flowlib.py": "flow_to_color = 1\n"})
    bad = ic.check(g, third)
    assert len(bad) == 2, bad
    assert "pixels.py:1" in bad[0] or "pixels.py:1" in bad[1]
    assert all("by their declarations" in b for b in bad)
    assert not any("values.py" in b for b in bad)  # a listed exception (ALLOWED)


def test_contract_catches_private_names_reached_across_files():
    src = ("from studio.ui.canvas import canvas\n"
           "from .helpers import _secret\n"                     # 2: another module's private
           "class Part:\n"
           "    def __init__(self, cv):\n"
           "        self.canvas = cv\n"
           "        self._mine = 1\n"                           # own: self._x
           "    def f(self, other: 'Part'):\n"
           "        self._helper()\n"
           "        other._mine += 1\n"                         # own: this file's private
           "        return self.canvas._by_model\n"             # 10: the canvas's private
           "    def _helper(self):\n"
           "        return getattr(self.canvas, '_by_view', None)\n"   # 12: the same, by name
           "def g(x):\n"
           "    return x.__class__, x._exit()\n")               # 14: a dunder is fine; _exit listed
    sources = {os.path.join(ROOT, "studio/ui/canvas/part.py"): src}
    found = ic.private_reach_ins("studio/ui/canvas/part.py", src)
    assert [(line, name) for line, name, _ in found] == [(2, "_secret"), (10, "_by_model"), (12, "_by_view"),
                                                         (14, "_exit")], found
    bad, kept = ic.reach_ins(sources, allowed={("studio/ui/canvas/part.py", "_exit"): "os._exit"})
    assert len(bad) == 3 and "part.py:10 self.canvas._by_model" in bad[1], bad
    assert kept == [("studio/ui/canvas/part.py:14 x._exit", "os._exit")]
    init = {os.path.join(ROOT, "studio/ui/__init__.py"): "from . import _refcount_guard\n"}
    assert ic.reach_ins(init, allowed={}) == ([], [])  # a package's own private module


def test_sizes_are_a_ratchet_not_a_cap(tmp_path):
    """A file may not grow past its record; a file with no record is only reported up to the cap;
    --update-sizes records the sizes (tests/file_sizes.json)."""
    records = {"studio/a.py": 600, "studio/b.py": 120}
    assert ic.size_problems({"studio/a.py": 600, "studio/b.py": 90, "studio/new.py": 799}, records) == []
    bad = ic.size_problems({"studio/a.py": 601, "studio/b.py": 120, "studio/new.py": 801}, records)
    assert len(bad) == 2 and "studio/a.py: 601 lines, grew past its record of 600" in bad[0], bad
    assert "studio/new.py: 801 lines, no record and over 800" in bad[1]
    (tmp_path / "studio").mkdir()
    (tmp_path / "nodes").mkdir()
    (tmp_path / "studio" / "x.py").write_text("a = 1\nb = 2\n")
    out = tmp_path / "sizes.json"
    assert ic.update_records(str(out), root=str(tmp_path)) == {"studio/x.py": 2}
    assert ic.read_records(str(out)) == {"studio/x.py": 2}


def test_ui_figures():
    """docs/architecture.md quotes these: no class in studio/ui over 40 methods, no cycles of either
    kind, no private reach-in that is not listed, studio.ui -> nodes only through listed edges."""
    f = ic.figures()
    assert f["largest_ui_class"][1] <= 40, f
    assert f["studio_cycles"] == 0 and f["type_only_cycles"] == 0, f
    assert f["folder_circles"] == [] and f["packages"] >= 40, f
    assert f["private_reach_ins"] == 0, f
    assert len(f["ui_to_nodes_all"]) == len(f["ui_to_nodes"]), f


# -- parts keep to their owner's declared door (studio/ui/canvas/api.py, studio/ui/window/api.py) --
def _protocol_members(path: str, cls: str) -> set[str]:
    tree = ast.parse(open(os.path.join(ROOT, path), encoding="utf-8").read())
    c = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    return {n.target.id for n in c.body if isinstance(n, ast.AnnAssign)} | \
        {n.name for n in c.body if isinstance(n, ast.FunctionDef)}


def _used_members(path: str, owner_attr: str) -> dict[str, int]:
    """Names a part uses on its owner: ``self.<owner_attr>.X``, or ``v.X`` where ``v`` is the
    owner (``v = self.<owner_attr>``, or the parameter named like it)."""
    tree = ast.parse(open(os.path.join(ROOT, path), encoding="utf-8").read())
    aliases = {owner_attr.lstrip("_")}
    for n in ast.walk(tree):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) \
                and ast.unparse(n.value) == f"self.{owner_attr}":
            aliases.add(n.targets[0].id)
    used: dict[str, int] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute):
            v = n.value
            if ast.unparse(v) == f"self.{owner_attr}" or (isinstance(v, ast.Name) and v.id in aliases):
                used.setdefault(n.attr, n.lineno)
    return used


CANVAS_PARTS = ["follow.py", "wire_drop.py", "wire_search.py", "badges.py", "annotations.py", "context_menu.py", "clipboard.py",
                "adapter.py"]
WINDOW_PARTS = ["files.py", "group_actions.py", "engine_loader.py", "layout.py", "first_frames.py"]
# studio/ui/window/run_feedback.py is left out here: issue 31 item 2 (a run-state model) rewrites
# it in another branch of this round; it joins WINDOW_PARTS when that lands.


def test_canvas_parts_use_only_the_canvas_api():
    door = _protocol_members("studio/ui/canvas/api.py", "CanvasApi")
    bad = [f"studio/ui/canvas/{f}:{line} uses canvas.{name}, which CanvasApi does not name"
           for f in CANVAS_PARTS
           for name, line in _used_members(f"studio/ui/canvas/{f}", "_canvas" if f == "adapter.py" else "canvas").items()
           if name not in door]
    assert not bad, "\n".join(bad)


def test_window_parts_use_only_the_window_api():
    door = _protocol_members("studio/ui/window/api.py", "WindowApi")
    bad = [f"studio/ui/window/{f}:{line} uses win.{name}, which WindowApi does not name"
           for f in WINDOW_PARTS for name, line in _used_members(f"studio/ui/window/{f}", "win").items()
           if name not in door]
    assert not bad, "\n".join(bad)


def test_the_door_check_sees_a_part_going_around_it(tmp_path, monkeypatch):
    part = tmp_path / "studio" / "ui" / "canvas" / "part.py"
    part.parent.mkdir(parents=True)
    part.write_text("class P:\n    def f(self):\n        cv = self.canvas\n        cv.doc\n        cv.node_graph\n"
                    "        return self.canvas.view_node('a'), cv.widget\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", str(tmp_path))
    used = _used_members("studio/ui/canvas/part.py", "canvas")
    assert set(used) == {"doc", "node_graph", "view_node", "widget"}
    monkeypatch.undo()
    door = _protocol_members("studio/ui/canvas/api.py", "CanvasApi")
    assert {"view_node", "widget"} - door == {"view_node", "widget"} and {"doc", "node_graph"} <= door


LONG_FUNCTION = 80  # lines
MOST_LONG_FUNCTIONS = 3  # issue 53: functions by their steps; issue 111: at most 3 over 80 lines
CONVERT_LONGEST = 60  # lines: no function of the converter runs longer (issue 111: studio/convert by its steps)


def long_functions(root: str = ROOT, tops=("studio", "nodes"), longest: int = LONG_FUNCTION) -> list[str]:
    """'path:line name (N lines)' of each function over ``longest`` lines in ``tops`` (folders)."""
    out = []
    for top in tops:
        for dp, _, fs in os.walk(os.path.join(root, top)):
            for f in fs:
                if f.endswith(".py"):
                    p = os.path.join(dp, f)
                    with open(p, encoding="utf-8") as fh:
                        functions = ic.scan(fh.read()).functions  # the import contract's one parse of the file
                    out += [f"{os.path.relpath(p, root)}:{line} {name} ({size} lines)"
                            for line, name, size in functions if size > longest]
    return out


def test_at_most_three_functions_run_over_80_lines(tmp_path):
    found = long_functions()
    assert len(found) <= MOST_LONG_FUNCTIONS, "split these by their steps:\n" + "\n".join(found)
    (tmp_path / "studio").mkdir()  # the count itself sees a long function
    (tmp_path / "studio" / "long.py").write_text("def f():\n" + "    x = 1\n" * 90)
    assert long_functions(str(tmp_path)) == ["studio/long.py:1 f (91 lines)"]


SERVE_LONGEST = 60  # lines: issue 111, the server in rooms (functions by their steps)
SERVE_TOP = {"__init__.py", "app.py", "cli.py"}  # the server's top: the rest lives in its rooms


def test_no_function_in_the_server_runs_over_60_lines(tmp_path):
    found = long_functions(tops=("studio/serve",), longest=SERVE_LONGEST)
    assert not found, "split these by their steps:\n" + "\n".join(found)
    (tmp_path / "studio" / "serve").mkdir(parents=True)  # the count itself sees a function of 61 lines
    (tmp_path / "studio" / "serve" / "long.py").write_text("async def f():\n" + "    x = 1\n" * 60)
    assert long_functions(str(tmp_path), ("studio/serve",), SERVE_LONGEST) == ["studio/serve/long.py:1 f (61 lines)"]


def test_the_server_keeps_a_small_top_and_its_rooms():
    """studio/serve's top holds a handful of modules (the application and its command); the rest is in
    its rooms (api, page, files, bridge, checks), each a package whose docstring says what it holds,
    each named in tests/import_contract.py's SERVE_LAYERS."""
    top = os.path.join(ROOT, "studio", "serve")
    modules = {f for f in os.listdir(top) if f.endswith(".py")}
    assert modules <= SERVE_TOP, f"modules at the server's top: {sorted(modules - SERVE_TOP)} belong in a room"
    rooms = sorted(d for d in os.listdir(top) if os.path.isfile(os.path.join(top, d, "__init__.py")))
    layered = {pkg.rpartition(".")[2] for layer in ic.SERVE_LAYERS for pkg in layer}
    assert set(rooms) <= layered, f"rooms without a floor in SERVE_LAYERS: {sorted(set(rooms) - layered)}"
    for room in rooms:
        doc = ast.get_docstring(ast.parse(open(os.path.join(top, room, "__init__.py"), encoding="utf-8").read()))
        assert doc and len(doc) > 200, f"studio/serve/{room}/__init__.py: say what the room holds"


def test_contract_keeps_the_servers_rooms_on_their_floors():
    """Inside studio/serve: the routes (page, api, files) may import the queue bridge and the checks; the
    bridge imports the checks only; the checks import no other room; the API and the files sit beside
    each other."""
    g, third = _planted({"studio/serve/checks/validate.py": "from studio.serve.bridge.records import X\n",
                         "studio/serve/api/prompt.py": "from ..checks import validate\nfrom ..bridge import records\n",
                         "studio/serve/bridge/records.py": "X = 1\ndef f():\n    from ..page import routes\n",
                         "studio/serve/page/routes.py": "R = 1\n",
                         "studio/serve/files/view.py": "from ..api.prompt import Refused\n"})
    bad = ic.check(g, third)
    assert len(bad) == 3, bad
    assert "checks/validate.py:1" in bad[0], bad
    assert "up a layer (studio.serve.checks is below studio.serve.bridge)" in bad[0], bad
    assert "bridge/records.py:3" in bad[1] and "up a layer" in bad[1], bad
    assert "files/view.py:1" in bad[2] and "beside each other" in bad[2], bad


def test_no_function_of_the_converter_runs_over_60_lines(tmp_path):
    """studio/convert is read by its steps: its builder's stages, the reader's graphs, each a function of at most
    CONVERT_LONGEST lines (a nested function counts on its own and inside the one around it)."""
    found = long_functions(tops=(os.path.join("studio", "convert"),), longest=CONVERT_LONGEST)
    assert not found, "split these by their steps:\n" + "\n".join(found)
    (tmp_path / "studio" / "convert" / "mapping").mkdir(parents=True)  # the scan sees one in a room
    (tmp_path / "studio" / "convert" / "mapping" / "long.py").write_text("def f():\n" + "    x = 1\n" * 60)
    assert long_functions(str(tmp_path), (os.path.join("studio", "convert"),), CONVERT_LONGEST) == \
        ["studio/convert/mapping/long.py:1 f (61 lines)"]


# -- one hook mechanism: diffusers' registry, torch's own hooks only with their reason ------------------
HOOK_REASON = "# Hook: torch's own, not diffusers' registry: "


def unexplained_torch_hooks(root: str = ROOT) -> list[str]:
    """Each ``x.register_*_hook(...)`` call (torch's module hooks) in nodes/ and studio/ without the
    reason comment (``HOOK_REASON`` and a reason) on one of the 3 lines above it, as 'path:line'."""
    import re
    name = re.compile(r"^register_\w+_hook$")  # HookRegistry.register_hook (diffusers') has no middle word
    out = []
    for top in ("nodes", "studio"):
        for dp, _, fs in os.walk(os.path.join(root, top)):
            for f in sorted(fs):
                if not f.endswith(".py"):
                    continue
                p = os.path.join(dp, f)
                with open(p, encoding="utf-8") as fh:
                    src = fh.read()
                lines = src.splitlines()
                for line, called in ic.scan(src).calls:  # the import contract's one parse of the file
                    if not name.match(called):
                        continue
                    above = [ln.strip() for ln in lines[max(0, line - 4):line - 1]]
                    if not any(ln.startswith(HOOK_REASON) and ln[len(HOOK_REASON):].strip() for ln in above):
                        out.append(f"{os.path.relpath(p, root)}:{line}")
    return sorted(out)


def test_every_torch_hook_says_why_it_is_not_a_registry_hook(tmp_path):
    found = unexplained_torch_hooks()
    assert not found, ("a hook on a module's forward goes through diffusers' HookRegistry (base/hooks.module_hook); "
                       f"where it cannot, say why in a '{HOOK_REASON}<why>' comment just above:\n" + "\n".join(found))
    (tmp_path / "nodes").mkdir()  # the scan itself sees an unexplained hook, and a reason one line too far up
    (tmp_path / "nodes" / "h.py").write_text(
        "def f(m, g):\n    h = m.register_forward_pre_hook(g)\n"
        f"    {HOOK_REASON}why\n    x = 1\n    y = 2\n    z = 3\n    torch.nn.modules.module.register_module_forward_hook(g)\n"
        f"    {HOOK_REASON}why\n    m.register_forward_hook(g)\n    m.register_hook(g, 'name')\n")
    assert unexplained_torch_hooks(str(tmp_path)) == ["nodes/h.py:2", "nodes/h.py:7"]
