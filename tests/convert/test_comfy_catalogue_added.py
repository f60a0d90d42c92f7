"""The catalogue grown without changing it (issue 112 item 1): scripts/comfy_catalogue.py --add reads only new
sources and adds the types the catalogue lacks, every entry already there kept as it is; the extractor reads names
made by a pack's lambda, inputs made by a pack's static helpers (Derfuu's ``Field.float()``), and types a pack makes
with a class factory on another node (ComfyUI-MultiGPU's DisTorch loaders). Sources here are written for the test."""
from __future__ import annotations

import gzip
import json
import textwrap

from scripts import comfy_catalogue
from studio.convert.catalogue.mappings import extract_pack

HELPERS = textwrap.dedent('''
    import sys
    PREFIX = "PX_"
    _n = lambda name: f"{PREFIX}{name}"

    class Spec:
        @staticmethod
        def field(kind, data=None):
            if data:
                return (kind, data)
            return (kind,)

        @staticmethod
        def number(default=1, step=0.01, force=False):
            data = {"default": default, "min": -sys.maxsize, "step": step, "forceInput": force}
            return Spec.field("FLOAT", data)

        @staticmethod
        def picture():
            return Spec.field("IMAGE")

    class Scale:
        @classmethod
        def INPUT_TYPES(cls):
            return {"required": {"image": Spec.picture(), "by": Spec.number(step=0.5),
                                 "count": Spec.number(2, 1, force=True)}}
        RETURN_TYPES = ("IMAGE",)
        CATEGORY = "px/image"

    NODE_CLASS_MAPPINGS = {_n("Scale"): Scale}
''')

FACTORY = textwrap.dedent('''
    import copy
    from nodes import NODE_CLASS_MAPPINGS as GLOBAL_MAPPINGS

    def _make(cls, device_name, ceiling=24.0):
        class Wrapped(cls):
            @classmethod
            def INPUT_TYPES(s):
                inputs = copy.deepcopy(cls.INPUT_TYPES())
                devices = list_devices()
                inputs["optional"] = inputs.get("optional", {})
                inputs["optional"][device_name] = (devices, {"default": devices[0]})
                inputs["optional"]["budget_gb"] = ("FLOAT", {"default": 4.0, "min": 0.0, "max": ceiling})
                return inputs
            CATEGORY = "multi"
        return Wrapped

    def on_device(cls):
        return _make(cls, device_name="compute_device", ceiling=128.0)

    def pruned(cls):
        class Pruned(cls):
            @classmethod
            def INPUT_TYPES(s):
                inputs = copy.deepcopy(cls.INPUT_TYPES())
                del inputs["required"]["unet_name"]
                return inputs
        return Pruned

    class LocalLoader:
        @classmethod
        def INPUT_TYPES(s):
            return {"required": {"name": (["a.gguf", "b.gguf"],)}}
        RETURN_TYPES = ("MODEL",)

    def _more():
        from .more import LocalLoader
        return {"LocalLoaderPlain": LocalLoader}

    NODE_CLASS_MAPPINGS = {"LocalLoaderMulti": on_device(LocalLoader)}
    NODE_CLASS_MAPPINGS["UnetMulti"] = on_device(GLOBAL_MAPPINGS["UNETLoader"])
    NODE_CLASS_MAPPINGS["UnetPruned"] = pruned(GLOBAL_MAPPINGS["UNETLoader"])
    NODE_CLASS_MAPPINGS["NotKnown"] = on_device(GLOBAL_MAPPINGS["NoSuchLoader"])
''')

UNET = {"pack": "Comfy-Org/ComfyUI", "category": "advanced/loaders", "display": "Load Diffusion Model",
        "inputs": [{"name": "unet_name", "type": "COMBO", "widget": True, "files": "diffusion_models"}],
        "outputs": [{"type": "MODEL"}]}


def test_names_from_a_lambda_and_inputs_from_static_helpers():
    found = extract_pack({"pack/__init__.py": HELPERS})
    assert set(found) == {"PX_Scale"}  # no "unknown" name from a key not worked out
    ins = {i["name"]: i for i in found["PX_Scale"]["inputs"]}
    assert ins["image"] == {"name": "image", "type": "IMAGE", "widget": False}
    assert ins["by"] == {"name": "by", "type": "FLOAT", "widget": True, "default": 1, "min": "unknown", "step": 0.5}
    assert ins["count"]["widget"] is False and ins["count"]["default"] == 2 and ins["count"]["step"] == 1


def test_a_key_not_worked_out_names_no_type():
    src = "class N:\n    INPUT_TYPES = lambda: {}\n    RETURN_TYPES = ('INT',)\n" \
          "NODE_CLASS_MAPPINGS = {make_name('x'): N}\nNODE_CLASS_MAPPINGS[other()] = N\n"
    assert extract_pack({"a.py": src}) == {}


def test_types_a_factory_makes_on_another_node():
    found = extract_pack({"wrappers.py": FACTORY}, known={"UNETLoader": UNET})
    assert set(found) == {"LocalLoaderMulti", "UnetMulti", "UnetPruned", "LocalLoaderPlain"}  # NoSuchLoader: no base
    assert found["LocalLoaderPlain"]["inputs"][0]["options"] == ["a.gguf", "b.gguf"]  # a function's returned mappings
    unet = found["UnetMulti"]
    assert [i["name"] for i in unet["inputs"]] == ["unet_name", "compute_device", "budget_gb"]
    assert unet["inputs"][0] == UNET["inputs"][0] and unet["outputs"] == [{"type": "MODEL"}]
    assert unet["inputs"][2] == {"name": "budget_gb", "type": "FLOAT", "optional": True, "widget": True,
                                 "default": 4.0, "min": 0.0, "max": 128.0}
    assert unet["category"] == "multi" and "display" not in unet  # the base's display name is not the made type's
    dev = unet["inputs"][1]
    assert dev["type"] == "COMBO" and dev["options"] == "unknown" and dev["optional"]
    local = found["LocalLoaderMulti"]
    assert local["inputs"][0]["options"] == ["a.gguf", "b.gguf"] and local["outputs"] == [{"type": "MODEL"}]
    assert found["UnetPruned"]["inputs"] == "unknown"  # a body doing more than setting inputs: not guessed


