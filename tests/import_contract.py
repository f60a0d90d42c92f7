"""The import contract of Studio, checked the way import-linter checks one: a graph of which module
imports which (every ``import`` in the files, at the top or inside a function, but not the ones
under ``if TYPE_CHECKING:``), then layers that may only import downwards, modules that must not
import each other, cycles, and where a third-party package may be imported.

``python -m tests.import_contract`` prints the contract's verdict and the figures of
docs/architecture.md (largest file and class of studio/ui, import cycles in studio).
"""
from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Top to bottom: a module may import its own layer's modules and those below, never above.
# Siblings listed together in a tuple may not import each other.
STUDIO_LAYERS = [
    ("studio.cli",),
    ("studio.ui",),
    ("studio.distributed",),
    ("nodes",),
    ("studio.engine",),
    ("studio.core",),
]
UI_LAYERS = [
    ("studio.ui.shots",),
    ("studio.ui.app",),
    ("studio.ui.window",),
    ("studio.ui.dialogs",),
    ("studio.ui.panels",),
    ("studio.ui.canvas", "studio.ui.preview"),   # beside each other: neither imports the other
    ("studio.ui.document",),
    ("studio.ui.worker", "studio.ui.project_paths", "studio.ui.theme", "studio.ui.text",
     "studio.ui._refcount_guard", "studio.ui"),
]
FORBIDDEN = [  # (importer, imported, why)
    ("studio.ui.preview", "studio.ui.document", "the preview shows values; it never edits the document"),
]
ONLY_UNDER = {  # third-party package -> the only package that may import it
    "NodeGraphQt": "studio.ui.canvas",
}


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.importer} imports {self.imported}"


