"""The import contract of Studio, checked the way import-linter checks one: a graph of which module
imports which (every ``import`` in the files, at the top or inside a function; those under
``if TYPE_CHECKING:`` are kept apart as type-only edges), then layers that may only import
downwards, modules that must not import each other, cycles (at run time, and with the type-only
imports drawn in), where a third-party package may be imported, and which private names
(``obj._name``) a file may reach in another file.

Hard rules: direction (layers, forbidden pairs, placement), cycles of both kinds, private
reach-ins across files (each exception listed with its reason). Sizes are a ratchet, not a cap: a
file may not grow past its recorded size (``tests/file_sizes.json``) unless the record changes in
the same commit (``python -m tests.import_contract --update-sizes``); a file with no record yet is
only reported, and fails above ``UNRECORDED_CAP`` lines.

``python -m tests.import_contract`` prints the contract's verdict and the figures of
docs/architecture.md.
"""
from __future__ import annotations

import ast
import functools
import json
import os
import sys
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Top to bottom: a module may import its own layer's modules and those below, never above.
# Siblings listed together in a tuple may not import each other.
STUDIO_LAYERS = [
    ("scripts",),  # run from the project folder (screenshots, walks); the product never imports them
    ("studio.cli",),
    ("studio.ui", "studio.serve"),  # the window and the server (ComfyUI's API): each a face of the queue
    ("studio.cluster",),  # the queue dispatched over a Ray cluster's workers (the server's and `queue run`'s)
    ("studio.distributed", "studio.queue"),
    ("nodes",),
    ("studio.convert",),  # below nodes: a family's ComfyUI mapping (nodes/.../families/<key>/comfy.py) uses its door
    ("studio.engine",),
    ("studio.core",),
]
UI_LAYERS = [
    ("scripts.shots",),  # the screenshot and walk scripts drive the window from above the app
    ("studio.ui.app",),
    ("studio.ui.window",),
    ("studio.ui.dialogs",),
    ("studio.ui.panels",),
    ("studio.ui.canvas", "studio.ui.preview"),   # beside each other: neither imports the other
    ("studio.ui.document",),
    ("studio.ui.worker", "studio.ui.project_paths", "studio.ui.theme", "studio.ui.text",
     "studio.ui._refcount_guard", "studio.ui"),
]
SERVE_LAYERS = [  # the rooms of `main.py serve` (studio/serve/__init__.py says what each holds)
    ("studio.serve.cli",),
    ("studio.serve.app",),     # the application, assembled from the routes of the rooms below
    ("studio.serve.page",),    # the web page's routes: they read the API's declarations and model lists
    ("studio.serve.api", "studio.serve.files"),  # ComfyUI's API, and the files: beside each other
    ("studio.serve.bridge",),  # the queue bridge: records, run messages, jobs, the worker
    ("studio.serve.checks",),  # validation and bounds: guards, bodies, validate, bounds, folders
]
FORBIDDEN = [  # (importer, imported, why)
    ("studio.ui.preview", "studio.ui.document", "the preview shows values; it never edits the document"),
    ("studio.ui", "nodes", "the window knows nodes by their declarations (the registry), never by their code"),
    ("studio.cli", "nodes", "the command line knows nodes by their declarations (the registry), never by their code"),
]
# (importer, package below) -> the package's one module that importer may use, its door (nodes' family
# ComfyUI mappings see the converter's typed surface; its builder, tables and walks stay its own)
DOORS = {("nodes", "studio.convert"): "studio.convert.api"}
ALLOWED = {  # (importer, imported) -> why this one edge of a FORBIDDEN pair is kept
    ("studio.ui.preview.record_panel", "nodes.encoders.record"):
        "the Record panel is the record node's live face: it drives the node's own recorder, device list "
        "and WAV writer while the user records (imported lazily: sounddevice is optional)",
    ("studio.ui.preview.values", "nodes.encoders.audio"):
        "the viewer's loudness, onset and beat strip is the Audio Features node's analysis, one "
        "implementation (imported lazily: it needs torch)",
}
ONLY_UNDER = {  # third-party package -> the only package that may import it
    "NodeGraphQt": "studio.ui.canvas",
    "aiohttp": "studio.serve",
}
# Folder circles: inside every package, its rooms (sub-packages and modules) must not import each
# other in a circle. (package, frozenset of its rooms) -> why this circle is kept for now.
FOLDER_CIRCLES_ALLOWED: dict[tuple[str, frozenset], str] = {}


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    path: str
    line: int
    type_only: bool = False  # under ``if TYPE_CHECKING:``: for annotations only

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.importer} imports {self.imported}" + \
            (" (for types only)" if self.type_only else "")


