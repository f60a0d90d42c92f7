"""The catalogue's fifth round of packs (issue 112 item 1): the forms of registration and declaration the newly read
packs use, read without running them (a file saved with a byte-order mark; a class registered under the name it was
imported as; mappings a module-level function updates; ``{"X": (Cls, "Shown")}``; a class's own id attribute the
pack reads with ``getattr`` or ``cls.__dict__[...]`` and a suffix; an input whose declaration an ``if`` picks where
ComfyUI runs; a constant set in a ``try``), the committed catalogue holding the packs, and one of their types read by
its declared types in a conversion. Sources here are written for the test."""
from __future__ import annotations

import textwrap

from studio.convert.catalogue.mappings import extract_pack

NODE = textwrap.dedent('''
    class {name}:
        {extra}
        @classmethod
        def INPUT_TYPES(cls):
            return {{"required": {{"model": ("MODEL",)}}}}
        RETURN_TYPES = ("MODEL",)
        CATEGORY = "test"
''')


def node(name, extra="pass"):
    return NODE.format(name=name, extra=extra)


def test_a_file_with_a_byte_order_mark_is_read():
    src = "\ufeff" + node("Swap") + 'NODE_CLASS_MAPPINGS = {"SwapPatcher": Swap}\n'
    assert set(extract_pack({"swap.py": src})) == {"SwapPatcher"}


def test_a_class_registered_under_the_name_it_was_imported_as():
    init = 'from .guides import Guide as V2Guide\nNODE_CLASS_MAPPINGS = {"V2Guide": V2Guide}\n'
    found = extract_pack({"__init__.py": init, "guides.py": node("Guide")})
    assert set(found) == {"V2Guide"} and found["V2Guide"]["outputs"] == [{"type": "MODEL"}]


def test_mappings_a_function_updates_and_tuples_with_their_display_names():
    init = textwrap.dedent('''
        from . import extras
        NODE_CLASS_MAPPINGS = {}
        def add_more(NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS):
            if True:
                NODE_CLASS_MAPPINGS.update({"MoreOptions": extras.More})
            NODE_DISPLAY_NAME_MAPPINGS.update({"MoreOptions": "More Options"})
            return NODE_CLASS_MAPPINGS
        COMBINED = {"BlurFast": (extras.Blur, "Blur (Fast)")}
    ''')
    found = extract_pack({"__init__.py": init, "extras.py": node("More") + node("Blur")})
    assert set(found) == {"MoreOptions", "BlurFast"}
    assert found["MoreOptions"]["display"] == "More Options" and found["BlurFast"]["display"] == "Blur (Fast)"


def test_a_class_registered_by_the_id_attribute_its_pack_reads():
    nodes = node("SplitLoader", 'NODE_ID = "Pack_SplitLoader"\n    DISPLAY_NAME = "Split Loader"') + \
        node("Helper", 'NOTE = "not an id"')
    init = textwrap.dedent('''
        from . import nodes
        NODE_CLASS_MAPPINGS = {}
        for v in vars(nodes).values():
            key = getattr(v, "NODE_ID", None)
            if key:
                NODE_CLASS_MAPPINGS[key] = v
                NODE_DISPLAY_NAME_MAPPINGS[key] = getattr(v, "DISPLAY_NAME", key)
    ''')
    found = extract_pack({"__init__.py": init, "nodes.py": nodes})
    assert set(found) == {"Pack_SplitLoader"} and found["Pack_SplitLoader"]["display"] == "Split Loader"
    # read with a suffix to register (the Dream packs' " [DVB]"): that name, never the bare value
    init = textwrap.dedent('''
        _SUFFIX = " [DVB]"
        for cls in _NODE_CLASSES:
            name = cls.__dict__["NODE_NAME"] + _SUFFIX
            NODE_CLASS_MAPPINGS[name] = cls
            NODE_DISPLAY_NAME_MAPPINGS[name] = cls.__dict__.get("DISPLAY_NAME", cls.__dict__["NODE_NAME"])
    ''')
    found = extract_pack({"__init__.py": init, "calc.py": node("Divide", 'NODE_NAME = "Divide"')})
    assert set(found) == {"Divide [DVB]"}
    assert extract_pack({"calc.py": node("Divide", 'NODE_NAME = "Divide"')}) == {}  # nothing reads it: no name