def module_name(path: str, root: str = ROOT) -> str:
    rel = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
    return rel[: -len(".__init__")] if rel.endswith(".__init__") else rel


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Lines inside ``if TYPE_CHECKING:`` blocks (imports for annotations only)."""
    out: set[int] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.If):
            t = n.test
            name = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                for b in n.body:
                    out.update(range(b.lineno, (b.end_lineno or b.lineno) + 1))
    return out


def imports_of(source: str, module: str, is_package: bool = False) -> list[tuple[str, int]]:
    """(imported module, line) for every import in ``source``, relative ones made absolute."""
    tree = ast.parse(source)
    skip = _type_checking_lines(tree)
    base = module if is_package else module.rpartition(".")[0]
    out = []
    for n in ast.walk(tree):
        if getattr(n, "lineno", None) in skip:
            continue
        if isinstance(n, ast.Import):
            out += [(a.name, n.lineno) for a in n.names]
        elif (isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Constant)
              and isinstance(n.args[0].value, str)
              and (getattr(n.func, "id", None) == "__import__" or getattr(n.func, "attr", None) == "import_module")):
            out.append((n.args[0].value, n.lineno))  # __import__("x") / importlib.import_module("x")
        elif isinstance(n, ast.ImportFrom):
            if n.level:
                parts = base.split(".")
                pkg = ".".join(parts[: len(parts) - (n.level - 1)])
                mod = f"{pkg}.{n.module}" if n.module else pkg
            else:
                mod = n.module or ""
            # "from pkg import sub" imports the module pkg.sub when there is one: kept as both
            out.append((mod, n.lineno))
            out += [(f"{mod}.{a.name}", n.lineno) for a in n.names if a.name != "*"]
    return out


def build_graph(packages=("studio", "nodes"), root: str = ROOT, sources: dict[str, str] | None = None):
    """{module: [Edge]} over the files of ``packages`` (or the given {path: source} instead)."""
    files: dict[str, str] = {}
    if sources is not None:
        files = dict(sources)
    else:
        for pkg in packages:
            for d, _, fs in os.walk(os.path.join(root, pkg)):
                for f in fs:
                    if f.endswith(".py"):
                        p = os.path.join(d, f)
                        with open(p, encoding="utf-8") as fh:
                            files[p] = fh.read()
    modules = {module_name(p, root): p for p in files}
    graph: dict[str, list[Edge]] = {m: [] for m in modules}
    third: dict[str, list[Edge]] = {m: [] for m in modules}
    for m, p in modules.items():
        for target, line in imports_of(files[p], m, p.endswith("__init__.py")):
            rel = os.path.relpath(p, root)
            if target in modules:
                if target != m:
                    graph[m].append(Edge(m, target, rel, line))
            elif target.split(".")[0] not in packages:
                third[m].append(Edge(m, target, rel, line))
    return graph, third


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _layer_of(module: str, layers) -> tuple[int, str] | None:
    """(index of the layer, the most specific package in it that holds ``module``)."""
    best = None
    for i, layer in enumerate(layers):
        for pkg in layer:
            if _in(module, pkg) and (best is None or len(pkg) > len(best[1])):
                best = (i, pkg)
    return best


def layer_violations(graph, layers) -> list[str]:
    out = []
    for m, edges in graph.items():
        a = _layer_of(m, layers)
        if a is None:
            continue
        for e in edges:
            b = _layer_of(e.imported, layers)
            if b is None:
                continue
            if b[0] < a[0]:
                out.append(f"{e}: up a layer ({a[1]} is below {b[1]})")
            elif b[0] == a[0] and a[1] != b[1] and not (_in(e.imported, a[1]) or _in(m, b[1])):
                out.append(f"{e}: {a[1]} and {b[1]} sit beside each other and must not import each other")
    return out


def forbidden_violations(graph, forbidden=FORBIDDEN) -> list[str]:
    return [f"{e}: {why}" for m, edges in graph.items() for e in edges
            for src, dst, why in forbidden if _in(m, src) and _in(e.imported, dst)]


def placement_violations(third, only_under=ONLY_UNDER) -> list[str]:
    return [f"{e}: {pkg} is imported only under {where}" for m, edges in third.items() for e in edges
            for pkg, where in only_under.items() if e.imported.split(".")[0] == pkg and not _in(m, where)]


def cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    succ = {m: sorted({e.imported for e in es}) for m, es in graph.items()}
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(succ[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(succ.get(w, []))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def check(graph=None, third=None) -> list[str]:
    """Every breach of the contract, as lines to print (empty when it holds)."""
    if graph is None:
        graph, third = build_graph()
    problems = layer_violations(graph, STUDIO_LAYERS) + layer_violations(graph, UI_LAYERS)
    problems += forbidden_violations(graph) + placement_violations(third or {})
    studio_only = {m: [e for e in es if _in(e.imported, "studio")] for m, es in graph.items() if _in(m, "studio")}
    problems += ["import cycle: " + " -> ".join(c) for c in cycles(studio_only)]
    return problems


def figures(root: str = ROOT) -> dict:
    """The sizes docs/architecture.md quotes: the largest studio/ui file (lines) and class (methods)."""
    big_file, big_class = ("", 0), ("", 0)
    for d, _, fs in os.walk(os.path.join(root, "studio", "ui")):
        for f in fs:
            if not f.endswith(".py"):
                continue
            p = os.path.join(d, f)
            with open(p, encoding="utf-8") as fh:
                src = fh.read()
            rel = os.path.relpath(p, root)
            n = len(src.splitlines())
            if n > big_file[1]:
                big_file = (rel, n)
            for c in ast.walk(ast.parse(src)):
                if isinstance(c, ast.ClassDef):
                    k = sum(isinstance(x, (ast.FunctionDef, ast.AsyncFunctionDef)) for x in c.body)
                    if k > big_class[1]:
                        big_class = (f"{rel}:{c.name}", k)
    graph, _ = build_graph()
    studio_only = {m: [e for e in es if _in(e.imported, "studio")] for m, es in graph.items() if _in(m, "studio")}
    return {"largest_ui_file": big_file, "largest_ui_class": big_class, "studio_cycles": len(cycles(studio_only)),
            "studio_modules": len(studio_only)}


if __name__ == "__main__":
    bad = check()
    print("\n".join(bad) if bad else "import contract: kept")
    f = figures()
    print(f"largest studio/ui file: {f['largest_ui_file'][0]} ({f['largest_ui_file'][1]} lines)")
    print(f"largest studio/ui class: {f['largest_ui_class'][0]} ({f['largest_ui_class'][1]} methods)")
    print(f"import cycles among the {f['studio_modules']} modules of studio: {f['studio_cycles']}")
    sys.exit(1 if bad else 0)
