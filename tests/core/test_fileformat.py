import copy
import json
import os
import random

import pytest

from studio.core.errors import GraphFileError
from studio.core.fileformat import (VERSION, graph_from_dict, graph_to_dict, load_graph,
                                    parse_graph_text, save_graph)
from studio.core.graph import Graph
from tests.helpers import chain_graph, registry

DEMO = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "graphs", "demo.json")


def test_round_trip_keeps_ids_params_modes_and_layout(tmp_path):
    g, ids = chain_graph()
    g.set_mode(ids[2], "bypass")
    g.set_title(ids[1], "First add")
    g.ui["positions"][ids[0]] = [10.5, -3.0]
    g.settings["seed"] = 1234
    p = tmp_path / "g.json"
    save_graph(g, str(p))
    h = load_graph(str(p), registry())
    assert list(h.nodes) == ids
    assert h.links == g.links
    assert h.nodes[ids[2]].mode == "bypass"
    assert h.nodes[ids[1]].title == "First add"
    assert h.nodes[ids[1]].params == g.nodes[ids[1]].params
    assert h.ui["positions"][ids[0]] == [10.5, -3.0]
    assert h.settings["seed"] == 1234
    assert graph_to_dict(h) == graph_to_dict(g)
    # a new node after load gets a fresh id
    assert h.add_node("test.const").id not in ids


def test_unknown_node_type_is_kept_as_placeholder_and_saved_back(tmp_path):
    doc = graph_to_dict(chain_graph()[0])
    doc["nodes"].append({"id": "x1", "type": "plugin.fancy", "params": {"k": [1, 2]}, "extra": "kept"})
    doc["links"].append({"from": ["n1", "value"], "to": ["x1", "in"]})
    g = graph_from_dict(doc, registry())
    ph = g.nodes["x1"]
    assert ph.is_placeholder and "plugin.fancy" in ph.error
    assert any("plugin.fancy" in str(e) for e in g.validate())
    out = graph_to_dict(g)
    saved = next(n for n in out["nodes"] if n["id"] == "x1")
    assert saved["extra"] == "kept" and saved["params"] == {"k": [1, 2]}
    assert {"from": ["n1", "value"], "to": ["x1", "in"]} in out["links"]


def test_newer_version_and_migration():
    doc = graph_to_dict(chain_graph()[0])
    doc["version"] = VERSION + 1
    with pytest.raises(GraphFileError, match="newer Studio"):
        graph_from_dict(doc, registry())
    old = graph_to_dict(chain_graph()[0])
    old["version"] = 0
    old["links"] = [[l["from"][0], l["from"][1], l["to"][0], l["to"][1]] for l in old["links"]]
    g = graph_from_dict(old, registry())
    assert len(g.links) == 3


def test_atomic_save_leaves_old_file_on_failure(tmp_path, monkeypatch):
    g, _ = chain_graph()
    p = tmp_path / "g.json"
    save_graph(g, str(p))
    before = p.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", boom)
    g.set_param("n2", "bias", 5.0)
    with pytest.raises(OSError):
        save_graph(g, str(p))
    assert p.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["g.json"]  # no temporary left behind


def test_demo_graph_loads_and_validates():
    g = load_graph(DEMO)
    assert g.validate() == []
    assert any(n.type_id == "io.save_video" for n in g.nodes.values())


def _mutations(base: dict, rng: random.Random):
    """Hundreds of malformed documents: truncated, wrong types, bad links, versions, huge numbers."""
    text = json.dumps(base)
    for k in range(60):  # truncated at random points
        yield "truncated", text[: rng.randrange(1, len(text) - 1)]
    junk = [None, 3, -1, 1.5, "x", [], {}, True, 10**400, "1" * 5000, [1, 2, 3], {"a": 1}]
    for k in range(160):
        d = copy.deepcopy(base)
        what = rng.choice(["top", "node", "param", "link", "version", "settings", "ui"])
        v = rng.choice(junk)
        if what == "top":
            d[rng.choice(["format", "nodes", "links", "settings", "ui"])] = v
        elif what == "node":
            n = rng.choice(d["nodes"])
            n[rng.choice(["id", "type", "params", "mode", "title", "device"])] = v
            if n.get("type") is None or n.get("type") == "":
                n["type"] = v if v not in (None, "") else 5
        elif what == "param":
            n = rng.choice(d["nodes"])
            key = rng.choice(list(n["params"]))
            n["params"][key] = rng.choice([v, 1e308 * 10 if False else 10**30, -10**30, "NaN", [1], {"x": 2}])
        elif what == "link":
            l = rng.choice(d["links"])
            choice = rng.randrange(5)
            if choice == 0:
                l["from"] = ["ghost", "value"]
            elif choice == 1:
                l["to"] = [l["to"][0], "nope"]
            elif choice == 2:
                l["from"] = v
            elif choice == 3:
                d["links"].append({"from": [d["nodes"][-1]["id"], "sum"], "to": [d["nodes"][1]["id"], "b"]})
            else:
                d["links"].append(copy.deepcopy(l))  # the same input twice
        elif what == "version":
            d["version"] = rng.choice([VERSION + 1, 99, -5, "1", None, 1.5, 10**30])
        elif what == "settings":
            d["settings"] = {"seed": rng.choice([-1, "a", 10**40, 1.5]), "device": rng.choice(["tpu", 3, "cpu"])}
        else:
            d["ui"] = rng.choice([{"positions": {"n1": ["a", 1]}}, {"positions": [1]}, 7,
                                  {"positions": {"n1": [float("1e400"), 0]}}])
        yield what, json.dumps(d)
    for bad in ["", "   ", "null", "[]", "42", '"str"', "{", '{"format": "studio-graph"}',
                '{"format": "studio-graph", "version": 1, "nodes": [{"id": "a", "type": "test.const", '
                '"params": {"value": NaN}}]}', "[" * 100000 + "]" * 100000, '{"a": Infinity}']:
        yield "literal", bad


def test_hundreds_of_malformed_files_each_give_a_load_error(tmp_path):
    base = graph_to_dict(chain_graph()[0])
    rng = random.Random(7)
    reg = registry()
    n_err = n_total = 0
    for what, text in _mutations(base, rng):
        n_total += 1
        try:
            g = parse_graph_text(text, reg, source="fuzz.json")
        except GraphFileError as e:
            n_err += 1
            assert "fuzz.json" in str(e) and len(str(e)) < 400, str(e)
            assert e.cause
            continue
        # the ones that load must be sound graphs
        g.topo_order()
        for n in g.nodes.values():
            if n.spec is not None:
                n.spec.coerce_params(n.params)
    assert n_total >= 230
    assert n_err >= 200, f"only {n_err} of {n_total} mutations were rejected"


def test_load_missing_empty_and_binary_files(tmp_path):
    with pytest.raises(GraphFileError, match="No such file"):
        load_graph(str(tmp_path / "nope.json"))
    (tmp_path / "empty.json").write_text("")
    with pytest.raises(GraphFileError, match="empty"):
        load_graph(str(tmp_path / "empty.json"))
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(GraphFileError, match="UTF-8"):
        load_graph(str(tmp_path / "bin.json"))


def test_loading_never_runs_code(tmp_path):
    marker = tmp_path / "pwned"
    doc = graph_to_dict(chain_graph()[0])
    doc["nodes"][0]["type"] = f"__import__('os').system('touch {marker}')"
    doc["nodes"][1]["params"]["bias"] = {"__class__": "os.system", "args": [f"touch {marker}"]}
    with pytest.raises(GraphFileError):
        graph_from_dict(doc, registry())
    assert not marker.exists()