def test_an_input_an_if_declares_one_way_or_another_is_not_guessed():
    src = textwrap.dedent('''
        try:
            ANY = IO.ANY
        except ImportError:
            ANY = "*"
        class Loader:
            @classmethod
            def INPUT_TYPES(cls):
                if HOST_OK:
                    opts: tuple = (folder_paths.get_filename_list("diffusion_models"),)
                else:
                    opts = ("STRING", {"default": ""})
                return {"required": {"gguf_model": opts, "anything": (ANY,), "steps": ("INT", {"default": 4})}}
            RETURN_TYPES = ("MODEL",)
        NODE_CLASS_MAPPINGS = {"Loader": Loader}
    ''')
    ins = {i["name"]: i for i in extract_pack({"a.py": src})["Loader"]["inputs"]}
    assert ins["gguf_model"]["type"] != "STRING" and ins["gguf_model"].get("options") == "unknown"
    assert ins["anything"]["type"] == "*" and ins["steps"] == {"name": "steps", "type": "INT", "widget": True,
                                                               "default": 4}


def test_the_committed_catalogue_holds_the_fifth_rounds_packs():
    from studio.convert import catalogue
    packs = catalogue.packs()
    assert packs["ClownsharkBatwing/RES4LYF"]["commit"].startswith("022c873c")  # the record kept as it was
    extra = catalogue.node_type("ClownOptions_ExtraOptions_Beta")  # its beta mappings, updated in a function
    assert extra.pack == "ClownsharkBatwing/RES4LYF" and extra.output_types == ("OPTIONS",)
    looper = catalogue.node_type("VantageI2VDualLooper")  # the pack's older names, read at their own commit
    assert looper.pack == "Konohamaru04/NebulaWanVideo" and looper.commit.startswith("0e75cd4a")
    assert packs["Konohamaru04/NebulaWanVideo"]["commit"].startswith("f04cb49c")
    assert catalogue.node_type("LTX2_MultiGPU_VAELoader").output_types == ("VAE",)
    assert catalogue.node_type("WAN22BlockSwapPatcher").output_types == ("MODEL",)
    assert catalogue.node_type("Divide [DVB]").pack == "alt-key-project/comfyui-dream-video-batches"
    assert catalogue.node_type("Divide") is None or catalogue.node_type("Divide").pack != \
        "alt-key-project/comfyui-dream-video-batches"
    assert catalogue.node_type("ComfyUIDeployExternalText").output_types == ("STRING",)
    # kept out then (read by name); cat21 added ComfyUI 783545f6's own declaration (DaSiWa's HEAD wraps it, declares
    # no node of that name): tests/convert/test_comfy_cat21.py
    assert catalogue.node_type("MiniMaxH3ImageToVideo").pack == "Comfy-Org/ComfyUI"


def test_a_newly_catalogued_packs_types_are_read_by_their_declared_types():
    """THE-ANGEL-AI's nodes (registered by their NODE_ID) as their pack declares them: its VAE loader read as
    ComfyUI's VAELoader (one file in, one VAE out), its machine setting said as not applied; the required 'verbose'
    the API file does not give said of each, with the pack and commit the catalogue read (undeclared, nothing knew it
    was required); wan22Blockswap's patcher (a file with a byte-order mark) a model patch not applied."""
    from studio.convert.mapping.convert import convert
    from tests.convert.said import notes as _notes
    from tests.convert.workflow_shapes import wan_t2v_combined
    doc = wan_t2v_combined()
    doc["3"] = {"class_type": "LTX2_MultiGPU_VAELoader", "inputs": {"vae_model": "wan_2.1_vae.safetensors",
                                                                   "memory_gpu": "auto"}}
    doc["10"] = {"class_type": "WAN22BlockSwapPatcher", "inputs": {"model": ["1", 0], "blocks_to_swap": 20}}
    doc["11"] = {"class_type": "LTX2_MultiGPU_SageAttention", "inputs": {"model": ["10", 0], "enable": True}}
    doc["7"]["inputs"]["model"] = ["11", 0]
    conv = convert(doc, "round5.json")
    said = "\n".join(conv.log) + "\n" + _notes(conv)
    assert conv.pipelines == 1 and "no pack in Studio's catalogue declares" not in said
    assert ("(LTX2_MultiGPU_VAELoader, #3) is read as ComfyUI's VAELoader of 'wan_2.1_vae.safetensors' by its "
            "declared types") in said and "its memory_gpu 'auto' is not applied" in said
    assert ("this API file does not give 2 node(s) settings their packs require as the catalogue read them "
            "(THE-ANGEL-AI/ComfyUI-LTX2-MultiGPU@8119b056): 'LTX2_MultiGPU_VAELoader' (LTX2_MultiGPU_VAELoader, #3): "
            "'verbose'; 'LTX2_MultiGPU_SageAttention' (LTX2_MultiGPU_SageAttention, #11): 'verbose'") in said
    assert "(WAN22BlockSwapPatcher, #10: a model patch)" in said and '{"blocks_to_swap": 20}' in said
    assert conv.passed == ["10", "11"] and not conv.dropped
