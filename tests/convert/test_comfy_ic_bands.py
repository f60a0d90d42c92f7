"""LTX-2.3's in/outpainting IC-LoRA band (issue 112; heldout24 01/02, ComfyUI-LTXVideo's Inpaint/Outpaint
workflows): LTXVInpaintPreprocess paints the mask #66FF00 into the IC-LoRA's guide clip. A pad by fixed pixels,
unfeathered, straight into the painting is made as Studio's Pad filled #66FF00 on the generator's 'control' (the same
clip); a painting whose clip and mask Studio's operations make (band2: a mask video by its channel, grown by a square;
a feathered pad; a pad to a target size) as the green Solid composited through Mask Tools (comfy_painted_band, more in
test_comfy_ic_bands2); otherwise the band is held (never made from the unpainted clip) and its by-hand words tell,
from the graph's shape, what to build."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_ltx2_ref_tokens import _doc
from tests.convert.test_comfy_wrappers import _nodes


def _band(mask: str = "video", resized: bool = False, feathering: int = 0) -> dict:
    """The lip-dub band's shape (a clip the IC-LoRA's guide) with the guide painted: a mask video read by its red
    channel and grown (``mask`` 'video'), or the clip padded (``mask`` 'pad' / 'target')."""
    doc = _doc(frozen=False)
    doc["30"] = {"class_type": "LTXVInpaintPreprocess", "inputs": {"images": ["4", 0], "mask": ["33", 0]}}
    if mask == "video":
        doc["31"] = {"class_type": "LoadVideo", "inputs": {"file": "mask.mp4"}}
        doc["32"] = {"class_type": "GetVideoComponents", "inputs": {"video": ["31", 0]}}
        doc["34"] = {"class_type": "ImageToMask", "inputs": {"image": ["32", 0], "channel": "red"}}
        src = ["34", 0]
        if resized:
            doc["35"] = {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["34", 0], "resize_type":
                                                                          "scale by multiplier", "multiplier": 0.5}}
            src = ["35", 0]
        doc["33"] = {"class_type": "LTXVDilateVideoMask", "inputs": {"mask": src, "spatial_radius": 6,
                                                                     "temporal_radius": 0}}
    else:
        pad = {"class_type": "ImagePadForOutpaint", "inputs": {"image": ["4", 0], "left": 64, "top": 0, "right": 64,
                                                                 "bottom": 0, "feathering": feathering}} if mask == "pad" else \
            {"class_type": "ImagePadForOutpaintTargetSize", "inputs": {"image": ["4", 0], "target_width": 1024,
                                                                       "target_height": 512, "feathering": 0,
                                                                       "upscale_method": "nearest-exact"}}
        doc["36"] = pad
        doc["30"]["inputs"] = {"images": ["36", 0], "mask": ["36", 1]}
    doc["13"]["inputs"]["image"] = ["30", 0]
    doc["21"] = {"class_type": "LTXICLoRALoaderModelOnly", "inputs": {
        "model": ["1", 0], "lora_name": "ltx-2.3-22b-ic-lora-in-outpainting-0.9.safetensors", "strength_model": 1.0}}
    doc["15"]["inputs"]["model"] = ["21", 0]
    return doc


def _held(doc) -> str:
    conv = convert(doc, "t")
    assert _nodes(conv, "video_models.ltx2") == []  # never made from the unpainted clip
    return next(line for line in conv.log if line.startswith("This workflow makes a video"))


def _painted(conv):
    """The Composite on the generator's 'control' and the Studio node on each of its inputs."""
    g = conv.graph
    gen = _nodes(conv, "video_models.ltx2")[0]
    comp = g.nodes[g.input_link(gen.id, "control").src]
    assert comp.type_id == "edit.composite" and g.validate() == []
    return {k: g.nodes[g.input_link(comp.id, k).src] for k in ("background", "foreground", "mask")}


def test_an_inpainting_band_is_made_with_the_green_solid_through_mask_tools_by_its_channel_and_square_grow():
    conv = convert(_band(), "t")
    made = _painted(conv)
    mt = made["mask"]
    assert mt.type_id == "edit.mask_tools" and {k: mt.params[k] for k in ("channel", "threshold", "grow",
                                                                            "grow_shape")} == \
        {"channel": "red", "threshold": 0.5, "grow": 6, "grow_shape": "square"}
    assert made["foreground"].type_id == "procedural.solid" and made["foreground"].params["color"].lower() == "#66ff00"
    assert made["background"].type_id == "io.load_video"
    said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    assert "(LTXVInpaintPreprocess, #30) paints #66FF00 over the clip where its mask is" in said
    assert "'ImageToMask' (ImageToMask, #34), 'LTXVDilateVideoMask' (LTXVDilateVideoMask, #33) make them" in said
    assert "This workflow makes" not in said


def test_a_grow_counted_at_a_resized_size_names_the_resize():
    line = _held(_band(resized=True))
    assert "grown by 6 px of the size 'ResizeImageMaskNode' (#35) scales the mask to" in line


def test_an_outpainting_band_by_pixels_is_made_with_studios_pad_filled_green_on_the_control():
    conv = convert(_band("pad"), "t")
    assert conv.graph.validate() == []
    assert [(t["generator"], t["inputs"]) for t in conv.tasks] == [("video_models.ltx2", ["control"])]
    gen, pad = _nodes(conv, "video_models.ltx2")[0], _nodes(conv, "edit.pad")[0]
    assert {k: pad.params[k] for k in ("left", "top", "right", "bottom", "feather")} == \
        {"left": 64, "top": 0, "right": 64, "bottom": 0, "feather": 0}
    assert pad.params["color"].lower() == "#66ff00"
    link = conv.graph.input_link(gen.id, "control")
    assert (link.src, link.src_port) == (pad.id, "video")
    assert conv.graph.nodes[conv.graph.input_link(pad.id, "video").src].type_id == "io.load_video"
    assert _nodes(conv, "video_models.lora")  # the IC-LoRA through Video LoRA
    said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    assert "Studio's Pad by the same pixels, filled with #66FF00, gives the generator's 'control'" in said
    assert "wired without that step" not in said and "This workflow makes" not in said


def test_a_feathered_pad_and_a_pad_to_a_target_size_are_made_as_studios_pad_and_its_mask():
    for doc, want in ((_band("pad", feathering=8), {"left": 64, "right": 64, "feather": 8}),
                      (_band("target"), {"target_width": 1024, "target_height": 512, "interpolation": "nearest"})):
        conv = convert(doc, "t")
        made = _painted(conv)
        pad = made["background"]
        assert pad.type_id == "edit.pad" and {k: pad.params[k] for k in want} == want
        mask_src = conv.graph.input_link(made["mask"].id, "mask")
        assert (mask_src.src, mask_src.src_port) == (pad.id, "mask")  # the pad's own mask, through Mask Tools
        assert made["mask"].params["threshold"] == -1 and made["mask"].params["grow"] == 0
