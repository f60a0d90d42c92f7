"""LTX-2.3's in/outpainting IC-LoRA band (issue 112; heldout24 01/02, ComfyUI-LTXVideo's Inpaint/Outpaint
workflows): LTXVInpaintPreprocess paints the mask #66FF00 into the IC-LoRA's guide clip. Studio does not make that
painting in general: a pad by fixed pixels, unfeathered, straight into the painting is made (Studio's Pad filled
#66FF00 on the generator's 'control': the same clip); otherwise the band is held (never made from the unpainted clip)
and its by-hand words tell, from the graph's shape, exactly what to build: the green Solid through Mask Tools on the
mask video (its channel, its grow and the size that grow is counted at), or Studio's Pad (a feathered pad; a target
size's borders said worked out when the workflow runs)."""
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


def test_an_inpainting_band_is_held_with_the_green_solid_mask_tools_and_the_grow_to_build():
    line = _held(_band())
    assert "inpainted (a mask video marks the area)" in line
    assert "(LTXVInpaintPreprocess, #30), which paints the mask green (#66FF00)" in line
    assert "Composite a Solid Colour #66FF00 the clip's size over the clip through Mask Tools" in line
    assert "'ImageToMask' (#34) by its red channel" in line
    assert "threshold 0.5 and grown by 6 px as 'LTXVDilateVideoMask' (#33) grows it (its grow a square" in line
    assert "the IC-LoRA through Video LoRA and that clip on the generator's 'control'" in line


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


def test_a_feathered_pad_is_held_with_pads_pixels_and_its_feather_to_build():
    line = _held(_band("pad", feathering=8))
    assert "outpainted (the clip padded to a larger frame)" in line
    assert "Pad the clip by left 64, top 0, right 64, bottom 0 px with 'feather' 8 as 'ImagePadForOutpaint' (#36)" in line
    assert "the Pad's size over the Pad's video through the Pad's mask" in line
    assert "Mask Tools" not in line


def test_an_outpainting_band_to_a_target_size_says_its_borders_are_worked_out_when_run():
    line = _held(_band("target"))
    assert "Pad the clip to 1024x512 ('ImagePadForOutpaintTargetSize' (#36) shrinks a larger clip" in line
    assert "worked out of the clip's size when the workflow runs" in line