def module_name(path: str, root: str = ROOT) -> str:
    rel = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
    return rel[: -len(".__init__")] if rel.endswith(".__init__") else rel


def _type_checking_lines(nodes) -> set[int]:
    """Lines inside ``if TYPE_CHECKING:`` blocks (imports for annotations only); ``nodes``: a tree's
    nodes (``ast.walk``)."""
    out: set[int] = set()
    for n in nodes:
        if isinstance(n, ast.If):
            t = n.test
            name = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                for b in n.body:
                    out.update(range(b.lineno, (b.end_lineno or b.lineno) + 1))
    return out


@dataclass(frozen=True)
class Scan:
    """What the contract reads from one source, found in one parse and one walk of its tree
    (several checks and the figures read each file; each source is parsed once a process)."""
    imports: tuple      # ("import", names, line, types) | ("call", name, line, types) | ("from", level, module, names, line, types)
    privates: tuple     # (line, name, expression, from-import level or None, its module) not the file's own
    classes: tuple      # (class name, number of methods)
    functions: tuple = ()  # (line, name, number of lines) of every function (tests/test_architecture.py's long ones)
    calls: tuple = ()   # (line, called name) of every call of a ``register_*_hook`` (torch's module hooks)


@functools.lru_cache(maxsize=None)
def scan(source: str) -> Scan:
    nodes = list(ast.walk(ast.parse(source)))
    types_only, own = _type_checking_lines(nodes), _own_names(nodes)
    imports, privates, classes, functions, calls = [], [], [], [], []
    for n in nodes:
        t = getattr(n, "lineno", None) in types_only
        if isinstance(n, ast.Import):
            imports.append(("import", tuple(a.name for a in n.names), n.lineno, t))
        elif isinstance(n, ast.ImportFrom):
            imports.append(("from", n.level, n.module, tuple(a.name for a in n.names), n.lineno, t))
            privates += [(n.lineno, a.name, f"from {'.' * n.level}{n.module or ''} import {a.name}", n.level, n.module)
                         for a in n.names if _private(a.name)]
        elif isinstance(n, ast.Call):
            a0 = n.args[0] if n.args else None
            if (isinstance(a0, ast.Constant) and isinstance(a0.value, str)
                    and (getattr(n.func, "id", None) == "__import__" or getattr(n.func, "attr", None) == "import_module")):
                imports.append(("call", a0.value, n.lineno, t))  # __import__("x") / importlib.import_module("x")
            if getattr(n.func, "id", None) in ("getattr", "setattr", "hasattr") \
                    and len(n.args) >= 2 and isinstance(n.args[1], ast.Constant) and isinstance(n.args[1].value, str) \
                    and _private(n.args[1].value) and n.args[1].value not in own \
                    and not (isinstance(n.args[0], ast.Name) and n.args[0].id in ("self", "cls")):
                privates.append((n.lineno, n.args[1].value, ast.unparse(n), None, None))
        elif isinstance(n, ast.Attribute) and _private(n.attr) and n.attr not in own:
            if not (isinstance(n.value, ast.Name) and n.value.id in ("self", "cls")):
                privates.append((n.lineno, n.attr, ast.unparse(n), None, None))
        elif isinstance(n, ast.ClassDef):
            classes.append((n.name, sum(isinstance(x, (ast.FunctionDef, ast.AsyncFunctionDef)) for x in n.body)))
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append((n.lineno, n.name, n.end_lineno - n.lineno + 1))
        elif isinstance(n, ast.Call):
            name = getattr(n.func, "attr", getattr(n.func, "id", ""))
            if name.startswith("register_") and name.endswith("_hook"):
                calls.append((n.lineno, name))
    return Scan(tuple(imports), tuple(privates), tuple(classes), tuple(functions), tuple(calls))


