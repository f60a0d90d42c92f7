"""Load+save loses nothing (issue 23): a seeded fuzz over every template (and a graph with a
group) adds unknown keys at every level (top level, settings, nodes, parameters, links, ui, a
group's inner graph and its 'group' field); what is saved equals what was loaded, up to
formatting. A non-finite number anywhere (1e999) is refused on load, naming node and parameter."""
from __future__ import annotations

import copy
import glob
import json
import os
import random

import pytest

from studio.core.errors import GraphFileError
from studio.core.fileformat import graph_to_dict, parse_graph_text
from studio.core.library import group_nodes
from studio.core.fileformat import load_graph

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATES = sorted(glob.glob(os.path.join(ROOT, "assets", "graphs", "*.json")))
CASES_PER_DOC = 12
SENTINEL = "@@NONFINITE@@"


def canonical_docs() -> list[dict]:
    docs = [graph_to_dict(load_graph(p)) for p in TEMPLATES]
    g = load_graph(os.path.join(ROOT, "assets", "graphs", "demo.json"))
    group_nodes(g, ["n2", "n3"], "inner")
    docs.append(graph_to_dict(g))
    return [json.loads(json.dumps(d)) for d in docs]


def junk(rng: random.Random, depth: int = 0):
    kind = rng.randrange(7 if depth < 3 else 5)
    if kind == 0:
        return rng.randint(-10**12, 10**12)
    if kind == 1:
        return rng.uniform(-1e300, 1e300)
    if kind == 2:
        return "".join(rng.choice("abc xyz-_/é{}%#") for _ in range(rng.randrange(12)))
    if kind == 3:
        return rng.choice([True, False, None])
    if kind == 4:
        return []
    if kind == 5:
        return [junk(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {f"k{rng.randrange(100)}": junk(rng, depth + 1) for _ in range(rng.randrange(4))}


def places(doc: dict) -> list[dict]:
    """Every object of the document a newer Studio could add a key to."""
    out = [doc, doc["settings"], doc.setdefault("ui", {"positions": {}})]
    for n in doc["nodes"]:
        out += [n, n["params"]]
        if "group" in n:
            out.append(n["group"])
            out += places(n["group"]["graph"])
    out += doc["links"]
    return out


def mutate(doc: dict, rng: random.Random) -> dict:
    doc = copy.deepcopy(doc)
    spots = places(doc)
    for _ in range(rng.randrange(1, 6)):
        spot = rng.choice(spots)
        key = rng.choice(["x_", "future_", "zz", "meta", "note"]) + str(rng.randrange(1000))
        spot[key] = junk(rng)
    if rng.random() < 0.3:
        doc["ui"]["positions"][f"ghost{rng.randrange(9)}"] = [rng.uniform(-9, 9), 0.5]
    return doc


@pytest.mark.parametrize("seed", range(3))
def test_unknown_keys_at_every_level_survive_load_and_save(seed):
    rng = random.Random(1234 + seed)
    n = 0
    for base in canonical_docs():
        for _ in range(CASES_PER_DOC // 3):
            doc = mutate(base, rng)
            text = json.dumps(doc, indent=rng.choice([None, 1]))
            saved = graph_to_dict(parse_graph_text(text))
            assert json.loads(json.dumps(saved)) == doc
            n += 1
    assert n >= 40


@pytest.mark.parametrize("seed", range(3))
def test_non_finite_numbers_are_refused_naming_node_and_parameter(seed):
    rng = random.Random(99 + seed)
    for base in canonical_docs():
        doc = copy.deepcopy(base)
        node = rng.choice(doc["nodes"])
        where = rng.choice(["param", "field", "setting", "ui"])
        if where == "param":
            node["params"]["gain_x"] = SENTINEL
            needle = [f"node '{node['id']}'", "parameter 'gain_x'"]
        elif where == "field":
            node["future"] = {"a": [1, SENTINEL]}
            needle = [f"node '{node['id']}'", "future"]
        elif where == "setting":
            doc["settings"]["strength"] = SENTINEL
            needle = ["setting 'strength'"]
        else:
            doc["ui"]["zoom"] = SENTINEL
            needle = ["ui.zoom"]
        number = rng.choice(["1e999", "-1e999", "1E400", "2e308"])
        text = json.dumps(doc).replace(json.dumps(SENTINEL), number)
        with pytest.raises(GraphFileError) as e:
            parse_graph_text(text)
        msg = str(e.value)
        assert all(n in msg for n in needle) and "not finite" in msg, msg
    for literal in ("NaN", "Infinity", "-Infinity"):
        doc = copy.deepcopy(base)
        doc["nodes"][0]["params"]["x"] = SENTINEL
        with pytest.raises(GraphFileError, match="not valid JSON"):
            parse_graph_text(json.dumps(doc).replace(json.dumps(SENTINEL), literal))
