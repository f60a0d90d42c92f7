"""Mechanisms a thirteenth held-out set (benchmarks/results/heldout13_2026-11-29.md: creators' tutorial and course
repositories) showed, each on a small hand-written workflow, with invented pack node names where the rule is by types:
a subgraph node's proxied setting saved as null (the inner node keeps its own value)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes
from tests.convert.test_comfy_wiring import _shown_settings_workflow


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _params(conv, type_id: str) -> list[dict]:
    return [n.params for n in conv.graph.nodes.values() if n.type_id == type_id]


def test_a_proxied_setting_saved_as_null_keeps_the_inner_nodes_value():
    """ComfyUI's LTX-2 template saves its subgraph node's proxied seed (and its control) as null, the seed itself
    being the inner RandomNoise's 10: the generator's seed is the inner node's own 7 here, never 'made by ... when the
    workflow runs' with Studio's 0; the proxied values that are saved still land."""
    proxies = [("-1", "text"), ("-1", "width"), ("-1", "height"), ("ks", "seed"), ("ks", "control_after_generate")]
    conv = convert(_shown_settings_workflow(proxies, ["a red fox in the snow", 640, 352, None, None]), "null")
    gen = _params(conv, "video_models.text_to_video")[0]
    assert (gen["prompt"], gen["width"], gen["height"], gen["seed"]) == ("a red fox in the snow", 640, 352, 7)
    assert "when the workflow runs" not in _said(conv)