def imports_of(source: str, module: str, is_package: bool = False) -> list[tuple[str, int, bool]]:
    """(imported module, line, for types only) for every import in ``source``, relative ones made
    absolute."""
    base = module if is_package else module.rpartition(".")[0]
    out = []
    for rec in scan(source).imports:
        if rec[0] == "import":
            _, names, line, t = rec
            out += [(a, line, t) for a in names]
        elif rec[0] == "call":
            out.append(rec[1:])
        else:
            _, level, module_, names, line, t = rec
            if level:
                parts = base.split(".")
                pkg = ".".join(parts[: len(parts) - (level - 1)])
                mod = f"{pkg}.{module_}" if module_ else pkg
            else:
                mod = module_ or ""
            # "from pkg import sub" imports the module pkg.sub when there is one: kept as both
            out.append((mod, line, t))
            out += [(f"{mod}.{a}", line, t) for a in names if a != "*"]
    return out


PACKAGES = ("studio", "nodes", "scripts")  # the code the contract reads: the product and its scripts


def read_sources(packages=PACKAGES, root: str = ROOT) -> dict[str, str]:
    """{path: source} of the Python files of ``packages``."""
    files: dict[str, str] = {}
    for pkg in packages:
        for d, _, fs in os.walk(os.path.join(root, pkg)):
            for f in sorted(fs):
                if f.endswith(".py"):
                    p = os.path.join(d, f)
                    with open(p, encoding="utf-8") as fh:
                        files[p] = fh.read()
    return files


def build_graph(packages=PACKAGES, root: str = ROOT, sources: dict[str, str] | None = None):
    """({module: [Edge]}, {module: [Edge to a third-party module]}) over the files of ``packages``
    (or the given {path: source} instead). Type-only edges are in the graph, marked."""
    files = dict(sources) if sources is not None else read_sources(packages, root)
    modules = {module_name(p, root): p for p in files}
    graph: dict[str, list[Edge]] = {m: [] for m in modules}
    third: dict[str, list[Edge]] = {m: [] for m in modules}
    for m, p in modules.items():
        for target, line, types in imports_of(files[p], m, p.endswith("__init__.py")):
            rel = os.path.relpath(p, root)
            if target in modules:
                if target != m:
                    graph[m].append(Edge(m, target, rel, line, types))
            elif target.split(".")[0] not in packages and not types:
                third[m].append(Edge(m, target, rel, line))
    return graph, third


def runtime(graph):
    """The graph without its type-only edges: what importing a module imports."""
    return {m: [e for e in es if not e.type_only] for m, es in graph.items()}


def within(graph, package: str = "studio"):
    """The modules of ``package`` and their edges among themselves."""
    return {m: [e for e in es if _in(e.imported, package)] for m, es in graph.items() if _in(m, package)}


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
    return [why for _, why in layer_breaches(graph, layers)]


def layer_breaches(graph, layers) -> list[tuple[Edge, str]]:
    """(edge, the line that says it) for each import against ``layers``."""
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
                out.append((e, f"{e}: up a layer ({a[1]} is below {b[1]})"))
            elif b[0] == a[0] and a[1] != b[1] and not (_in(e.imported, a[1]) or _in(m, b[1])):
                out.append((e, f"{e}: {a[1]} and {b[1]} sit beside each other and must not import each other"))
    return out


def forbidden_violations(graph, forbidden=FORBIDDEN, allowed=ALLOWED) -> list[str]:
    return [line for _, line in forbidden_breaches(graph, forbidden, allowed)]


def forbidden_breaches(graph, forbidden=FORBIDDEN, allowed=ALLOWED) -> list[tuple[Edge, str]]:
    """(edge, the line that says it) for each import of a forbidden pair not kept by ``allowed``."""
    return [(e, f"{e}: {why}") for m, edges in graph.items() for e in edges
            for src, dst, why in forbidden if _in(m, src) and _in(e.imported, dst)
            and (m, e.imported) not in allowed]


def door_breaches(graph, doors=None) -> list[tuple[Edge, str]]:
    """(edge, the line that says it) for each import of an importer of ``doors`` into its package below
    that is not of the package's door module."""
    doors = DOORS if doors is None else doors
    out = []
    for m, edges in graph.items():
        for e in edges:
            for (importer, package), door in doors.items():
                if not _in(m, importer) or not _in(e.imported, package) or _in(e.imported, door) \
                        or e.imported == package:
                    continue
                out.append((e, f"{e}: outside {package} only its door {door} is imported"))
    return out


def allowed_edges(graph, forbidden=FORBIDDEN, allowed=ALLOWED) -> list[tuple[Edge, str]]:
    """The edges of forbidden pairs kept by ``allowed``, with their reasons (for the report)."""
    return [(e, allowed[(m, e.imported)]) for m, edges in graph.items() for e in edges
            if (m, e.imported) in allowed and any(_in(m, a) and _in(e.imported, b) for a, b, _ in forbidden)]


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


