"""The families' ComfyUI mappings (nodes/video_models/families/<key>/comfy.py) found by the converter's
registry: every node type belongs to one family, and no family's node type or generator id is written in
the generic converter (studio/convert), which asks the registry instead."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import types

import pytest

from studio.convert import api
from studio.convert.families import registry as comfy_registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONVERT = os.path.join(ROOT, "studio", "convert")


def _declared() -> dict[str, str]:
    """Every node type and generator id a registered mapping declares -> the family's key."""
    out = {}
    for m in comfy_registry.mappings():
        for name in comfy_registry.node_types(m):
            out[name] = m.key
        for t in m.tasks.values():
            if t.generator and t.generator not in (api.I2V, api.T2V):  # the generic generators
                out[t.generator] = m.key
        for g in m.generators:
            out[g.id] = m.key
    return out


def _literals(path: str) -> list[tuple[int, str]]:
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_the_registry_finds_every_family_mapping_in_its_folder():
    keys = {m.key for m in comfy_registry.mappings()}
    assert {"wan", "wan_s2v", "wan_animate2", "wan_scail", "ltx", "ltx2", "hunyuan", "hunyuan15", "svd", "kandinsky5",
            "minimax_h3", "seedvr2", "not_read"} <= keys
    assert comfy_registry.lookup("tasks")["WanImageToVideo"].generator == api.I2V
    assert comfy_registry.generator("video_models.wan_vace").describe({"video"}, {}) == "VACE video (video)"


def test_no_family_name_is_written_in_the_generic_converter():
    """A literal equal to a node type or generator id that a family's mapping declares, in studio/convert's
    source, is a second home for that family's knowledge: it belongs in the family's comfy.py."""
    declared = _declared()
    found = []
    for name in sorted(os.listdir(CONVERT)):
        if name.endswith(".py"):
            found += [f"studio/convert/{name}:{line} '{v}' ({declared[v]})" for line, v in
                      _literals(os.path.join(CONVERT, name)) if v in declared]
    assert not found, "\n".join(found)


def test_every_node_type_belongs_to_one_family():
    seen: dict[str, str] = {}
    twice = []
    for m in comfy_registry.mappings():
        for name in comfy_registry.node_types(m):
            if name in seen:
                twice.append(f"{name}: {seen[name]} and {m.key}")
            seen[name] = m.key
    assert not twice, twice


def test_a_node_type_declared_by_two_families_is_refused():
    wan = next(m for m in comfy_registry.mappings() if m.key == "wan")
    with pytest.raises(ValueError, match="WanImageToVideo"):
        comfy_registry.register(api.ComfyMapping(key="copy", tasks={"WanImageToVideo": wan.tasks["WanImageToVideo"]}))
    assert "copy" not in {m.key for m in comfy_registry.mappings()}


def test_the_packages_searched_are_a_setting(monkeypatch):
    """Discovery imports <package>.<sub>.comfy by name: pointed at another package, it finds that one's."""
    pkg, sub, comfy = (types.ModuleType(n) for n in ("planted_fams", "planted_fams.one", "planted_fams.one.comfy"))
    pkg.__path__, sub.__path__ = [], []
    comfy.MAPPING = api.ComfyMapping(key="one", tasks={"PlantedToVideo": api.Task("image to video", api.I2V)})
    for m in (pkg, sub, comfy):
        monkeypatch.setitem(sys.modules, m.__name__, m)
    monkeypatch.setattr(comfy_registry.pkgutil, "iter_modules", lambda path: [types.SimpleNamespace(name="one",
                                                                                                   ispkg=True)])
    monkeypatch.setattr(comfy_registry.importlib.util, "find_spec", lambda name: name in sys.modules or None)
    monkeypatch.setattr(comfy_registry, "PACKAGES", ("planted_fams",))
    monkeypatch.setattr(comfy_registry, "MODULES", ())
    comfy_registry.reset()
    try:
        assert [m.key for m in comfy_registry.mappings()] == ["one"]
        assert set(comfy_registry.lookup("tasks")) == {"PlantedToVideo"}
    finally:
        monkeypatch.undo()
        comfy_registry.reset()
    assert "wan" in {m.key for m in comfy_registry.mappings()}


def test_the_models_studio_does_not_run_are_a_mapping_in_nodes(monkeypatch):
    """Their task nodes and file names come from a module named in the MODULES setting (in nodes, beside the
    catalog's not_read.py), not from the converter: without it, the converter knows none of them."""
    from studio.convert.tracing.tasks import family, tasks
    assert "nodes.video_models.catalog.comfy_not_read" in comfy_registry.MODULES
    theirs = next(m for m in comfy_registry.mappings() if m.key == "not_read")
    assert theirs.tasks and all(t.generator is None and t.cannot for t in theirs.tasks.values())
    named = theirs.files[:1]  # a file name of a model not run (none since Cosmos and Mochi are read: issue 72)
    for name, title in named:
        assert family(f"{name}_1.0.safetensors", None, []) == title
    monkeypatch.setattr(comfy_registry, "MODULES", ())
    comfy_registry.reset()
    try:
        assert not set(theirs.tasks) & set(tasks())
        for name, _ in named:
            assert family(f"{name}_1.0.safetensors", None, []) == "an unrecognised model"
    finally:
        monkeypatch.undo()
        comfy_registry.reset()
    assert set(theirs.tasks) <= set(tasks())