def _write(path, data):
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(data, fh)


def test_add_keeps_every_entry_and_adds_only_missing_types(tmp_path):
    core = tmp_path / "core"
    (core / "comfy_extras").mkdir(parents=True)
    (core / "nodes.py").write_text("MAX_RESOLUTION = 16384\n")
    (core / "comfy_extras" / "nodes_new.py").write_text(textwrap.dedent('''
        from nodes import MAX_RESOLUTION
        class Newer:
            @classmethod
            def INPUT_TYPES(s):
                return {"required": {"width": ("INT", {"default": 64, "max": MAX_RESOLUTION})}}
            RETURN_TYPES = ("LATENT",)
        class Changed:
            @classmethod
            def INPUT_TYPES(s):
                return {"required": {"renamed": ("INT",)}}
            RETURN_TYPES = ("INT",)
        NODE_CLASS_MAPPINGS = {"Newer": Newer, "Changed": Changed}
    '''))
    (core / "SOURCE.json").write_text(json.dumps({"commit": "b" * 40, "date": "2026-08-22"}))
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "__init__.py").write_text(HELPERS)
    (pack / "SOURCE.json").write_text(json.dumps({"commit": "c" * 40, "date": "2026-01-02"}))
    old = {"packs": {"Comfy-Org/ComfyUI": {"commit": "a" * 40, "date": "2026-04-15", "types": 1}},
           "types": {"Changed": {"pack": "Comfy-Org/ComfyUI", "inputs": [{"name": "value", "type": "INT"}],
                                 "outputs": [{"type": "INT"}]}}}
    out = tmp_path / "types.json.gz"
    _write(out, old)
    assert comfy_catalogue.main(["--add", "--out", str(out), f"Comfy-Org/ComfyUI={core}",
                                 f"Comfy-Org/ComfyUI={core}", f"px/pack={pack}"]) == 0
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        new = json.load(fh)
    assert new["types"]["Changed"] == old["types"]["Changed"]  # kept as it was, not re-read
    assert new["packs"]["Comfy-Org/ComfyUI"] == old["packs"]["Comfy-Org/ComfyUI"]
    newer = new["types"]["Newer"]
    assert newer["pack"] == "Comfy-Org/ComfyUI" and newer["commit"] == "b" * 40 and newer["date"] == "2026-08-22"
    assert newer["inputs"][0]["max"] == 16384
    assert new["packs"]["px/pack"] == {"commit": "c" * 40, "date": "2026-01-02", "types": 1}
    assert new["types"]["PX_Scale"]["pack"] == "px/pack" and "commit" not in new["types"]["PX_Scale"]


def test_the_committed_catalogue_holds_the_added_packs():
    from studio.convert import catalogue
    packs = catalogue.packs()
    assert packs["pollockjj/ComfyUI-MultiGPU"]["commit"].startswith("a38cbda5")  # kept as it was (4 types then)
    assert packs["aigc-apps/VideoX-Fun"]["types"] >= 80
    frame = catalogue.node_type("FrameInterpolate")  # a newer ComfyUI's, added with its own commit
    assert frame.pack == "Comfy-Org/ComfyUI" and frame.commit.startswith("783545f6")
    assert catalogue.node_type("KSampler").commit.startswith("1de83f91")  # the catalogued core's entry, kept
    assert catalogue.node_type("DF_Integer").output_types == ("INT",)
    assert catalogue.node_type("LTXVLoader").commit.startswith("4c5add5f")  # LTXVideo's older read
    assert catalogue.node_type("unknown") is not None  # the one entry a key not worked out made: kept, not rewritten


def test_a_added_packs_type_is_read_by_its_declared_types():
    """MultiGPU's DisTorch2 loader (a factory's type on ComfyUI's UNETLoader) is read as the UNETLoader whose inputs
    it declares, its device and memory settings said as not applied; Derfuu's text (catalogued now) is passed over
    in one sentence naming it and the input it feeds, not listed as a type no pack declares."""
    from studio.convert.mapping.convert import convert
    from tests.convert.said import notes as _notes
    from tests.convert.workflow_shapes import wan_t2v_combined
    doc = wan_t2v_combined(text=["21", 0])
    doc["1"] = {"class_type": "UNETLoaderDisTorch2MultiGPU", "inputs": {
        "unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default", "compute_device": "cuda:0",
        "virtual_vram_gb": 4.0, "donor_device": "cpu", "expert_mode_allocations": "", "eject_models": True}}
    doc["21"] = {"class_type": "DF_Text", "inputs": {"Text": "a fox runs through snow"}}
    conv = convert(doc, "multigpu.json")
    said = "\n".join(conv.log) + "\n" + _notes(conv)
    assert conv.pipelines == 1 and "no pack in Studio's catalogue declares" not in said
    assert ("'UNETLoaderDisTorch2MultiGPU' (UNETLoaderDisTorch2MultiGPU, #1) is read as ComfyUI's UNETLoader, whose "
            "inputs it declares too; its compute_device 'cuda:0', virtual_vram_gb 4.0") in said
    assert "'DF_Text' (DF_Text, #21) gives 'CLIPTextEncode' (#4)'s 'text' a value" in said
    assert conv.passed == ["21"] and not conv.dropped
