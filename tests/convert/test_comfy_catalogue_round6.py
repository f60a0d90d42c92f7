"""The catalogue's sixth round of packs (issue 112 item 1): the committed catalogue holding the packs read this round
(each at its repository's commit; the names catalog4 kept out read again from their packs, 'TextBox' still out), and
their types read by their declared types in a conversion: two image steps of newly read packs between the decode and
the Video Combine, each said with its settings by their declared names. Workflows here are built for the test."""
from __future__ import annotations

from studio.convert import catalogue
from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.workflow_shapes import wan_t2v_combined


def test_the_committed_catalogue_holds_the_sixth_rounds_packs():
    packs = catalogue.packs()
    assert packs["ryanontheinside/ComfyUI_RyanOnTheInside"]["commit"].startswith("dbbeca04")
    assert catalogue.node_type("FeatureSmoothing").pack == "ryanontheinside/ComfyUI_RyanOnTheInside"
    assert catalogue.node_type("WANVAP_Sample").output_types == ("IMAGE",)
    assert catalogue.node_type("VideoMaMaSampler").output_types == ("MASK",)
    assert catalogue.node_type("LTXVMLXTwoStageSampler").pack == "dgrauet/ComfyUI-LTXVideo-mlx"
    assert catalogue.node_type("LTXVBaseSampler").pack != "dgrauet/ComfyUI-LTXVideo-mlx"  # the copy adds no old name
    assert catalogue.node_type("AudioVideoFix").output_node
    assert catalogue.node_type("DiffuEraserLoader").commit.startswith("ad095ba6")  # its pack's older names
    for kept_out in ("blueeInput",):  # read, then taken out (benchmarks/results/catalog6_2026-11-30.md)
        assert catalogue.node_type(kept_out) is None
    # UnloadModel, taken out by catalog6, added back by readers7 once a prompt's way says a node passing it on
    assert catalogue.node_type("UnloadModel").pack == "SeanScripts/ComfyUI-Unload-Model"
    # catalog4's kept-out names, their packs read again at the commit the catalogue records
    assert catalogue.node_type("LoadEasyAnimateModel").pack == "aigc-apps/EasyAnimate"
    assert catalogue.node_type("Kandinsky5LoadDiT").pack == "kandinskylab/kandinsky-5"
    assert packs["aigc-apps/EasyAnimate"]["commit"].startswith("c2a70d17")
    for kept_out in ("TextBox", "WanDancerVideo"):  # (MiniMaxH3ImageToVideo added by cat21: test_comfy_cat21.py)
        assert catalogue.node_type(kept_out) is None


def test_a_newly_catalogued_packs_types_are_read_by_their_declared_types():
    """RyanOnTheInside's ImageCASBatch and ShmuelRonen's Video_Upscale_With_Model between the decode and the Video
    Combine: the first a step not applied, its settings said by their declared names; the second Upscale Video with
    its own file and factor (undeclared, two nodes no pack declares on the way to the video held the task)."""
    doc = wan_t2v_combined()
    doc["10"] = {"class_type": "ImageCASBatch", "inputs": {"image": ["8", 0], "amount": 0.6, "batch_size": 8}}
    doc["11"] = {"class_type": "Video_Upscale_With_Model", "inputs": {
        "model_name": "4x_foolhardy.pth", "images": ["10", 0], "upscale_method": "lanczos", "factor": 0.5,
        "device_strategy": "auto"}}
    doc["9"]["inputs"]["images"] = ["11", 0]
    conv = convert(doc, "round6.json")
    text = said(conv)
    assert conv.pipelines == 1 and conv.passed == ["10"] and not conv.dropped
    assert "no pack in Studio's catalogue declares" not in text
    assert ("'ImageCASBatch' (ImageCASBatch, #10), a step between its 'image' and 'Video_Upscale_With_Model' (#11)'s "
            "'images': not applied (its settings: amount 0.6, batch_size 8)") in text
    # (heldout59: Video_Upscale_With_Model, its 'model_name' declared a file of upscale_models/, is a learned upscale
    # Studio makes after the generator at its factor, its other settings said; it was a step not applied)
    (up,) = [n for n in conv.graph.nodes.values() if n.type_id == "finishing.upscale"]
    assert up.params["model"] == "4x_foolhardy.pth" and up.params["scale"] == 0.5
    assert ("'Video_Upscale_With_Model' (#11)'s upscale_method lanczos, device_strategy auto: not taken (Upscale "
            "Video resizes the model's output by area or cubic filtering and runs on the graph's device)") in text