# -- private names reached across files -----------------------------------------------------------
# (file, name) -> why that file may use that private name of something it does not define. A file's
# own privates (``self._x``, ``cls._x``, names it defines or assigns) are its business; a private
# reached on another object, imported from another module or read with getattr is a reach-in.
PRIVATE_ALLOWED = {
    ("nodes/video_models/families/ltx2/take_latent.py", "_denormalize_latents"): "diffusers: LTX-2's pipelines "
        "un-normalise their final latents there, before the decode or for output_type 'latent' (no public hook): the "
        "take's latents are kept for a later pass, the method put back after the call",
    ("nodes/video_models/families/kandinsky6/sr_node.py", "_tile_positions"): "diffusers: Kandinsky6SRPipeline's own "
        "tile grid (no public one); the Sampler's progress counts the tiles its call refines exactly as it cuts them",
    ("nodes/video_models/base/work.py", "_device_constructors"): "torch: the functions ``torch.device(...)`` as a "
        "context places on its device (no public list); the meta decode's counting mode places them itself, one "
        "mode between a call and its kernel instead of two",
    ("studio/ui/canvas/canvas.py", "_cursor_text"): "NodeGraphQt: the 'CTRL: Deselect Nodes' hint item of "
        "its view has no public API (hidden when the canvas loses focus; issue 35)",
    ("nodes/video_models/memory/modes.py", "_diffusers_hook"): "diffusers: the hook registry its offload and "
        "casting hooks hang on a module (no public query whether one is applied, or to remove it)",
    ("nodes/video_models/memory/plan.py", "_GO_LC_SUPPORTED_PYTORCH_LAYERS"): "diffusers: the layer kinds its "
        "layerwise casting stores in fp8 (no public list); the plan counts fp8 bytes by its rule (issue 73)",
    ("nodes/video_models/memory/plan.py", "_skip_layerwise_casting_patterns"): "diffusers: a model's own layers "
        "kept out of fp8 (the class attribute enable_layerwise_casting reads; no public getter)",
    ("nodes/video_models/memory/modes.py", "_hf_hook"): "accelerate: the hook its model offload puts on a module "
        "(no public query)",
    ("nodes/video_models/takes/vae_tiles.py", "_feat_map"): "diffusers: AutoencoderKLWan's causal cache of "
        "the frames before; a take decoded in time tiles keeps it across tiles (its _decode loop, run a tile at a "
        "time: no public API decodes part of a latent with the cache of the rest)",
    ("nodes/video_models/takes/vae_tiles.py", "_conv_idx"): "diffusers: AutoencoderKLWan's cache index, reset "
        "per latent frame as its own _decode does (as _feat_map)",
    ("nodes/video_models/families/ltx/decode.py", "_unpack_latents"): "diffusers: LTXPipeline's own unpacking of "
        "its token latent (output_type='latent') to [B, C, F, H, W], as its decode does it (no public twin)",
    ("nodes/video_models/families/ltx/decode.py", "_denormalize_latents"): "diffusers: LTXPipeline's own "
        "denormalising before its decode (as _unpack_latents)",
    ("nodes/video_models/families/ltx2/sound_drive.py", "_pack_audio_latents"): "diffusers: LTX2Pipeline's own "
        "packing of audio latents, as its prepare_audio_latents packs the audio_latents it is given (no public "
        "twin): the tokens 'sound: drive' holds clean are the pipeline's own",
    ("nodes/video_models/families/ltx2/sound_drive.py", "_normalize_audio_latents"): "diffusers: LTX2Pipeline's "
        "own normalising of audio latents (as _pack_audio_latents)",
    ("nodes/video_models/memory/speed.py", "_compiled_call_impl"): "torch: what nn.Module.compile() sets; the "
        "only way to tell a compiled module and to undo compile in place",
    ("nodes/video_models/base/guard.py", "_compiled_call_impl"): "torch: as in speed.py (Stop hooks are not "
        "put on compiled blocks: they would be traced into the graph)",
    ("nodes/video_models/memory/speed.py", "_check_attention_backend_requirements"): "diffusers: whether an "
        "attention backend is installed and usable here, before set_attention_backend fails mid-run",
    ("nodes/video_models/loading/load.py", "_execution_device"): "diffusers: the device a pipeline runs on "
        "under CPU offload (VideoModelRef.execution_device, the one place Studio asks it)",
    ("studio/distributed/local.py", "_exit"): "os._exit: a worker leaves without running its "
        "parent's atexit handlers (Python's documented way; there is no public twin)",
    ("scripts/shots/walk.py", "_exit"): "os._exit: the screenshot walk ends the process without "
        "Qt's teardown, which crashed at exit (Python's documented way)",
    ("studio/engine/memory.py", "_set_madvise_hugepage"): "numpy's switch for transparent huge pages "
        "has no public name (numpy documents it under numpy._core.multiarray)",
    ("nodes/generators/step.py", "_foreach_lerp_"): "torch._foreach_lerp_: the fused EMA update "
        "torch.optim uses itself; torch has no public name for it",
    ("nodes/generators/step.py", "_foreach_copy_"): "torch._foreach_copy_: as _foreach_lerp_",
    ("nodes/generators/checkpoint.py", "_device"): "torch.utils._device: the module behind `with "
        "torch.device(...)`; its cache of redirected factories can hold transformers' linspace wrapper",
    ("nodes/generators/checkpoint.py", "_device_constructors"): "torch: that cache (an lru_cache), "
        "rebuilt when it lacks the real torch.linspace; no public way to reset it",
    ("nodes/video_models/base/config_check.py", "_device"): "torch.utils._device: as in the checkpoint loader; "
        "a config is built on the meta device to check it, which that cache can break",
    ("nodes/video_models/base/config_check.py", "_device_constructors"): "torch: that cache (an lru_cache), "
        "rebuilt when it lacks the real torch.linspace; no public way to reset it",
    ("nodes/video_models/lora/loss.py", "_pack_latents"): "diffusers' LTXPipeline packs latents "
        "only through this static method; training must pack exactly as inference does",
    ("nodes/video_models/lora/loss.py", "_prepare_rotary_positional_embeddings"): "diffusers' "
        "CogVideoX pipeline makes its rotary embeddings only here; training must match inference",
    ("studio/ui/canvas/canvas.py", "_proxy_mode_threshold"): "NodeGraphQt: the zoom under which a "
        "node is drawn as a box has no setter (titles and ports stay readable on a fitted overview)",
    ("studio/ui/canvas/canvas.py", "_x_item"): "NodeGraphQt: the muted overlay's text has no setter "
        "(it says 'DISABLED'; Studio calls it mute)",
    ("studio/ui/canvas/canvas.py", "_scene_range"): "NodeGraphQt: the view's zoom is its scene range, "
        "with no public setter (Fit and zoom to a scale)",
    ("studio/ui/canvas/canvas.py", "_update_scene"): "NodeGraphQt: applies the scene range set above",
    ("studio/ui/preview/qimages.py", "_keep"): "a tag Studio puts on the QImages it makes: the numpy "
        "buffer they share, kept alive with them (QImage does not own it)",
    ("studio/distributed/local.py", "_processes"): "concurrent.futures gives no other handle to a "
        "pool's worker processes, which a stop must end",
    ("nodes/generators/nets.py", "_studio_params"): "a tag this file puts on torch optimisers: their "
        "parameters listed once, not per step",
    ("nodes/generators/step.py", "_compiled_call_impl"): "torch: Module.compile() sets it and gives no "
        "public way to undo it",
    ("nodes/video_models/base/guard.py", "_conv_forward"): "torch: the one method of a convolution that "
        "can be wrapped to split a large op into slices (the cancel guard checks between them)",
    ("nodes/video_models/lora/session.py", "_hf_peft_config_loaded"): "diffusers' flag that a PEFT "
        "adapter is loaded into a model (no public query)",
    ("nodes/video_models/lora/session.py", "_supports_gradient_checkpointing"): "diffusers' per-class "
        "flag for gradient checkpointing (no public query)",
    # issue 31, items 3 and 4: the training loop and the Plan (other branches of this round)
}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _own_names(nodes) -> set[str]:
    """Names a file defines (``nodes``: its tree's, ``ast.walk``): functions, classes, assigned
    names and arguments, and the attributes it sets on ``self`` or ``cls``."""
    own: set[str] = set()
    for n in nodes:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            own.add(n.name)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            own.add(n.id)
        elif isinstance(n, ast.arg):
            own.add(n.arg)
        elif isinstance(n, ast.alias) and n.asname:
            own.add(n.asname)
        elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) \
                and isinstance(n.value, ast.Name) and n.value.id in ("self", "cls"):
            own.add(n.attr)
    return own


