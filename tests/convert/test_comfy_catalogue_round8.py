"""The catalogue's eighth round of packs (issue 112: read by types): the committed catalogue holding the packs the
newest held-out sets use (each at its repository's commit, FFMPEGA at the commit whose FFMPEGAgent declares 'prompt'
before 'video_path', the order its three example files save), and a newly declared type read by its declared inputs
in a conversion. Workflows here are built for the test."""
from __future__ import annotations

from studio.convert import catalogue
from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.workflow_shapes import wan_t2v_combined


def test_the_committed_catalogue_holds_the_eighth_rounds_packs():
    packs = catalogue.packs()
    assert packs["AEmotionStudio/ComfyUI-FFMPEGA"]["commit"].startswith("955ae34a")
    agent = catalogue.node_type("FFMPEGAgent")
    assert [i.name for i in agent.inputs][:2] == ["prompt", "video_path"]
    assert catalogue.node_type("TS_VideoSaver").pack == "AlexYez/comfyui-timesaver"
    assert catalogue.node_type("FramerSampler").pack == "kijai/ComfyUI-FramerWrapper"
    assert catalogue.node_type("VVSamplerSampler").output_types == ("SAMPLER",)
    assert catalogue.node_type("CogVideoX_Fun_I2VSampler").pack == "aigc-apps/CogVideoX-Fun"
    assert catalogue.node_type("GFPGANFaceEnhancer").pack == "synthetai/ComfyUI_FaceEnhancer"
    assert packs["adamdavidcole/comfyui-video-xy-plot"]["commit"].startswith("d668a105")
    # read, then left out: declared, a start-and-end-frame node was read as a twin lacking its end frame
    # (benchmarks/results/catalog8_2026-11-30.md)
    assert catalogue.node_type("WanImageToVideo_F2") is None


def test_a_newly_catalogued_step_is_read_with_its_declared_inputs():
    """timesaver's TS_ImageBatchCut between the decode and the Video Combine: a step not applied, its settings said
    by their declared names (undeclared, it was a node no pack declares, its settings by place)."""
    doc = wan_t2v_combined()
    doc["10"] = {"class_type": "TS_ImageBatchCut", "inputs": {"image": ["8", 0], "first_cut": 4, "last_cut": 2}}
    doc["9"]["inputs"]["images"] = ["10", 0]
    conv = convert(doc, "round8.json")
    text = said(conv)
    assert conv.pipelines == 1 and conv.passed == ["10"] and not conv.dropped
    assert "no pack in Studio's catalogue declares" not in text
    assert ("'TS_ImageBatchCut' (TS_ImageBatchCut, #10), a step between its 'image' and 'VHS_VideoCombine' (#9)'s "
            "'images': not applied (its settings: first_cut 4, last_cut 2)") in text


def test_a_wired_setting_of_a_node_nothing_reads_is_said_wired_not_its_stale_saved_value():
    """A declared preview (KJNodes' PreviewAnimation) whose 'fps' widget is wired from another node: the sentence
    passing it over says 'fps (wired)', not the 25 the file keeps beside the link (heldout46's FunPack example said
    a lorebook node's stale 'prompt' text where a Primitive gave it another)."""
    from tests.convert.test_comfy_displays import _ui_with

    extra = [{"id": 911, "type": "PrimitiveFloat", "mode": 0, "pos": [0, 0], "inputs": [], "widgets_values": [16.0],
              "outputs": [{"name": "FLOAT", "type": "FLOAT", "links": [912]}]},
             {"id": 910, "type": "PreviewAnimation", "mode": 0, "pos": [0, 0], "outputs": [],
              "inputs": [{"name": "images", "type": "IMAGE", "link": 911},
                         {"name": "fps", "type": "FLOAT", "widget": {"name": "fps"}, "link": 912}],
              "widgets_values": [25.0]}]
    conv = convert(_ui_with(extra, [[911, 8, 0, 910, 0, "IMAGE"], [912, 911, 0, 910, 1, "FLOAT"]]), "wired.json")
    text = said(conv)
    assert "'PreviewAnimation' (PreviewAnimation, #910)" in text
    assert "fps 25" not in text
    assert "(its settings: fps (wired))" in text
