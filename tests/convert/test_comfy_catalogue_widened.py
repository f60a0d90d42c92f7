"""LTXVideo's ``@comfy_node`` registrations (``name=``, else the class's name less a trailing "Node"; ``skip=True``
not registered) and the packs the held-out sets use that the catalogue took in (issue 112 item 1)."""
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
                       ("IDLoraTwoStageSampler", "pedroalmeida415/ID-LoRA-LTX2.3-ComfyUI")):
        assert catalogue.node_type(name).pack == pack, name
