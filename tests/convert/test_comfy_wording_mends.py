"""Sentences that name what the workflow's node declares, said once, and nothing read left unsaid: an input of a node
read as another named as its own node declares it (the catalogue's inputs), one LoRA's sentence once, a model patch
on a held output said in the Log."""
from __future__ import annotations

from studio.convert.catalogue import node_type
from studio.convert.reading.workflow import CNode
from studio.convert.tracing import resizes


def test_a_read_as_nodes_input_is_named_as_its_node_declares_it():
    ctrl = CNode("23", "WanFunControlToVideo", origin="WanVideoControlEmbeds", ports={"control_video": "latents"})
    scale = CNode("5", "ImageScale")
    said = resizes.said(scale, {"width": 832, "height": 480}, "control_video", ctrl)
    declared = {i.name for i in node_type("WanVideoControlEmbeds").inputs}
    assert "latents" in declared and "control_video" not in declared
    assert said.startswith("'latents' of 'WanVideoControlEmbeds' is scaled to 832x480"), said
    assert "control_video" not in said
    # an input not renamed: the node named as the workflow has it, not the type it is read as
    plain = CNode("7", "WanFunControlToVideo", origin="WanVideoControlEmbeds")
    assert plain.of("positive") == "'positive' of 'WanVideoControlEmbeds'"
