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