def test_the_family_hooks_use_the_builder_through_its_declared_surface():
    """Every member of the builder a family's hooks read or call (``b.<name>``) is declared on api.Builder."""
    declared = set(api.Builder.__annotations__) | {k for k in vars(api.Builder) if not k.startswith("_")}
    families = os.path.join(ROOT, "nodes", "video_models", "families")
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(families)  # a wing's reading too (wan/talk/)
                   for f in names if f.startswith("comfy") and f.endswith(".py"))
    files.append(os.path.join(ROOT, "nodes", "finishing", "seedvr2", "comfy.py"))
    undeclared = set()
    for path in files:
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        undeclared |= {f"{os.path.relpath(path, ROOT)}: b.{n.attr}" for n in ast.walk(tree)
                       if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "b"
                       and n.attr not in declared}
    assert len(files) > 10 and not undeclared, sorted(undeclared)


def test_the_families_whose_separate_files_are_read_are_named_from_their_mappings():
    """The sentence saying whose text encoder and VAE files Load Video Model reads names each family that
    declares a CLIPLoader type, a DualCLIPLoader type or a text-encoder loader of its own, in the ranks they
    declare: a new family declaring one is named without a word of the converter changed."""
    ms = comfy_registry.mappings()
    said = comfy_registry.lookup("separate")
    assert set(said) == {m.title for m in ms if m.text_types or m.dual_types or m.text_loaders} and len(said) >= 5
    ranks = [next(m.rank for m in ms if m.title == t) for t in said]
    assert ranks == sorted(ranks)
    try:
        comfy_registry.register(api.ComfyMapping(key="planted", title="Planted", text_types=("planted",), rank=0))
        assert comfy_registry.lookup("separate")[0] == "Planted"
        assert comfy_registry.lookup("text_types")[-1] == "planted"
    finally:
        comfy_registry.reset()
    assert "Planted" not in comfy_registry.lookup("separate")
    assert comfy_registry.lookup("experts")  # a family's model of two experts, named where one file is taken


def test_loading_every_mapping_imports_neither_numpy_nor_torch():
    """The converter and its mappings are plain data and stdlib (main.py convert, the app's import of a
    workflow): a mapping reads a fact of its model's code (a frame rate...) from a light module that code
    imports too, never the model's code itself. Run in a fresh interpreter, as nothing else is imported there."""
    code = ("import sys, studio.convert.mapping.convert, studio.convert.families.registry as r; n = len(r.mappings()); "
            "print(n, ','.join(m for m in ('numpy', 'torch') if m in sys.modules) or '-')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found, heavy = done.stdout.split()
    assert int(found) >= 12 and heavy == "-", done.stdout


def test_converting_a_clip_generator_with_a_warm_manifest_imports_no_node_module(tmp_path, monkeypatch):
    """A generator's declared clip ports (its 'frames' 0 and 'fps' 0 follow its 'video') are read from the node
    manifest (NodeSpec.clip_ports), not from its class: converting a Wan VACE workflow whose clip is picked, counted
    and its rate given (count9's readings) imports no node module and no numpy once the manifest is written (a first
    version read spec.cls, importing the generators' modules and numpy in every conversion: +0.3 s a file)."""
    import json
    import textwrap
    from studio.core import builtin_nodes
    from studio.core.registry import Registry
    from tests.convert.test_comfy_count9 import _vace
    wf = tmp_path / "vace.json"
    wf.write_text(json.dumps(_vace(("ImageFromBatch", {"batch_index": 0, "length": 81}), ("GetImageSizeAndCount", 3))))
    env = {**os.environ, "STUDIO_CACHE_DIR": str(tmp_path / "cache")}
    monkeypatch.setenv("STUDIO_CACHE_DIR", env["STUDIO_CACHE_DIR"])
    cold = Registry()
    cold.register_module(builtin_nodes)
    cold.discover("nodes", use_manifest=True)  # the manifest, as a first start writes it
    assert not cold.load_errors
    code = textwrap.dedent(f'''
        import sys
        from studio.convert.mapping.file import convert_file
        conv = convert_file({str(wf)!r})
        gen = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_vace"]
        print(len(gen), sorted(m for m in sys.modules if m.startswith("nodes.") and ".sampling" in m or m == "numpy"))
    ''')
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.split("\n")[0] == "1 []", p.stdout
