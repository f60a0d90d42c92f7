"""The node manifest cache: a warm start reads node declarations from JSON and imports no node
module (nor torch) until a node's class is needed; a changed node file, a broken manifest or a
declaration that JSON cannot hold exactly falls back to importing, as before."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from studio.core import manifest
from studio.core.manifest import LazyNodeSpec, same_spec
from studio.core.registry import Registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

NODE_SRC = textwrap.dedent('''
    from studio.core.params import Choice, Float, Int, Seed, String
    from studio.core.spec import FRAME, In, Node, Out

    class Gain(Node):
        id = "test.gain"
        title = "Gain"
        category = "Test"
        legacy_ids = ("old.gain",)
        timing = FRAME
        inputs = (In("video", "Video"),)
        outputs = (Out("video", "Video"),)
        params = (Float("gain", 1.5, min=0.0, max=4.0), Int("n", 3, min=1, max=9),
                  Choice("mode", "a", choices=("a", "b")), String("note", "hé"), Seed("seed"))

        def frame(self, ctx, i, video):
            return video * ctx.params.gain
''')


@pytest.fixture
def pkg(tmp_path, monkeypatch):
    """A node package of its own (a unique name, so modules never clash) and a cache folder."""
    name = f"mf_nodes_{uuid.uuid4().hex[:8]}"
    root = tmp_path / "src" / name
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "gain.py").write_text(NODE_SRC)
    (root / "helpers.py").write_text("X = 1\n")  # no nodes: never imported on a warm start
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    yield name, root
    for m in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[m]


def _forget(name: str) -> None:
    for m in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[m]


def _touch(path, text: str) -> None:
    st = os.stat(path)
    path.write_text(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_warm_start_reads_the_manifest_and_imports_a_node_only_when_its_class_is_needed(pkg):
    name, _ = pkg
    cold = Registry()
    assert cold.discover(name, use_manifest=True) == 1
    eager = cold.get("test.gain")
    assert not isinstance(eager, LazyNodeSpec)
    assert os.listdir(manifest.cache_dir())  # written
    _forget(name)

    warm = Registry()
    assert warm.discover(name, use_manifest=True) == 1
    spec = warm.get("old.gain")  # legacy ids resolve from the manifest too
    assert isinstance(spec, LazyNodeSpec) and not spec.loaded
    assert same_spec(spec, eager)  # every declared field, parameters included, read back exactly
    assert spec.param("mode").choices == ("a", "b") and spec.defaults()["note"] == "hé"
    assert spec.coerce_params({"n": 9}) == {**eager.defaults(), "n": 9}
    assert f"{name}.gain" not in sys.modules and f"{name}.helpers" not in sys.modules

    import dataclasses
    changed = dataclasses.replace(spec, cacheable=False)  # as distributed/chunk.py does
    assert changed.cacheable is False and changed.title == "Gain" and changed.params == spec.params

    cls = spec.cls  # the node's module is imported now, once
    assert f"{name}.gain" in sys.modules and cls.id == "test.gain" and spec.cls is cls
    import numpy as np

    from studio.core.spec import Params

    class Ctx:
        params = Params(gain=2.0)
    assert cls().frame(Ctx, 0, video=np.ones(2))[0] == 2.0


def test_a_changed_node_file_or_a_broken_manifest_rebuilds_it(pkg):
    name, root = pkg
    Registry().discover(name, use_manifest=True)
    _forget(name)
    _touch(root / "gain.py", NODE_SRC.replace('title = "Gain"', 'title = "Gain 2"'))
    r = Registry()
    r.discover(name, use_manifest=True)
    assert r.get("test.gain").title == "Gain 2" and not isinstance(r.get("test.gain"), LazyNodeSpec)
    _forget(name)
    r = Registry()
    r.discover(name, use_manifest=True)
    assert isinstance(r.get("test.gain"), LazyNodeSpec) and r.get("test.gain").title == "Gain 2"

    (path,) = [os.path.join(manifest.cache_dir(), f) for f in os.listdir(manifest.cache_dir())]
    for bad in ("{not json", json.dumps({"format": 1, "package": name, "modules": []}), "[]"):
        with open(path, "w") as f:
            f.write(bad)
        _forget(name)
        r = Registry()
        assert r.discover(name, use_manifest=True) == 1 and not r.load_errors
        assert not isinstance(r.get("test.gain"), LazyNodeSpec)  # imported, then rewritten
    data = json.load(open(path))
    data["modules"][0]["specs"][0]["params"][0]["class"] = "os.system"  # never a class outside the list
    json.dump(data, open(path, "w"))
    _forget(name)
    r = Registry()
    r.discover(name, use_manifest=True)
    assert not isinstance(r.get("test.gain"), LazyNodeSpec) and r.get("test.gain").params[0].default == 1.5


def test_declarations_json_cannot_hold_are_imported_and_import_errors_are_still_reported(pkg):
    name, root = pkg
    (root / "odd.py").write_text(textwrap.dedent('''
        from dataclasses import dataclass
        from studio.core.params import Param
        from studio.core.spec import Node, Out

        @dataclass(frozen=True)
        class Mine(Param):
            pass

        class Odd(Node):
            id = "test.odd"
            outputs = (Out("video", "Video"),)
            params = (Mine("x", 1),)
    '''))
    Registry().discover(name, use_manifest=True)
    _forget(name)
    r = Registry()
    r.discover(name, use_manifest=True)
    assert isinstance(r.get("test.gain"), LazyNodeSpec)
    assert not isinstance(r.get("test.odd"), LazyNodeSpec) and f"{name}.odd" in sys.modules

    (root / "broken.py").write_text("raise RuntimeError('no such library')\n")
    for _ in range(2):  # no manifest is written while a module fails: it is reported every time
        _forget(name)
        r = Registry()
        r.discover(name, use_manifest=True)
        assert [m for m, _ in r.load_errors] == [f"{name}.broken"]
        assert "no such library" in r.load_errors[0][1]


def test_a_node_module_gone_since_the_manifest_says_so_by_name(pkg):
    name, root = pkg
    Registry().discover(name, use_manifest=True)
    _forget(name)
    spec = Registry()
    spec.discover(name, use_manifest=True)
    lazy = spec.get("test.gain")
    (root / "gain.py").write_text("raise ImportError('gone')\n")
    with pytest.raises(manifest.NodeLoadError, match=r"'Gain' \(test.gain\).*gone"):
        lazy.cls


def test_validate_and_a_warm_registry_import_neither_torch_nor_node_modules_and_a_render_still_runs(tmp_path,
                                                                                                 monkeypatch):
    """The real node packages: the manifest built as a first start's default_registry() builds it (here:
    a second Python importing torch and every node module only to write it cost 2-3 s), then a fresh
    interpreter validates a graph from it without torch, then renders it (its nodes load lazily)."""
    from studio.core import builtin_nodes
    from studio.core.registry import Registry
    from tests.reliability.test_runs import _chain
    gp = tmp_path / "chain.json"
    gp.write_text(json.dumps(_chain(5, "out.mp4")))
    env = {**os.environ, "STUDIO_CACHE_DIR": str(tmp_path / "cache")}
    monkeypatch.setenv("STUDIO_CACHE_DIR", env["STUDIO_CACHE_DIR"])
    cold = Registry()
    cold.register_module(builtin_nodes)
    cold.discover("nodes", use_manifest=True)
    assert not cold.load_errors and os.listdir(env["STUDIO_CACHE_DIR"])
    warm = textwrap.dedent(f'''
        import sys
        from studio.cli import main
        assert main(["validate", {str(gp)!r}]) == 0
        print("AFTER-VALIDATE", "torch" in sys.modules, sorted(m for m in sys.modules if m.startswith("nodes.")))
        assert main(["render", {str(gp)!r}]) == 0
        print("AFTER-RENDER", any(m.startswith("nodes.") for m in sys.modules))
    ''')
    p = subprocess.run([sys.executable, "-c", warm], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    lines = {ln.split()[0]: ln for ln in p.stdout.splitlines() if ln.startswith("AFTER")}
    assert lines["AFTER-VALIDATE"] == "AFTER-VALIDATE False []", lines
    assert lines["AFTER-RENDER"] == "AFTER-RENDER True"  # the render loaded its nodes (torch only if one needs it)
    assert (tmp_path / "out.mp4").stat().st_size > 0
