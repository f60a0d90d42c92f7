"""Mechanisms an eighth held-out set (benchmarks/results/heldout8_2026-11-29.md, Wan 2.1 / 2.2) showed, each on a small
hand-written workflow: a family reading a later sampler into the same take while the take's note still said
"another take ... add a generator for it"; a pack node's setting wired to a constant read as its unused saved value;
a held image-to-video whose start image is not wired at all; a pack sampler's pack named after a node giving only
sound, and a zeroed conditioning called the positive prompt whichever input it feeds; a passed-over step whose
picture input was passed on as the mask it gives."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_animate_extend import BASE as ANIMATE_EXTEND


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def test_an_extension_made_in_the_same_take_is_not_said_as_another_take_to_add():
    conv = convert(copy.deepcopy(ANIMATE_EXTEND), "extend")
    gens = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_animate"]
    assert len(gens) == 1 and gens[0].params["frames"] == 149  # the extension made by the one generator
    said = _said(conv)
    assert "continues the first take from its last 5 frames" in said
    assert "another take" not in said and "add a generator for it" not in said
