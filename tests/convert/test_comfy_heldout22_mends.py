"""Mechanisms a twenty-second held-out set (benchmarks/results/heldout22_2026-11-29.md: video finishing and editing
workflows, blueprints, other families' files from small repositories) showed, each on a small hand-written workflow,
with invented pack node names where the rule is by declared types."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from studio.convert.mapping.file import convert_file, is_comfy_file
from studio.convert.reading.workflow import is_workflow
from tests.convert.test_comfy_outputs import _notes
from tests.convert.test_comfy_unread_maker import _doc


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def test_an_api_file_with_an_apps_own_entry_beside_its_nodes_is_read(tmp_path):
    """{'stable-restyle': {input, mask, output}} beside the nodes (Yahweasel's restyler, 06): was refused as "not a
    ComfyUI workflow"; the entry is skipped and said, the nodes read."""
    doc = {"stable-restyle": {"input": "6", "output": "14"}, **_doc()}
    path = tmp_path / "restyle.json"
    path.write_text(json.dumps(doc))
    assert is_comfy_file(str(path))
    conv = convert_file(str(path))
    assert conv.tasks and conv.tasks[0]["generator"] == "video_models.text_to_video"
    assert "'stable-restyle'" in _said(conv) and "no node" in _said(conv)
    # more entries that are no node than nodes: not taken for a workflow (a settings file naming one node)
    assert is_workflow({"a": {"class_type": "X", "inputs": {}}, "b": {"x": 1}, "c": {"y": 2}}) is None
    assert is_workflow({"a": {"class_type": "X", "inputs": {}}, "b": {"x": 1}}) is None  # one node: not guessed
