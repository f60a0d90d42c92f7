"""Seeded hostile wiring (comfy_wiring, comfy_read): random Set/Get names (cycles, missing, duplicated, across a
subgraph), broadcasts with any properties (regexes of every kind, priorities, restrictions of every value),
switches and reroutes wired into each other, values of every type. Each workflow converts (its walks bounded: pytest's timeout is a hang's) to a graph
that validates (or says which input it could not wire: a mask given as a picture), or is refused in one
WorkflowError - never another exception, and never the converter's catch-all for one ("could not be read")."""
from __future__ import annotations

import random

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import WorkflowError
from tests.convert.test_comfy_wiring import UI, _loaders, _wan_i2v

WIRING = ("SetNode", "GetNode", "Anything Everywhere", "Anything Everywhere?", "Anything Everywhere3", "Prompts Everywhere",
          "Any Switch (rgthree)", "Reroute", "Reroute (rgthree)", "LayerUtility: AnyRerouter", "Seed Everywhere",
          "JWInteger", "LoadImageWithFilename|pysssss")
TYPES = ("IMAGE", "MODEL", "CLIP", "VAE", "CONDITIONING", "LATENT", "INT", "STRING", "*", "", None, 7)
HOSTILE = (None, 0, -1, 2**63, 1e308, float("nan"), "", "x", "(a+)+$", "[", "*", ".*", "a" * 5000, [], {}, True,
           "start", "model", "fox.png", "../../etc/passwd.png")


def _random_workflow(rng: random.Random) -> dict:
    w = UI()
    unet, clip, vae, img = _loaders(w)
    made = [unet, clip, vae, img]
    for _ in range(rng.randint(1, 25)):
        cls = rng.choice(WIRING)
        ins = {}
        for i in range(rng.randint(0, 3)):
            name = rng.choice(("anything", "anything2", "any_01", "any_02", "IMAGE", "", "value", f"in{i}"))
            if rng.random() < 0.3:
                ins[name] = str(rng.choice(TYPES))
            else:
                ins[name] = (rng.choice(made + [len(w.nodes) + 1, 9999, -10]), rng.randint(-1, 3), rng.choice(TYPES))
        props = {"ue_properties": {k: rng.choice(HOSTILE) for k in rng.sample(
            ["title_regex", "input_regex", "group_regex", "priority", "group_restricted", "color_restricted",
             "repeated_type_rule", "apply_to_unrepeated", "widget_ue_connectable", "input_ue_unconnectable",
             "title_regex_invert", "send_to_any", "string_to_combo"], rng.randint(0, 6))}} if rng.random() < 0.7 else \
            rng.choice(({}, {"ue_convert": True}, {"ue_properties": None}, {"rejects_ue_links": True}))
        nid = w.add(cls, [rng.choice(HOSTILE) for _ in range(rng.randint(0, 3))],
                    [str(rng.choice(TYPES)) for _ in range(rng.randint(0, 3))], ins, mode=rng.choice((0, 0, 0, 2, 4)),
                    title=rng.choice((None, "KSampler", "x" * 300)), props=props, color=rng.choice((None, "#333")))
        made.append(nid)
    pick = lambda: (rng.choice(made), 0) if rng.random() < 0.5 else None  # noqa: E731
    _wan_i2v(w, pick(), pick(), pick(), pick())
    doc = w.doc()
    if rng.random() < 0.3:
        doc["groups"] = [{"title": rng.choice(HOSTILE), "bounding": rng.choice(([0, 0, 500, 500], [1, 2], "x", None))}]
    if rng.random() < 0.2:  # a subgraph holding a Get and a Set of the same names
        sub = {"id": "sg", "inputs": [{"name": "IMAGE"}], "outputs": [{"name": "IMAGE"}],
               "nodes": [{"id": 1, "type": "GetNode", "widgets_values": [rng.choice(HOSTILE)], "outputs": [{"type": "IMAGE"}]},
                         {"id": 2, "type": "SetNode", "widgets_values": ["start"], "inputs": [{"name": "IMAGE", "link": 2}]}],
               "links": [[1, 1, 0, -20, 0, "IMAGE"], [2, -10, 0, 2, 0, "IMAGE"]]}
        doc["definitions"] = {"subgraphs": [sub]}
        w.add("sg", [], ["IMAGE"], {"IMAGE": (img, 0, "IMAGE")})
    return doc


def test_random_wiring_converts_promptly_or_is_refused_in_words():
    rng = random.Random(20261127)
    made = refused = 0
    for _ in range(150):
        doc = _random_workflow(rng)
        try:
            conv = convert(doc, "fuzz")
        except WorkflowError as e:
            assert "could not be read" not in str(e), str(e)  # an exception the reading did not expect
            refused += 1
            continue
        said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui.get("notes", [])])
        assert conv.graph.validate() == [] or "is not wired to" in said, conv.log[:3]  # a mask given as a picture
        made += 1
    assert made > 100
