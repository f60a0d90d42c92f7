"""Packs' own finishing effects read by their declared types into Studio's nodes (fx2, issue 112): a colour match
after a generated take (its reference the start picture's file), ComfyUI's Image Sharpen / Image Blur with their
kernel, Image Blend's soft light and difference; a method Studio has no like of said, naming it, not made."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_heldout23_mends import _said, _wan_template


def _finished(cls: str, inputs: dict) -> dict:
    """Wan image to video whose take goes through ``cls`` (its target or image the decode) before its save."""
    doc = _wan_template("wan2.2_i2v_low_noise_14B_fp16.safetensors", "umt5_xxl_fp16.safetensors",
                        "wan_2.1_vae.safetensors")
    doc["20"] = {"class_type": cls, "inputs": inputs}
    doc["9"]["inputs"]["images"] = ["20", 0]
    return doc


def _node(conv, type_id):
    return next(n for n in conv.graph.nodes.values() if n.type_id == type_id)


def _feeds(conv, nid, port):
    return next((conv.graph.nodes[x.src].type_id for x in conv.graph.links if x.dst == nid and x.dst_port == port), None)


def test_a_colour_match_after_the_take_is_made_with_the_start_picture_as_its_reference():
    conv = convert(_finished("ColorMatch", {"image_ref": ["4", 0], "image_target": ["8", 0], "method": "reinhard",
                                            "strength": 0.7, "multithread": True}), "wan.json")
    cm = _node(conv, "edit.colour_match")
    assert (cm.params["method"], cm.params["strength"]) == ("reinhard", 0.7)
    assert _feeds(conv, cm.id, "video") == "video_models.image_to_video"
    assert _feeds(conv, cm.id, "reference") == "io.load_image"
    save = _node(conv, "io.save_video")
    assert _feeds(conv, save.id, "video") == "edit.colour_match"
    said = _said(conv)
    assert "'ColorMatch' (ColorMatch, #20)'s colour match of the take (its 'image_target') before" in said
    assert "its 'image_ref' the image 'start.png' as Studio's Load Image gives it" in said
    assert "#20), a step between" not in said  # (no longer said not applied)


def test_the_v2_and_other_packs_colour_match_are_told_by_their_types():
    conv = convert(_finished("ColorMatchV2", {"image_target": ["8", 0], "image_ref": ["4", 0], "method": "mkl",
                                              "strength": 1.0, "multithread": False}), "wan.json")
    assert _node(conv, "edit.colour_match").params["method"] == "mkl"
    essentials = convert(_finished("ImageColorMatch+", {"image": ["8", 0], "reference": ["4", 0], "color_space": "LAB",
                                                        "factor": 0.5, "device": "auto", "batch_size": 0}), "e.json")
    cm = _node(essentials, "edit.colour_match")
    assert (cm.params["method"], cm.params["strength"]) == ("reinhard", 0.5)


def test_a_method_studio_has_no_like_of_is_said_naming_it_and_not_made():
    conv = convert(_finished("ColorMatch", {"image_ref": ["4", 0], "image_target": ["8", 0], "method": "hm-mvgd-hm",
                                            "strength": 1.0, "multithread": True}), "wan.json")
    assert not any(n.type_id == "edit.colour_match" for n in conv.graph.nodes.values())
    said = _said(conv)
    assert "'ColorMatch' (ColorMatch, #20), the colour match of the take on its 'image_target' before" in said
    assert "not applied (Studio's colour match has no like of its method 'hm-mvgd-hm'); the take is written without" \
        in said
    assert "20" in conv.passed


def test_a_reference_made_from_the_take_itself_is_not_taken_for_a_file():
    doc = _finished("ColorMatch", {"image_ref": ["21", 0], "image_target": ["8", 0], "method": "mkl", "strength": 1.0})
    doc["21"] = {"class_type": "ImageFromBatch", "inputs": {"image": ["8", 0], "batch_index": 0, "length": 1}}
    conv = convert(doc, "wan.json")
    assert not any(n.type_id == "edit.colour_match" for n in conv.graph.nodes.values())
    assert "its 'image_ref' is not a file: Studio takes a colour match's reference only from a file it loads" \
        in _said(conv)


def test_comfyuis_sharpen_is_studios_sharpen_with_its_kernel():
    conv = convert(_finished("ImageSharpen", {"image": ["8", 0], "sharpen_radius": 2, "sigma": 0.5, "alpha": 0.4}),
                   "wan.json")
    sh = _node(conv, "edit.sharpen")
    assert (sh.params["amount"], sh.params["radius"], sh.params["reach"]) == (4.0, 1.0, 2)
    assert "Studio's Sharpen after the generator (amount 4.0, radius 1.0, reach 2)" in _said(conv)


def test_core_chains_take_the_sharpen_the_blur_and_every_image_blend_mode():
    wf = {"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
          "2": {"class_type": "LoadImage", "inputs": {"image": "b.png"}},
          "3": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": 3, "sigma": 1.0}},
          "4": {"class_type": "ImageBlend", "inputs": {"image1": ["3", 0], "image2": ["2", 0], "blend_factor": 0.25,
                                                       "blend_mode": "difference"}},
          "5": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "fx"}}}
    conv = convert(wf, "chain.json")
    blur, comp = _node(conv, "edit.blur"), _node(conv, "edit.composite")
    assert (blur.params["radius"], blur.params["reach"]) == (3.0, 3)
    assert (comp.params["mode"], comp.params["opacity"], comp.params["clip"]) == ("subtract", 0.25, True)
    wf["4"]["inputs"]["blend_mode"] = "soft_light"
    assert _node(convert(wf, "soft.json"), "edit.composite").params["mode"] == "soft light"
