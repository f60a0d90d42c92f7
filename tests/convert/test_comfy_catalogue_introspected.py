"""A pack that registers its nodes by walking its own members (``inspect.getmembers`` over what its ``__init__.py``
star-imports, as siraxe's SA-Nodes-QQ does, with no literal NODE_CLASS_MAPPINGS): the extractor registers each node
class of the star-imported modules under its class name, and nothing of a module the walk does not hold."""
from __future__ import annotations

import textwrap

from studio.convert import catalogue
from studio.convert.catalogue.mappings import extract_pack

INIT = textwrap.dedent('''
    import inspect, sys
    from .nodes.frames import *
    NODE_CONFIG = {}
    for name, obj in inspect.getmembers(sys.modules[__name__]):
        if inspect.isclass(obj) and hasattr(obj, "INPUT_TYPES"):
            NODE_CONFIG[name] = obj
    NODE_CLASS_MAPPINGS = {k: v for k, v in NODE_CONFIG.items()}
''')
FRAMES = textwrap.dedent('''
    from .helpers import *

    class WanFramesX:
        DISPLAY_NAME = "Wan Frames X"
        CATEGORY = "pack"
        FUNCTION = "run"
        RETURN_TYPES = ("INT",)
        @classmethod
        def INPUT_TYPES(cls):
            return {"required": {"frames": ("INT", {"default": 5, "min": 5, "max": 1000, "step": 4})}}

    class NotANode:
        pass
''')
HELPERS = textwrap.dedent('''
    class PickFrameX:
        CATEGORY = "pack"
        FUNCTION = "run"
        RETURN_TYPES = ("IMAGE",)
        @classmethod
        def INPUT_TYPES(cls):
            return {"required": {"images": ("IMAGE",), "index": ("INT", {"default": 0})}}
''')
UNIMPORTED = HELPERS.replace("PickFrameX", "NeverImportedX")


def test_a_pack_walking_its_members_registers_the_star_imported_node_classes():
    found = extract_pack({"__init__.py": INIT, "nodes/frames.py": FRAMES, "nodes/helpers.py": HELPERS,
                          "other/unused.py": UNIMPORTED})
    assert set(found) == {"WanFramesX", "PickFrameX"}
    assert found["WanFramesX"]["display"] == "Wan Frames X" and "display" not in found["PickFrameX"]
    assert found["WanFramesX"]["inputs"][0]["step"] == 4 and found["WanFramesX"]["outputs"] == [{"type": "INT"}]
    assert [i["name"] for i in found["PickFrameX"]["inputs"]] == ["images", "index"]


def test_without_the_walk_nothing_is_registered_by_name_alone():
    found = extract_pack({"__init__.py": INIT.replace("inspect.getmembers", "list"), "nodes/frames.py": FRAMES,
                          "nodes/helpers.py": HELPERS})
    assert found == {}


def test_the_catalogue_holds_the_walked_packs_types():
    rec = catalogue.node_type("WanFrames")
    assert rec is not None and rec.pack == "siraxe/ComfyUI-WanVideoWrapper_QQ"
    assert catalogue.node_type("PrepareRefs") is not None


def test_the_catalogue_holds_a_pack_heldout74_drew():
    rec = catalogue.node_type("GJJ_CannyEdge")  # guojijun's pack: its Wan templates' nodes, declared types read
    assert rec is not None and rec.pack == "guojijun/ComfyUI_GJJ_Nodes"
    assert [i.name for i in rec.inputs][:3] == ["image", "low_threshold", "high_threshold"]
