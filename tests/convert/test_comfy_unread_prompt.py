"""A positive prompt the converter cannot read (its conditioning from a node Studio does not read: said "write it in
the generator's prompt") leaves the generator's prompt empty, never the node's own example words (heldout91 01:
AnimateDiff ControlNet made "a dancer in a red dress on a stage", a prompt the workflow never had)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_acn21 import GEN, _chained
from tests.convert.test_comfy_wrappers import _nodes


def test_an_unread_positive_prompt_leaves_the_generator_prompt_empty_and_says_so():
    wf = _chained(1, denoise=0.7)
    wf["40"] = {"class_type": "SomeInventedPromptMaker", "inputs": {"clip": ["4", 1], "seed": 2}}
    wf["32"]["inputs"]["positive"] = ["40", 0]
    conv = convert(wf, "unread")
    gen = _nodes(conv, GEN)[0]
    assert gen.params["prompt"] == ""
    assert "write it in the generator's prompt" in _said(conv)


def test_a_read_prompt_is_kept():
    conv = convert(_chained(1, denoise=0.7), "read")
    assert _nodes(conv, GEN)[0].params["prompt"] not in ("", "a dancer in a red dress on a stage")
