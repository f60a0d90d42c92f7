"""More declaration forms the catalogue's extractor reads (ComfyUI's dataset nodes: a base's ``define_schema`` naming
the node by the subclass's ``node_id`` and growing its inputs by ``extend``; jamesWalker55's ``@register_node`` above
a class), what the regenerated catalogue holds of the newer packs, and an API file's node of a pack not catalogued
whose inputs' names fit the image-to-video nodes of several families (Wan's, Kandinsky 5's): not read as one."""
from __future__ import annotations

import textwrap

from studio.convert import catalogue
from studio.convert.catalogue.mappings import extract_pack
from studio.convert.reading.variants import _bases, base_of
from studio.convert.reading.workflow import Workflow

IO = {"Image": "IMAGE", "Int": "INT"}
BASED = textwrap.dedent('''
    from comfy_api.latest import io

    class Processing(io.ComfyNode):
        node_id = None
        extra_inputs = []

        @classmethod
        def define_schema(cls):
            inputs = [io.Image.Input("images")]
            inputs.extend(cls.extra_inputs)
            return io.Schema(node_id=cls.node_id, display_name=cls.display_name or cls.node_id, category="dataset",
                             inputs=inputs, outputs=[io.Image.Output(display_name="images")])

    class ByLongerEdge(Processing):
        node_id = "ByLongerEdge"
        extra_inputs = [io.Int.Input("longer_edge", default=1024, min=1, max=8192)]

    class Plain(io.ComfyNode):
        @classmethod
        def define_schema(cls):
            return io.Schema(node_id="Plain", inputs=[io.Int.Input("n")], outputs=[io.Int.Output()])

    class PlainToo(Plain):
        pass
''')
DECORATED = textwrap.dedent('''
    NODE_CLASS_MAPPINGS = {}

    def register_node(identifier, display_name):
        def wrap(cls):
            NODE_CLASS_MAPPINGS[identifier] = cls
            return cls
        return wrap

    @register_node("JWNumber", "Number")
    class Number:
        CATEGORY = "jamesWalker55"
        INPUT_TYPES = lambda: {"required": {"value": ("INT", {"default": 0})}}
        RETURN_TYPES = ("INT",)
''')


def test_a_base_schema_naming_the_subclass_node_and_extended_inputs():
    found = extract_pack({"nodes_dataset.py": BASED}, {}, IO)
    rec = found["ByLongerEdge"]
    assert [i["name"] for i in rec["inputs"]] == ["images", "longer_edge"]
    assert rec["inputs"][1]["max"] == 8192 and rec["outputs"] == [{"type": "IMAGE", "name": "images"}]
    assert "display" not in rec  # (a name made at run time is not written as 'unknown')
    assert set(found) == {"ByLongerEdge", "Plain"}  # a subclass of a literal id is not another node


def test_a_register_decorator_names_the_node_and_its_display():
    found = extract_pack({"nodes.py": DECORATED})
    assert found["JWNumber"]["display"] == "Number" and found["JWNumber"]["outputs"] == [{"type": "INT"}]


def test_the_catalogue_holds_the_newer_packs():
    packs = catalogue.packs()
    assert packs["Comfy-Org/ComfyUI"]["date"] >= "2026-04-15" and packs["kijai/ComfyUI-WanVideoWrapper"]["types"] > 140
    for name in ("LTXVImgToVideoInplace", "ResizeImageMaskNode", "ResizeImagesByLongerEdge", "TextGenerateLTX2Prompt",
                 "NormalizeAudioLoudness", "WanVideoSetBlockSwap", "LTXVSeparateAVLatent", "PainterI2V"):
        assert catalogue.node_type(name) is not None, name
    assert catalogue.ranges("ResizeImagesByLongerEdge")["longer_edge"]["max"] == 8192


def test_an_api_node_fitting_several_families_by_name_is_not_read_as_one():
    doc = {"1": {"class_type": "SomeoneI2VAdvanced", "inputs": {
        "positive": ["2", 0], "negative": ["2", 0], "vae": ["3", 0], "start_image": ["4", 0], "width": 832,
        "height": 480, "length": 81, "batch_size": 1, "motion_amplitude": 1.2}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "x", "clip": ["5", 0]}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "v.safetensors"}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
        "5": {"class_type": "CLIPLoader", "inputs": {"clip_name": "c.safetensors", "type": "wan"}}}
    wf = Workflow.read(doc)
    assert wf.nodes["1"].cls == "SomeoneI2VAdvanced" and not wf.nodes["1"].origin
    bases = _bases()
    assert "Kandinsky5ImageToVideo" in bases and "WanImageToVideo" in bases
    assert base_of(wf.nodes["1"], bases) is None


def test_a_v3_template_saved_as_several_types_is_a_step_not_settings():
    """ComfyUI's ResizeImageMaskNode (a match-type socket: the UI file saves 'IMAGE,MASK') between LoadImage and a
    resize: a step, not applied (had been 'gives ... settings Studio's nodes do not take')."""
    from studio.convert.mapping.passing import passed_over
    from tests.convert.test_comfy_ltx2_calculators import _ui
    wf = _ui([(1, "LoadImage", ["a.png", "image"], ["IMAGE", "MASK"]),
              (2, "ResizeImageMaskNode", ["scale by multiplier", 0.5, "area"], ["IMAGE,MASK"]),
              (3, "ImageScaleBy", ["lanczos", 1.5], ["IMAGE"])],
             [(1, 0, 2, "input", "IMAGE,MASK"), (2, 0, 3, "image", "IMAGE")])
    over = passed_over(wf, {"1", "3"})
    assert over["2"].startswith("'ResizeImageMaskNode' (ResizeImageMaskNode, #2), a step between its 'input' and "
                                "'ImageScaleBy' (#3)'s 'image': not applied")
