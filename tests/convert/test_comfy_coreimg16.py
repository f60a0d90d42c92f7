"""ComfyUI's core mask nodes and Stitch Images read node for node (finishing/core_masks.py): a UI file's saved values
named by the catalogue's declared order, ComfyUI's declared default where an API file leaves one out, each node the
Studio operation doing what it does, wired as the workflow wires it, and the graph making ComfyUI's pixels."""
from __future__ import annotations

import cv2
import numpy as np

from studio.convert.mapping.convert import convert
from studio.engine.executor import Executor

from .said import api, nodes_of, said, source_of, ui


def picture(path, w: int = 8, h: int = 4) -> None:
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[:, : w // 2] = (255, 0, 0)  # left half red
    cv2.imwrite(str(path), rgb[..., ::-1])


def frame(conv, nid: str, port: str = "video") -> np.ndarray:
    return Executor().run(conv.graph, targets=[nid], device="cpu", use_cache=False).value(nid, port).frame(0)


MASK_CHAIN = [
    (1, "LoadImage", [], ["IMAGE", "MASK"], ["in.png", "image"]),
    (2, "ImageToMask", [("image", "IMAGE")], ["MASK"], ["red"]),
    (3, "GrowMask", [("mask", "MASK")], ["MASK"], [1, True]),
    (4, "ThresholdMask", [("mask", "MASK")], ["MASK"], [0.5]),
    (5, "FeatherMask", [("mask", "MASK")], ["MASK"], [2, 0, 0, 0]),
    (6, "InvertMask", [("mask", "MASK")], ["MASK"], []),
    (7, "SolidMask", [], ["MASK"], [0.5, 8, 4]),
    (8, "MaskComposite", [("destination", "MASK"), ("source", "MASK")], ["MASK"], [0, 0, "multiply"]),
    (9, "CropMask", [("mask", "MASK")], ["MASK"], [0, 0, 6, 4]),
    (10, "MaskToImage", [("mask", "MASK")], ["IMAGE"], []),
    (11, "ImageStitch", [("image1", "IMAGE"), ("image2", "IMAGE")], ["IMAGE"], ["left", False, 2, "black"]),
    (12, "SaveImage", [("images", "IMAGE")], [], ["masks/m"]),
]
MASK_LINKS = [(1, 0, 2, "image"), (2, 0, 3, "mask"), (3, 0, 4, "mask"), (4, 0, 5, "mask"), (5, 0, 6, "mask"),
              (6, 0, 8, "destination"), (7, 0, 8, "source"), (8, 0, 9, "mask"), (9, 0, 10, "mask"),
              (1, 0, 11, "image1"), (10, 0, 11, "image2"), (11, 0, 12, "images")]


def test_a_ui_mask_chain_reads_its_values_by_declared_order_and_makes_comfyuis_pixels(tmp_path):
    picture(tmp_path / "in.png")
    c = convert(ui(MASK_CHAIN, MASK_LINKS), "masks")
    c.graph.base_dir = str(tmp_path)
    text = said(c)
    assert "not converted" not in " ".join(map(str, c.log[:-1])) and "Studio does not convert" not in text
    assert {n.params.get("grow_shape") for n in nodes_of(c, "edit.mask_tools")} >= {"diamond"}
    grow = next(n for n in nodes_of(c, "edit.mask_tools") if n.params.get("grow"))
    assert grow.params["grow"] == 1 and source_of(c, grow.id, "mask").type_id == "edit.mask_tools"
    (stitch,) = nodes_of(c, "edit.stitch")
    assert stitch.params == {"direction": "left", "match_image_size": False, "spacing_width": 2,
                             "spacing_color": "black"}
    (comb,) = nodes_of(c, "edit.combine_masks")
    assert comb.params["operation"] == "multiply" and source_of(c, comb.id, "source").type_id == "edit.solid_mask"
    f = frame(c, stitch.id)
    # the red half (4 columns) grown by 1 (5), thresholded, its 2 left columns faded (x 0.5, x 1), inverted, times
    # 0.5, cropped to 6 columns; placed left of the picture (not matched: same height) with 2 black columns between
    mask = 0.5 * (1 - np.array([0.5, 1, 1, 1, 1, 0], np.float32))
    assert f.shape == (4, 6 + 2 + 8, 3)
    assert np.allclose(f[:, :6, 0], mask) and np.allclose(f[:, :6, 1], mask)
    assert np.allclose(f[:, 6:8], 0.0) and np.allclose(f[:, 8:12], (1, 0, 0)) and np.allclose(f[:, 12:], 0.0)


def test_an_api_stitch_takes_comfyuis_declared_defaults_and_no_image2_gives_image1(tmp_path):
    picture(tmp_path / "in.png")
    wf = api({"1": ("LoadImage", {"image": "in.png"}),
              "2": ("ImageStitch", {"image1": ["1", 0], "image2": ["1", 0]}),  # direction etc. left out
              "3": ("ImageStitch", {"image1": ["2", 0], "direction": "down", "match_image_size": True,
                                    "spacing_width": 0, "spacing_color": "white"}),
              "4": ("SaveImage", {"images": ["3", 0], "filename_prefix": "s"})})
    c = convert(wf, "stitch")
    c.graph.base_dir = str(tmp_path)
    stitches = nodes_of(c, "edit.stitch")
    (first,) = [n for n in stitches if c.graph.input_link(n.id, "image2") is not None]
    (second,) = [n for n in stitches if n is not first]
    assert first.params == {"direction": "right", "match_image_size": True, "spacing_width": 0,
                            "spacing_color": "white"}  # ComfyUI's declared defaults (the catalogue's)
    assert c.graph.input_link(second.id, "image2") is None
    f = frame(c, second.id)
    assert f.shape == (4, 16, 3) and np.allclose(f[:, 8:12], (1, 0, 0))


def test_a_mask_composite_missing_its_source_is_left_to_the_other_stages():
    wf = api({"1": ("SolidMask", {"value": 1.0, "width": 8, "height": 8}),
              "2": ("MaskComposite", {"destination": ["1", 0], "x": 0, "y": 0, "operation": "add"}),
              "3": ("MaskToImage", {"mask": ["2", 0]}),
              "4": ("SaveImage", {"images": ["3", 0], "filename_prefix": "m"})})
    c = convert(wf, "half")
    assert not nodes_of(c, "edit.combine_masks") and "MaskComposite" in said(c)


def test_image_composite_masked_scales_a_mask_of_another_size_to_the_source_as_comfyui_does(tmp_path):
    picture(tmp_path / "in.png")
    wf = api({"1": ("LoadImage", {"image": "in.png"}),
              "2": ("ImageInvert", {"image": ["1", 0]}),
              "3": ("ImageToMask", {"image": ["1", 0], "channel": "red"}),
              "4": ("CropMask", {"mask": ["3", 0], "x": 2, "y": 0, "width": 4, "height": 4}),  # 1, 1, 0, 0
              "5": ("ImageCompositeMasked", {"destination": ["2", 0], "source": ["1", 0], "x": 0, "y": 0,
                                             "resize_source": False, "mask": ["4", 0]}),
              "6": ("SaveImage", {"images": ["5", 0], "filename_prefix": "c"})})
    c = convert(wf, "comp")
    c.graph.base_dir = str(tmp_path)
    (comp,) = nodes_of(c, "edit.composite")
    f = frame(c, comp.id)
    # the 4-column mask scaled to the source's 8 (bilinear, half-pixel centres): 1 1 1 .75 .25 0 0 0
    m = np.array([1, 1, 1, 0.75, 0.25, 0, 0, 0], np.float32)
    src, inv = np.repeat([1.0, 0.0], 4), np.repeat([0.0, 1.0], 4)
    assert np.allclose(f[:, :, 0], m * src + (1 - m) * inv, atol=1e-6)
    assert np.allclose(f[:, :, 1], 1 - m, atol=1e-6)


def test_a_take_stitched_beside_the_picture_it_was_made_from_keeps_imagestitchs_settings():
    from tests.convert.test_comfy_beside import _doc
    doc = _doc(False)
    cat = next(n for n in doc["nodes"] if n["type"] == "ImageConcanate")
    cat["type"], cat["widgets_values"] = "ImageStitch", ["left", False, 4, "red"]  # (its declared widget order)
    conv = convert(doc, "stitched")
    g = conv.graph
    sv = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    st = g.nodes[g.input_link(sv.id, "video").src]
    assert st.type_id == "edit.stitch" and st.params == {"direction": "left", "match_image_size": False,
                                                         "spacing_width": 4, "spacing_color": "red"}
    assert g.nodes[g.input_link(st.id, "image2").src].type_id == "video_models.image_to_video"
    assert "places them: Studio's Stitch" in said(conv) and "Studio does not convert" not in said(conv)


def test_a_take_composited_by_a_mask_is_said_as_a_join_not_as_the_masks_steps():
    """Cinemagraph (coreimg16): the take on ImageCompositeMasked's 'destination', its mask made by InvertMask; the
    save's way followed 'mask' and said the take was written 'after ComfyUI's InvertMask', which it never passes."""
    from tests.convert.test_comfy_heldout25_mends import _wan_t2v
    doc = _wan_t2v()
    doc["40"] = {"class_type": "LoadImage", "inputs": {"image": "still.png"}}
    doc["41"] = {"class_type": "InvertMask", "inputs": {"mask": ["40", 1]}}
    doc["42"] = {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["8", 0], "source": ["40", 0], "x": 0,
                                                                   "y": 0, "resize_source": False, "mask": ["41", 0]}}
    doc["9"]["inputs"]["images"] = ["42", 0]
    text = said(convert(doc, "cinemagraph.json"))
    assert "writes the take after ComfyUI's 'InvertMask'" not in text
    assert "(ImageCompositeMasked, #42) joins from its 'destination' (from 'VAEDecode' (VAEDecode, #8)), 'source' (from " \
           "'LoadImage' (LoadImage, #40)), a join Studio does not make after a take" in text
    assert "'InvertMask' (InvertMask, #41)" in text  # (said as a step not applied)