def private_reach_ins(path: str, source: str) -> list[tuple[int, str, str]]:
    """(line, private name, the expression) for each private name ``source`` uses that is not its
    own: ``obj._name`` on something other than self/cls, ``from m import _name`` (a package's
    ``from . import _module`` in its __init__ is its own), ``getattr(obj, "_name")``."""
    is_init = os.path.basename(path) == "__init__.py"
    return sorted((line, name, expr) for line, name, expr, level, module in scan(source).privates
                  if not (is_init and level == 1 and module is None))


def reach_ins(sources: dict[str, str] | None = None, root: str = ROOT, allowed=PRIVATE_ALLOWED):
    """([breach lines], [(file:line expression, why) kept by ``allowed``])."""
    sources = read_sources(root=root) if sources is None else sources
    bad, kept = [], []
    for p, src in sources.items():
        rel = os.path.relpath(p, root).replace(os.sep, "/")
        for line, name, expr in private_reach_ins(p, src):
            why = allowed.get((rel, name))
            if why is None:
                bad.append(f"{rel}:{line} {expr}: reaches the private '{name}' of another file "
                           "(make it public, or list it in PRIVATE_ALLOWED with the reason)")
            else:
                kept.append((f"{rel}:{line} {expr}", why))
    return bad, kept


# -- sizes: a ratchet ----------------------------------------------------------------------------
SIZES_FILE = os.path.join(ROOT, "tests", "file_sizes.json")
SIZE_PACKAGES = PACKAGES
UNRECORDED_CAP = 800   # lines: a file with no record yet (a new one) fails only past this
SPLIT_HINT = 600       # lines: past this the report suggests a split (not a failure)


