"""The catalogue of node types (studio/convert/catalogue): the extractor reads both declaration styles from
source text without running it, and the committed data holds the types the converter and server rely on."""
from __future__ import annotations

import textwrap

from studio.convert import catalogue
from studio.convert.catalogue.mappings import constants_of, extract_pack, io_types_of

OLD_STYLE = textwrap.dedent('''
    import folder_paths
    from nodes import MAX_RESOLUTION
    raise SystemExit("never run")

    class AnyType(str):
        pass

    any_type = AnyType("*")
    CHANNELS = ["red", "green"]

    class Base:
        CATEGORY = "demo/image"

    class LoadPic(Base):
        @classmethod
        def INPUT_TYPES(s):
            files = [f for f in folder_paths.listdir()]
            d = {"required": {"image": (sorted(files), {"image_upload": True}),
                              "width": ("INT", {"default": 512, "min": 0, "max": MAX_RESOLUTION, "step": 8}),
                              "channel": (CHANNELS,),
                              "lora": (["None"] + folder_paths.get_filename_list("loras"),)}}
            d["optional"] = {"anything": (any_type,), "n": ("INT", {"forceInput": True}),
                             "odd": (make_it(), {"default": helper()})}
            return d
        RETURN_TYPES = ("IMAGE", "MASK", "INT")
        RETURN_NAMES = ("image", "mask", "width")

    class Ignored:
        def INPUT_TYPES(self):
            return {}

    NODE_CLASS_MAPPINGS = {"LoadPic": LoadPic}
    NODE_DISPLAY_NAME_MAPPINGS = {"LoadPic": "Load a picture"}
    NODE_CLASS_MAPPINGS.update({"LoadPic2": LoadPic})
''')

V3_STYLE = textwrap.dedent('''
    import nodes
    from comfy_api.latest import io

    class Scale(io.ComfyNode):
        @classmethod
        def define_schema(cls):
            return io.Schema(
                node_id="ScaleIt", display_name="Scale it", category="image/transform",
                inputs=[io.Image.Input("image"),
                        io.Int.Input("width", default=768, min=64, max=nodes.MAX_RESOLUTION, step=32),
                        io.Combo.Input("method", options=["bilinear", "area"]),
                        io.Combo.Input("file", upload=io.UploadType.video, options=files_now()),
                        io.Mask.Input("mask", optional=True),
                        io.Whatever.Input("odd")],
                outputs=[io.Image.Output(display_name="scaled"), io.Int.Output()],
            )
''')

IO_DECLARATIONS = textwrap.dedent('''
    def comfytype(io_type): ...
    @comfytype(io_type="IMAGE")
    class Image: ...
    @comfytype(io_type="INT")
    class Int: ...
    @comfytype(io_type="COMBO")
    class Combo: ...
    @comfytype(io_type="MASK")
    class Mask: ...
''')


def test_old_style_inputs_outputs_and_names():
    core = constants_of({"nodes.py": "MAX_RESOLUTION = 8192\n"})
    found = extract_pack({"pack/__init__.py": OLD_STYLE}, core)
    assert sorted(found) == ["LoadPic", "LoadPic2"]  # Ignored is registered nowhere
    rec = found["LoadPic"]
    assert rec["display"] == "Load a picture" and rec["category"] == "demo/image"  # inherited CATEGORY
    ins = {i["name"]: i for i in rec["inputs"]}
    assert ins["image"] == {"name": "image", "type": "COMBO", "options": "unknown", "widget": True, "upload": "image"}
    assert ins["width"]["max"] == 8192 and ins["width"]["step"] == 8 and ins["width"]["default"] == 512
    assert ins["channel"]["options"] == ["red", "green"]
    assert ins["lora"]["files"] == "loras" and ins["lora"]["options"] == ["None"]
    assert ins["anything"]["type"] == "*" and ins["anything"]["optional"] and not ins["anything"]["widget"]
    assert ins["n"]["type"] == "INT" and ins["n"]["widget"] is False  # forceInput: a socket
    assert ins["odd"]["default"] == "unknown"  # not literal: said unknown, no error
    assert rec["outputs"] == [{"type": "IMAGE", "name": "image"}, {"type": "MASK", "name": "mask"},
                              {"type": "INT", "name": "width"}]


def test_v3_schema():
    io_types = io_types_of({"comfy_api/latest/_io.py": IO_DECLARATIONS})
    assert io_types["Image"] == "IMAGE"
    found = extract_pack({"extras/nodes_scale.py": V3_STYLE}, {"MAX_RESOLUTION": 16384}, io_types)
    rec = found["ScaleIt"]
    assert rec["display"] == "Scale it" and rec["category"] == "image/transform" and rec["v3"]
    ins = {i["name"]: i for i in rec["inputs"]}
    assert ins["width"] == {"name": "width", "type": "INT", "widget": True, "default": 768, "min": 64,
                            "max": 16384, "step": 32}
    assert ins["method"]["options"] == ["bilinear", "area"]
    assert ins["file"]["upload"] == "video" and ins["file"]["options"] == "unknown"
    assert ins["mask"]["optional"] and ins["mask"]["type"] == "MASK"
    assert ins["odd"]["type"] == "unknown"
    assert rec["outputs"] == [{"type": "IMAGE", "name": "scaled"}, {"type": "INT"}]


def test_broken_source_gives_no_types_and_no_error():
    assert extract_pack({"a.py": "def (:\n", "b.py": "NODE_CLASS_MAPPINGS = {'X': Missing}\n"}) == {}


def test_committed_catalogue_has_the_types_the_converter_reads():
    packs = catalogue.packs()
    assert len(packs) >= 20 and all(len(p["commit"]) == 40 for p in packs.values())
    assert len(catalogue.names()) > 2000
    load = catalogue.node_type("LoadImage")
    assert catalogue.loader_kind(load) == "image" and load.input("image").upload == "image"
    kj = catalogue.node_type("LoadAndResizeImage")
    assert kj.pack == "kijai/ComfyUI-KJNodes" and catalogue.loader_kind(kj) == "image"
    assert catalogue.file_input(kj).name == "image" and kj.input("width").type == "INT"
    assert catalogue.loader_kind(catalogue.node_type("VHS_LoadVideo")) == "video"
    scale = catalogue.node_type("ImageScaleBy")
    assert catalogue.image_operation(scale) and scale.input("scale_by").max == 8.0
    assert catalogue.ranges("EmptyLTXVLatentVideo")["width"] == {"min": 64, "max": 16384, "step": 32, "default": 768}
    assert catalogue.is_primitive(catalogue.node_type("PrimitiveInt"))
    assert catalogue.node_type("CheckpointLoaderSimple").input("ckpt_name").files == "checkpoints"
    assert catalogue.node_type("no such node") is None and catalogue.ranges("no such node") == {}


def test_object_info_form():
    info = catalogue.object_info("ImageScaleBy")
    assert info["input"]["required"]["scale_by"] == ["FLOAT", {"default": 1.0, "min": 0.01, "max": 8.0, "step": 0.01}]
    assert info["input"]["required"]["upscale_method"][0][:2] == ["nearest-exact", "bilinear"]
    assert info["input"]["required"]["image"] == ["IMAGE"] and info["output"] == ["IMAGE"]
    assert catalogue.object_info("LoadImage")["input"]["required"]["image"] == [[], {"image_upload": True}]
    assert catalogue.object_info("CheckpointLoaderSimple")["input"]["required"]["ckpt_name"] == [[], {"files": "checkpoints"}]
    assert catalogue.object_info("no such node") is None
