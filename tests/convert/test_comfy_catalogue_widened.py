"""LTXVideo's ``@comfy_node`` registrations (``name=``, else the class's name less a trailing "Node"; ``skip=True``
not registered), a V3 schema derived from its base's, comfy_mtb's ``__nodes__`` lists, jamesWalker55's functional
nodes, and the packs the held-out sets use that the catalogue took in (issue 112 item 1)."""
from __future__ import annotations

import textwrap

from studio.convert import catalogue
from studio.convert.catalogue.mappings import extract_pack

REGISTRY = textwrap.dedent('''
    from .nodes_registry import comfy_node

    @comfy_node(name="LTXVTiled")
    class Tiled:
        CATEGORY = "latent"
        INPUT_TYPES = lambda: {"required": {"tiles": ("INT", {"default": 4, "min": 1, "max": 8})}}
        RETURN_TYPES = ("IMAGE",)

    @comfy_node(description="Mask By Time")
    class MaskByTimeNode:
        INPUT_TYPES = lambda: {"required": {"start_time": ("FLOAT", {"default": 0.0})}}
        RETURN_TYPES = ("LATENT",)

    @comfy_node(skip=True)
    class Hidden:
        INPUT_TYPES = lambda: {"required": {}}
        RETURN_TYPES = ("LATENT",)
''')


def test_comfy_node_decorators_name_their_nodes():
    found = extract_pack({"tiled.py": REGISTRY})
    assert set(found) == {"LTXVTiled", "MaskByTime"}
    assert found["LTXVTiled"]["outputs"] == [{"type": "IMAGE"}] and found["MaskByTime"]["display"] == "Mask By Time"


def test_the_catalogue_holds_the_held_out_sets_packs():
    packs = catalogue.packs()
    assert packs["Lightricks/ComfyUI-LTXVideo"]["types"] >= 78
    for name, pack in (("LTXVSpatioTemporalTiledVAEDecode", "Lightricks/ComfyUI-LTXVideo"),
                       ("LTXVSetAudioVideoMaskByTime", "Lightricks/ComfyUI-LTXVideo"),
                       ("FL_RIFE", "filliptm/ComfyUI_Fill-Nodes"), ("CozyGenImageInput", "rusticchamplain/NeonCozyGen"),
                       ("D_LatentSyncNode", "iVideoGameBoss/ComfyUI-LatentSync-Node"),
                       ("DepthCrafter", "akatz-ai/ComfyUI-DepthCrafter-Nodes"),
                       ("IDLoraTwoStageSampler", "pedroalmeida415/ID-LoRA-LTX2.3-ComfyUI"),
                       ("LTXDirector", "WhatDreamsCost/WhatDreamsCost-ComfyUI"), ("JWInteger", "jamesWalker55/comfyui-various"),
                       ("String Replace (mtb)", "melMass/comfy_mtb"), ("WanContextWindowsManual", "Comfy-Org/ComfyUI"),
                       ("PainterSamplerLTXV", "princepainter/ComfyUI-PainterLTXV2")):
        assert catalogue.node_type(name).pack == pack, name


FORMS = textwrap.dedent('''
    from typing import Literal
    from comfy_api.latest import io

    class Base(io.ComfyNode):
        @classmethod
        def define_schema(cls):
            return io.Schema(node_id="Base", category="latent", inputs=[io.Int.Input("width", default=848)],
                             outputs=[io.Latent.Output()])

    class Derived(Base):
        @classmethod
        def define_schema(cls):
            schema = super().define_schema()
            schema.node_id = "Derived"
            schema.inputs = [io.Int.Input("length", default=25)]
            return schema

    class MTB_StringReplace:
        INPUT_TYPES = lambda: {"required": {"string": ("STRING", {"forceInput": True})}}
        RETURN_TYPES = ("STRING",)

    __nodes__ = [MTB_StringReplace]

    def generate_functional_node(category, identifier, display_name, *, multiline_string=False, output_node=False):
        return lambda f: f

    @generate_functional_node("jamesWalker55", "JWFloatToInteger", "Float to Integer")
    def _(value: float = 0.0, mode: Literal["round", "floor"] = None) -> tuple[int]:
        return (round(value),)
''')


def test_a_derived_schema_mtb_lists_and_functional_nodes():
    found = extract_pack({"nodes.py": FORMS}, {}, {"Int": "INT", "Latent": "LATENT"})
    assert found["Derived"]["inputs"][0]["name"] == "length" and found["Derived"]["category"] == "latent"
    assert found["Base"]["inputs"][0]["name"] == "width"  # the base keeps its own
    assert found["String Replace (mtb)"]["outputs"] == [{"type": "STRING"}]
    jw = found["JWFloatToInteger"]
    assert [(i["name"], i["type"]) for i in jw["inputs"]] == [("value", "FLOAT"), ("mode", "COMBO")]
    assert jw["inputs"][1]["options"] == ["round", "floor"] and jw["outputs"] == [{"type": "INT"}]
    assert jw["display"] == "Float to Integer" and jw["inputs"][0]["default"] == 0.0


def test_a_catalogued_variant_is_read_as_the_base_it_shares_most_and_its_undeclared_input_said():
    """LTXVImgToVideoAdvanced (now catalogued) shares all of LTXVImgToVideo's inputs, fewer of WanVaceToVideo's longer
    list (its optional pictures missing); a saved input the stored declaration lacks (bypass_i2v) is said too."""
    from studio.convert.reading.variants import _bases
    from studio.convert.reading.workflow import Workflow
    doc = {"7": {"class_type": "LTXVImgToVideoAdvanced", "inputs": {
        "positive": ["2", 0], "negative": ["2", 0], "vae": ["3", 0], "image": ["4", 0], "width": 768, "height": 512,
        "length": 121, "batch_size": 1, "crf": 29, "blur_radius": 0, "interpolation": "lanczos", "crop": "disabled",
        "strength": 0.9, "bypass_i2v": False}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "x", "clip": ["5", 0]}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "v.safetensors"}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
        "5": {"class_type": "CLIPLoader", "inputs": {"clip_name": "c.safetensors", "type": "ltxv"}}}
    wf = Workflow.read(doc)
    said = [s for s in wf.wiring_said if "#7)" in s]
    assert "LTXVImgToVideo" in _bases()
    assert wf.nodes["7"].cls == "LTXVImgToVideo" and wf.nodes["7"].origin == "LTXVImgToVideoAdvanced"
    assert len(said) == 1 and "(LTXVImgToVideoAdvanced, #7)" in said[0] and "crf 29" in said[0]
    assert "bypass_i2v False" in said[0]
