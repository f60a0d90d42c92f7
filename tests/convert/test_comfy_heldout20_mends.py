"""Mechanisms a twentieth held-out set (benchmarks/results/heldout20_2026-11-29.md: LTX-2.3 and Wan 2.2 workflows as an
outside tester would try them - workers' requests, packs' examples, app files) showed, each on a small hand-written
workflow, with invented pack node names where the rule is by declared types."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from studio.convert.mapping.file import convert_file, is_comfy_file
from tests.convert.test_comfy_outputs import _notes
from tests.convert.test_comfy_unread_maker import _doc


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def test_a_runpod_request_with_a_policy_beside_its_input_is_opened_as_its_workflow(tmp_path):
    """{input: {workflow}, policy: {...}} (littleboy1869's request, 06): was refused as "not a ComfyUI workflow"."""
    path = tmp_path / "request.json"
    path.write_text(json.dumps({"input": {"workflow": _doc()}, "policy": {"executionTimeout": 600000, "ttl": 900000}}))
    assert is_comfy_file(str(path))
    conv = convert_file(str(path))
    assert conv.tasks and conv.tasks[0]["generator"] == "video_models.text_to_video"
    two = tmp_path / "two.json"  # two requests' workflows in one object: still not guessed at
    two.write_text(json.dumps({"a": {"workflow": _doc()}, "b": {"workflow": _doc()}}))
    assert not is_comfy_file(str(two))


def test_a_ui_file_whose_links_name_no_target_is_read_by_its_inputs():
    """A hand-written UI file's links [id, origin, slot, type, type] (GlennTeo212's, 15): its nodes were said to reach
    no output ("ComfyUI does not run it"), though the inputs name the links and ComfyUI's frontend queues them."""
    nodes = [{"id": 1, "type": "LoadImage", "inputs": [], "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [2]}],
              "widgets_values": ["photo.jpg", "image"]},
             {"id": 2, "type": "ImageInvert", "inputs": [{"name": "image", "type": "IMAGE", "link": 2}],
              "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [3]}], "widgets_values": []},
             {"id": 3, "type": "SaveImage", "inputs": [{"name": "images", "type": "IMAGE", "link": 3}],
              "outputs": [], "widgets_values": ["out"]}]
    doc = {"nodes": nodes, "links": [[2, 1, 0, "IMAGE", "IMAGE"], [3, 2, 0, "IMAGE", "IMAGE"]]}
    conv = convert(doc, "hand.json")
    said = _said(conv)
    assert "reaches no output" not in said and "does not run it" not in said
    links = {(conv.graph.nodes[l.src].type_id, conv.graph.nodes[l.dst].type_id) for l in conv.graph.links}
    assert len(links) == 2 and all(a != b for a, b in links)