def line_counts(sources: dict[str, str] | None = None, root: str = ROOT) -> dict[str, int]:
    sources = read_sources(SIZE_PACKAGES, root) if sources is None else sources
    return {os.path.relpath(p, root).replace(os.sep, "/"): len(src.splitlines()) for p, src in sources.items()}


def read_records(path: str = SIZES_FILE) -> dict[str, int]:
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as fh:
        return {k: int(v) for k, v in json.load(fh).items()}


def size_problems(counts: dict[str, int], records: dict[str, int], cap: int = UNRECORDED_CAP) -> list[str]:
    """A file larger than its record, or a file with no record larger than ``cap``."""
    out = []
    for f, n in sorted(counts.items()):
        rec = records.get(f)
        if rec is not None and n > rec:
            out.append(f"{f}: {n} lines, grew past its record of {rec} (split it, or record the new size "
                       "in this commit: python -m tests.import_contract --update-sizes)")
        elif rec is None and n > cap:
            out.append(f"{f}: {n} lines, no record and over {cap} (split it)")
    return out


def update_records(path: str = SIZES_FILE, root: str = ROOT) -> dict[str, int]:
    counts = dict(sorted(line_counts(root=root).items()))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(counts, fh, indent=1)
        fh.write("\n")
    return counts


def check(graph=None, third=None, sources=None, counts=None, records=None) -> list[str]:
    """Every breach of the contract, as lines to print (empty when it holds). With ``graph`` given
    (planted tests), private names and sizes are checked only when ``sources`` / ``counts`` are."""
    planted = graph is not None
    if graph is None:
        sources = read_sources()
        graph, third = build_graph(sources=sources)
    run = runtime(graph)
    breaches = (layer_breaches(run, STUDIO_LAYERS) + layer_breaches(run, UI_LAYERS) + layer_breaches(run, SERVE_LAYERS)
                + forbidden_breaches(graph) + door_breaches(run))
    problems = [why for _, why in breaches] + placement_violations(third or {})
    run_cycles = cycles(run)  # studio, nodes and scripts alike
    problems += ["import cycle: " + " -> ".join(c) for c in run_cycles]
    problems += ["import cycle through type-only imports: " + " -> ".join(c)
                 for c in type_only_cycles(graph, run_cycles)]
    problems += folder_circle_problems(graph, said={e for e, _ in breaches})[0]
    if sources is not None:
        problems += reach_ins(sources)[0]
    if counts is None and not planted:
        counts = line_counts()
    if counts is not None:
        problems += size_problems(counts, read_records() if records is None else records)
    return problems


