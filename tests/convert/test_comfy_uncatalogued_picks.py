"""An uncatalogued pack node with nothing wired in and one setting, giving that setting on an output its UI file
declares COMBO (Image Saver's Sampler Selector feeding a KSampler's sampler_name: the ninth held-out set's LTX-2.3
all-in-one said its euler_ancestral 'not taken' and listed the selector not converted): the choice is read where it
is wired, the node counted as a value read."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_resizes import _wan_i2v


def _with_selector(outs: list[str], widgets: list) -> dict:
    doc = _wan_i2v([])
    ks = next(n for n in doc["nodes"] if n["type"] == "KSampler")
    sel = {"id": 99, "type": "Sampler Selector (Acme Saver)", "mode": 0, "inputs": [], "pos": [0, 0],
           "size": [200, 80], "properties": {}, "widgets_values": widgets,
           "outputs": [{"name": f"o{i}", "type": t, "links": [900] if i == 0 else []} for i, t in enumerate(outs)]}
    doc["nodes"].append(sel)
    doc["links"].append([900, 99, 0, ks["id"], len(ks["inputs"]), outs[0]])
    ks["inputs"].append({"name": "sampler_name", "type": outs[0], "link": 900, "widget": {"name": "sampler_name"}})
    return doc


def test_a_pick_on_a_combo_output_is_the_samplers_choice_and_the_node_read():
    conv = convert(_with_selector(["COMBO", "STRING"], ["euler_ancestral"]), "pick")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert gen.params["sampler"] == "euler"  # (euler_ancestral's nearest; the KSampler's own saved uni_pc not used)
    assert "99" not in conv.dropped


def test_a_pick_of_two_settings_is_not_taken_for_either():
    """Two settings (a sampler and a scheduler picked on one output?): which one the output gives is not told."""
    conv = convert(_with_selector(["COMBO"], ["euler_ancestral", "karras"]), "two")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert gen.params["sampler"] != "euler" and "99" in conv.dropped
