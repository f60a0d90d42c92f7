"""The same workflow gives the same conversion, whatever ran before it in the process and whatever the machine holds:
a conversion opens its own file and reads no environment (no settings, models or caches of the machine's) once the
converter is loaded; an earlier conversion leaves nothing that changes a later one; and the caches made from the
families' mappings (packs/twins.py's) follow the mappings of now, not those of an earlier question (a test's planted
family, a reset to other packages: families.registry.derived)."""
from __future__ import annotations

import json
import os
import shutil
import sys

from studio.convert import api
from studio.convert.families import registry
from studio.convert.mapping.file import convert_file
from studio.convert.packs import twins
from studio.core.fileformat import graph_to_json

HERE = os.path.dirname(__file__)
WAN = os.path.join(HERE, "data", "wan21_t2v_api.json")
EXAMPLES = os.path.join(HERE, "data", "comfyui_examples")


def _kj(tmp_path) -> str:
    """The Wan 2.1 API workflow with its VAE loaded by KJNodes' VAELoaderKJ (a twin of VAELoader)."""
    with open(WAN, encoding="utf-8") as fh:
        wf = json.load(fh)
    vae = next(k for k, n in wf.items() if n["class_type"] == "VAELoader")
    wf[vae] = {"class_type": "VAELoaderKJ", "inputs": {"vae_name": wf[vae]["inputs"]["vae_name"], "device": "main_device",
                                                       "weight_dtype": "bf16"}}
    path = tmp_path / "kj.json"
    path.write_text(json.dumps(wf), encoding="utf-8")
    return str(path)


def _seen(path: str) -> tuple:
    c = convert_file(path)
    return c.pipelines, c.tasks, c.log, c.passed, c.dropped, graph_to_json(c.graph)


def test_a_twin_is_read_by_the_families_registered_now_not_by_those_an_earlier_question_found(tmp_path):
    """twin_of's answers (and the tables behind them) were cached for the process: asked once, a planted family
    reading VAELoaderKJ by its name did not stop it being read as VAELoader, and after a reset the answers made with
    the planted family stayed: one test's registry could change every later conversion of the run."""
    assert twins.twin_of("VAELoaderKJ") == ("VAELoader", {"vae_name": "vae_name"})  # asked: cached before
    kj = _kj(tmp_path)
    assert any("VAELoaderKJ" in line for line in convert_file(kj).log)  # its twin reading said
    try:
        registry.register(api.ComfyMapping(key="planted", passing={"VAELoaderKJ": ()}))
        assert twins.twin_of("VAELoaderKJ") is None  # a family reads it by its name now: never a twin
        assert "VAELoaderKJ" in twins._read()
    finally:
        registry.reset()
    assert "VAELoaderKJ" not in twins._read()
    assert twins.twin_of("VAELoaderKJ") == ("VAELoader", {"vae_name": "vae_name"})


def test_a_conversion_is_the_same_after_others_in_the_same_process(tmp_path):
    """Nothing a conversion leaves behind (a module's global, a cache) changes a later one."""
    kj = _kj(tmp_path)
    first = _seen(kj)
    for name in sorted(os.listdir(EXAMPLES)):
        if name.endswith(".json"):
            convert_file(os.path.join(EXAMPLES, name))
    convert_file(WAN)
    assert _seen(kj) == first


class _Environ(dict):
    """os.environ as a conversion sees it, each name it asks for recorded."""

    def __init__(self, real, asked: list):
        super().__init__(real)
        self.asked = asked

    def __getitem__(self, key):
        self.asked.append(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.asked.append(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.asked.append(key)
        return super().__contains__(key)


def test_a_conversion_reads_its_own_file_and_nothing_of_the_machines(tmp_path, monkeypatch):
    """Once the converter is loaded (its own data, the nodes' declarations), converting a workflow opens that file
    alone, lists no folder and asks no environment variable: no settings, models folder or cache of the machine's
    can make two conversions of one file differ."""
    src = _kj(tmp_path)
    convert_file(src)  # the converter loaded: its catalogue, tables and Studio's node declarations read
    copy = str(tmp_path / "again.json")
    shutil.copy(src, copy)
    opened, asked = [], []
    active = []
    # an audit hook stays for the process: it records only while this test converts
    sys.addaudithook(_hook(opened, active))
    monkeypatch.setattr(os, "environ", _Environ(os.environ, asked))
    active.append(True)
    try:
        convert_file(copy)
    finally:
        active.clear()
    assert [p for p in opened if not p.endswith((".pyc", ".py"))] == [copy], opened
    assert asked == [], asked


def _hook(opened: list, active: list):
    def hook(event, args):
        if active and event in ("open", "os.listdir", "os.scandir", "glob.glob") and args \
                and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(args[0]))
    return hook