# -- folder circles ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FolderCircle:
    """Rooms of one package that import each other in a circle, and one import per arrow."""
    package: str                          # dotted: "studio.ui"
    rooms: tuple[str, ...]                # "canvas/" (a sub-package) or "theme.py" (a module)
    arrows: tuple[tuple[str, str, Edge], ...]  # (from room, to room, one import that draws it)

    def __str__(self) -> str:
        where = self.package.replace(".", "/") + "/"
        return (f"folder circle in {where}: {' <-> '.join(self.rooms)} ("
                + "; ".join(f"{a} -> {b}: {e.path}:{e.line}" + (" (for types only)" if e.type_only else "")
                            for a, b, e in self.arrows) + ")")


def _room(module: str, package: str, packages: set[str]) -> str | None:
    """The room of ``package`` that holds ``module``: its sub-package ("name/") or its module
    ("name.py"); None for the package itself (its __init__) and for modules outside it."""
    if not module.startswith(package + "."):
        return None
    head = package + "." + module[len(package) + 1:].split(".")[0]
    name = head.rpartition(".")[2]
    return name + "/" if head in packages else name + ".py"


def folder_circles(graph, said=frozenset()) -> list[FolderCircle]:
    """The circles among the rooms of every package of ``graph`` (every depth), drawn from every
    import (at the top, inside a function, under TYPE_CHECKING). An import that is part of a
    module cycle, or in ``said`` (the edges already reported: up a layer, a forbidden pair), is
    left out: each breach is said once (a circle of two sibling modules is their cycle)."""
    in_cycle = {m: i for i, c in enumerate(cycles(graph)) for m in c}
    packages = {m.rpartition(".")[0] for m in graph if "." in m}
    packages |= {".".join(p.split(".")[:k]) for p in list(packages) for k in range(1, p.count(".") + 1)}
    out = []
    for pkg in sorted(packages):
        rooms: dict[str, list[Edge]] = {}
        for m, es in graph.items():
            a = _room(m, pkg, packages)
            if a is None:
                continue
            rooms.setdefault(a, [])
            for e in sorted(es, key=lambda e: (e.path, e.line)):
                b = _room(e.imported, pkg, packages)
                if b is not None and b != a and e not in said \
                        and not (m in in_cycle and in_cycle[m] == in_cycle.get(e.imported)):
                    rooms[a].append(Edge(a, b, e.path, e.line, e.type_only))
        for comp in cycles(rooms):
            first: dict[tuple[str, str], Edge] = {}
            for a in comp:
                for e in rooms[a]:
                    if e.imported in comp:
                        first.setdefault((a, e.imported), e)
            arrows = tuple((a, b, graph_edge) for (a, b), graph_edge in sorted(first.items()))
            out.append(FolderCircle(pkg, tuple(comp), arrows))
    return out


def folder_circle_problems(graph, allowed=None,
                           said=frozenset()) -> tuple[list[str], list[tuple[FolderCircle, str]]]:
    """([breach lines], [(circle, why) kept by ``allowed``, FOLDER_CIRCLES_ALLOWED by default]);
    ``said``: as in :func:`folder_circles`."""
    allowed = FOLDER_CIRCLES_ALLOWED if allowed is None else allowed
    bad, kept = [], []
    for c in folder_circles(graph, said):
        why = allowed.get((c.package, frozenset(c.rooms)))
        if why is None:
            bad.append(str(c) + ": move the piece that closes it to the floor it belongs on")
        else:
            kept.append((c, why))
    return bad, kept


def type_only_cycles(graph, run_cycles=None) -> list[list[str]]:
    """The cycles among the modules of studio, nodes and scripts that appear once the type-only imports are
    drawn in."""
    run_cycles = cycles(runtime(graph)) if run_cycles is None else run_cycles
    return [c for c in cycles(graph) if c not in run_cycles]


