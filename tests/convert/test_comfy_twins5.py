"""Issue 112, twins5: a declared pack node whose declared inputs and outputs are those of one node type Studio reads
is read as that type (packs/exact_twins.py, by packs/twins.py), its own settings beyond said; none where several
types are alike, where it requires a socket the read type has not, where it is ComfyUI's own or alike only to a type
of its own pack, or where the shape is any filter's. A node naming a LoRA file that also takes guides and gives
conditioning is a patch not applied with its inputs named, not a LoRA alone (mapping/patch_inputs.more_than_lora).
Node types invented here (planted in the catalogue for the test) and the catalogue's own; small workflows of ours."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert import catalogue
from studio.convert.catalogue import types as catalogue_types
from studio.convert.mapping.convert import convert
from studio.convert.packs import twins
from studio.convert.packs.exact_twins import exact_twin
from tests.convert.planted import plant
from studio.convert.reading.workflow import Workflow

DATA = os.path.join(os.path.dirname(__file__), "data", "wan21_t2v_api.json")
PACK = "someone/invented-pack"


def _i(name, typ, widget=False, optional=False, **kw) -> dict:
    return {"name": name, "type": typ, "widget": widget, "optional": optional, **kw}


def _t(name: str, pack: str, ins: list[dict], outs: list[str]):
    return catalogue_types._node(name, {"pack": pack, "inputs": ins, "outputs": [{"type": o} for o in outs]}, {})


CROP = [_i("positive", "CONDITIONING"), _i("negative", "CONDITIONING"), _i("latent", "LATENT")]
CROP_OUT = ["CONDITIONING", "CONDITIONING", "LATENT"]
PLANTED = {
    # LTXVCropGuides' sockets and outputs, and a setting of its own
    "InventedGuideCrop": {"pack": PACK, "inputs": CROP + [_i("trim_mode", "COMBO", widget=True, options=["a", "b"])],
                          "outputs": [{"type": t} for t in CROP_OUT]},
    # the same, requiring a socket more (what it carries would be lost)
    "InventedGuideCropExtra": {"pack": PACK, "inputs": CROP + [_i("mask", "MASK")],
                               "outputs": [{"type": t} for t in CROP_OUT]},
    # a guide that loads a LoRA too: a model, conditionings and guides in; a model and conditionings out
    "InventedLoraGuide": {"pack": PACK, "inputs": [
        _i("model", "MODEL"), _i("positive", "CONDITIONING"), _i("negative", "CONDITIONING"), _i("vae", "VAE"),
        _i("guide_frames", "IMAGE"), _i("lora_name", "COMBO", widget=True, files="loras", options=["g.safetensors"]),
        _i("strength", "FLOAT", widget=True)],
        "outputs": [{"type": t} for t in ("MODEL", "CONDITIONING", "CONDITIONING")]},
}


@pytest.fixture
def planted(monkeypatch):
    """The invented types above in the catalogue, for this test only."""
    yield from plant(monkeypatch, PLANTED)


def _notes(conv) -> str:
    return "\n".join(conv.log) + "\n" + "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def test_exact_twin_is_the_one_read_type_alike_by_declared_types():
    r = catalogue.node_type("LTXVCropGuides")
    other = _t("OtherCrop", "other/pack", CROP, CROP_OUT)
    mine = _t("MyCrop", PACK, CROP + [_i("pad", "INT", widget=True)], CROP_OUT)
    assert exact_twin(mine, (r,)) == "LTXVCropGuides"
    assert exact_twin(mine, (r, other)) is None  # two alike: read as none
    assert exact_twin(_t("MyCrop", PACK, CROP + [_i("mask", "MASK")], CROP_OUT), (r,)) is None  # a socket more
    assert exact_twin(_t("MyCrop", PACK, CROP, CROP_OUT + ["INT"]), (r,)) is None  # an output more
    assert exact_twin(_t("MyCrop", PACK, CROP[:2], CROP_OUT), (r,)) is None  # its 'latent' missing
    assert exact_twin(_t("MyCrop", "Comfy-Org/ComfyUI", CROP, CROP_OUT), (r,)) is None  # core: its own node
    assert exact_twin(_t("MyCrop", PACK, CROP, CROP_OUT), (_t("Sibling", PACK, CROP, CROP_OUT),)) is None
    flt = _t("Blur", "other/pack", [_i("image", "IMAGE")], ["IMAGE"])
    assert exact_twin(_t("MySharpen", PACK, [_i("image", "IMAGE")], ["IMAGE"]), (flt,)) is None  # any filter's shape


def test_invented_pack_node_read_as_core_type_whose_inputs_and_outputs_it_declares(planted):
    wf = Workflow.read({
        "1": {"class_type": "InventedGuideCrop", "inputs": {"positive": ["5", 0], "negative": ["6", 0],
                                                            "latent": ["7", 0], "trim_mode": "b"}},
        "2": {"class_type": "InventedGuideCropExtra", "inputs": {"positive": ["5", 0], "negative": ["6", 0],
                                                                 "latent": ["7", 0], "mask": ["8", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a", "clip": ["9", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "b", "clip": ["9", 0]}},
        "7": {"class_type": "EmptyLTXVLatentVideo", "inputs": {}},
        "8": {"class_type": "SolidMask", "inputs": {}}, "9": {"class_type": "CLIPLoader", "inputs": {}}})
    said = "\n".join(twins.translate(wf))
    n = wf.nodes["1"]
    assert n.cls == "LTXVCropGuides" and n.origin == "InventedGuideCrop" and set(n.links) == {
        "positive", "negative", "latent"}
    assert "(InventedGuideCrop, #1) is read as ComfyUI's LTXVCropGuides, whose inputs and outputs it declares " \
           "alike" in said
    assert "trim_mode 'b' is not applied" in said
    assert wf.nodes["2"].cls == "InventedGuideCropExtra" and "#2" not in said  # its mask would be lost: unread


def test_adaptive_animate_embeds_read_as_wanvideowrapper_animate_embeds():
    t = catalogue.node_type("AdaptiveWanVideoAnimateEmbeds")
    assert t is not None  # catalogued now (data/add_skipped.txt no longer keeps it out)
    wf = Workflow.read({"1": {"class_type": "AdaptiveWanVideoAnimateEmbeds", "inputs": {
        "vae": ["2", 0], "width": 480, "height": 832, "num_frames": 81, "force_offload": True,
        "frame_window_size": 77, "adaptive_window_mode": "adaptive", "colormatch": "disabled",
        "pose_strength": 1.0, "face_strength": 1.0, "pose_images": ["3", 0]}},
        "2": {"class_type": "WanVideoVAELoader", "inputs": {}}, "3": {"class_type": "LoadImage", "inputs": {}}})
    said = "\n".join(twins.translate(wf))
    n = wf.nodes["1"]
    assert n.cls == "WanVideoAnimateEmbeds" and n.widgets["frame_window_size"] == 77 and "pose_images" in n.links
    assert "is read as ComfyUI-WanVideoWrapper's WanVideoAnimateEmbeds, whose inputs and outputs it declares alike" \
           in said and "adaptive_window_mode 'adaptive' is not applied" in said


def test_director_v2_crop_guides_declared_and_read_as_ltxv_crop_guides():
    assert twins.twin_of("LTXDirectorMotionBrushV2CropGuides") == (
        "LTXVCropGuides", {"positive": "positive", "negative": "negative", "latent": "latent"})
    assert twins.twin_of("LTXDirectorMotionBrushV2DirectorGuide") is None  # alike to no type Studio reads


def test_guide_loading_a_lora_is_a_patch_with_its_inputs_said_not_a_lora(planted):
    with open(DATA, encoding="utf-8") as fh:
        wf = json.load(fh)
    wf["20"] = {"class_type": "InventedLoraGuide", "inputs": {
        "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], "guide_frames": ["21", 0],
        "lora_name": "g.safetensors", "strength": 1.0}}
    wf["21"] = {"class_type": "LoadImage", "inputs": {"image": "guide.png"}}
    wf["5"]["inputs"]["model"] = ["20", 0]
    conv = convert(wf, "guide")
    said = _notes(conv)
    assert "(InventedLoraGuide, #20: a model patch) between the model loader and" in said
    assert "nor what it is given on 'vae', 'guide_frames'" in said
    assert "LoRA 'g.safetensors'" not in said
    assert "g.safetensors" not in json.dumps([n.params for n in conv.graph.nodes.values()])