def figures(root: str = ROOT) -> dict:
    """The figures docs/architecture.md quotes: the largest studio/ui file (lines) and class
    (methods), cycles, type-only imports, private reach-ins, studio.ui -> nodes edges."""
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
            for name, k in scan(src).classes:
                if k > big_class[1]:
                    big_class = (f"{rel}:{name}", k)
    sources = read_sources(root=root)
    graph, _ = build_graph(root=root, sources=sources)
    studio = within(graph)
    bad, kept = reach_ins(sources, root)
    circles_bad, circles_kept = folder_circle_problems(graph)
    return {"folder_circles": circles_bad, "folder_circles_kept": circles_kept,
            "packages": len({m.rpartition(".")[0] for m in graph if "." in m}),
            "largest_ui_file": big_file, "largest_ui_class": big_class,
            "studio_cycles": len(cycles(runtime(graph))),
            "type_only_cycles": len(type_only_cycles(graph)),
            "type_only_imports": sum(e.type_only for es in graph.values() for e in es),
            "studio_modules": len(studio), "modules": len(graph),
            "private_reach_ins": len(bad), "private_allowed": kept,
            "ui_to_nodes": [(e, why) for e, why in allowed_edges(graph)],
            "ui_to_nodes_all": [e for m, es in graph.items() if _in(m, "studio.ui")
                                for e in es if _in(e.imported, "nodes")]}


def report() -> int:
    bad = check()
    print("\n".join(bad) if bad else "import contract: kept")
    f = figures()
    print(f"import cycles among the {f['modules']} modules of studio, nodes and scripts: {f['studio_cycles']} "
          "at run time, "
          f"{f['type_only_cycles']} with the type-only imports drawn in")
    print(f"type-only imports (under TYPE_CHECKING) in studio, nodes and scripts: {f['type_only_imports']}")
    print(f"folder circles inside the {f['packages']} packages of studio, nodes and scripts (among the "
          f"sub-packages and modules of each, at every depth): {len(f['folder_circles'])}, "
          f"{len(f['folder_circles_kept'])} kept, each with its reason" + (":" if f["folder_circles_kept"] else ""))
    for c, why in f["folder_circles_kept"]:
        print(f"  {c}  -- {why}")
    print(f"private reach-ins across files: {f['private_reach_ins']} not listed, "
          f"{len(f['private_allowed'])} listed, each with its reason:")
    for where, why in f["private_allowed"]:
        print(f"  {where}  -- {why}")
    used = {(w.split(":")[0], why) for w, why in f["private_allowed"]}
    for (path, name), why in PRIVATE_ALLOWED.items():
        if (path, why) not in used:
            print(f"  {path} {name}: listed but no longer reached (remove it from PRIVATE_ALLOWED)")
    print(f"studio.ui -> nodes imports: {len(f['ui_to_nodes_all'])}, each a listed exception:"
          if len(f["ui_to_nodes_all"]) == len(f["ui_to_nodes"]) else
          f"studio.ui -> nodes imports: {len(f['ui_to_nodes_all'])}, {len(f['ui_to_nodes'])} listed:")
    pairs: dict[tuple[str, str, str], list[int]] = {}
    for e, why in f["ui_to_nodes"]:
        pairs.setdefault((e.path, e.imported, why), []).append(e.line)
    for (path, imported, why), lines in pairs.items():
        print(f"  {path}:{','.join(map(str, sorted(lines)))} imports {imported}  -- {why}")
    print(f"largest studio/ui file: {f['largest_ui_file'][0]} ({f['largest_ui_file'][1]} lines)")
    print(f"largest studio/ui class: {f['largest_ui_class'][0]} ({f['largest_ui_class'][1]} methods)")
    counts, records = line_counts(), read_records()
    grown = {k: (records[k], n) for k, n in counts.items() if k in records and n != records[k]}
    new = sorted(k for k in counts if k not in records)
    big = sorted(((n, k) for k, n in counts.items() if n > SPLIT_HINT), reverse=True)
    print(f"file sizes (ratchet, {os.path.relpath(SIZES_FILE, ROOT)}): {len(counts)} files, "
          f"{sum(n > records[k] for k, n in counts.items() if k in records)} over their record, "
          f"{len(new)} without one (cap {UNRECORDED_CAP})")
    for n, k in big:
        print(f"  {k}: {n} lines (past {SPLIT_HINT}: a split is due)")
    for k, (r, n) in sorted(grown.items()):
        print(f"  {k}: {n} lines, record {r}")
    for k in new:
        print(f"  {k}: {counts[k]} lines, no record yet")
    return 1 if bad else 0


if __name__ == "__main__":
    if "--update-sizes" in sys.argv[1:]:
        c = update_records()
        print(f"recorded the sizes of {len(c)} files in {os.path.relpath(SIZES_FILE, ROOT)}")
        sys.exit(0)
    sys.exit(report())
