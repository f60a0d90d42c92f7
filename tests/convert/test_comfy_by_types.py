"""Nodes with no rule of Studio's own, read by their packs' declared types (reading/by_types.py, the catalogue):
KJNodes' Load & Resize Image as a file loader on an LTX-2.3 first/last-frame workflow (12 of 23 artists' LTX-2.3
workflows load their pictures with it), a UI node's values named by its declared widgets, a pack's constant by
its types (and a node alike by its types that makes a value, not read as one), the picture a pack's node passes."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading import by_types
from studio.convert.reading.subgraphs import CONTROL
from studio.convert.reading.workflow import CNode, Workflow
from studio.convert.tracing.walks import find_loader
from tests.convert.test_comfy_ltx2_inplace_kj import _ltx2_head
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes

RESIZE = [True, 832, 480, 1, True, 32, "alpha", ""]  # resize, width, height, repeat, keep_proportion, divisible_by...


def _flf(wired: bool) -> dict:
    """An LTX-2.3 first/last-frame workflow, its two pictures from LoadAndResizeImage (resize on; its width wired
    from an INTConstant when ``wired``), guided at frame 0 and at -1 (the last)."""
    w = UI()
    ck, pos, neg, empty = _ltx2_head(w)
    size = w.add("INTConstant", [832], ["INT"])
    loads = [w.add("LoadAndResizeImage", [f, *RESIZE, "image"], ["IMAGE", "MASK", "INT", "INT", "STRING"],
                   {"width": (size, 0, "INT")} if wired else {}) for f in ("first.png", "last.png")]
    cond, latent = ((pos, 0), (neg, 0)), (empty, 0)
    for load, at in zip(loads, (0, -1)):
        g = w.add("LTXVAddGuide", [at, 1.0], ["CONDITIONING", "CONDITIONING", "LATENT"],
                  {"positive": (*cond[0], "CONDITIONING"), "negative": (*cond[1], "CONDITIONING"), "vae": (ck, 2, "VAE"),
                   "latent": (*latent, "LATENT"), "image": (load, 0, "IMAGE")})
        cond, latent = ((g, 0), (g, 1)), (g, 2)
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (*cond[0], "CONDITIONING"),
                "negative": (*cond[1], "CONDITIONING"), "latent_image": (*latent, "LATENT")})
    crop = w.add("LTXVCropGuides", [], ["CONDITIONING", "CONDITIONING", "LATENT"],
                 {"positive": (*cond[0], "CONDITIONING"), "negative": (*cond[1], "CONDITIONING"),
                  "latent": (ks, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (crop, 2, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["flf", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def _keyframes(conv) -> dict:
    gen = _nodes(conv, "video_models.ltx2")[0]
    files = {}
    for port in ("keyframe_1", "keyframe_2", "image"):
        link = conv.graph.input_link(gen.id, port)
        while link is not None and conv.graph.nodes[link.src].type_id == "transform.scale":  # (its resize: a Scale)
            link = conv.graph.input_link(link.src, "video")
        if link is not None:
            files[port] = conv.graph.nodes[link.src].params["path"]
    return dict(zip(gen.params["keyframes"].split(", "), (files.get("keyframe_1"), files.get("keyframe_2"))))


def test_load_and_resize_image_gives_both_keyframes_its_resize_said():
    for wired in (False, True):
        conv = convert(_flf(wired), "flf")
        assert [(t["task"], t["inputs"]) for t in conv.tasks] == [("keyframe video", ["keyframe_1", "keyframe_2"])]
        assert _keyframes(conv) == {"0": "first.png", "last": "last.png"}
        said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
        assert "generates first" not in said and "does not convert: connect" not in said
        # its resize (its width 832 saved, or wired from an INTConstant): Studio's Scale after its Load Image
        assert ("'LoadAndResizeImage' (LoadAndResizeImage, #7) scales 'first.png' to fit within 832x480 keeping its "
                "aspect, each side rounded down to a multiple of 32, bilinear: Studio's Scale after its Load Image makes "
                "the same size") in said and "not applied" not in said.split("first.png")[1].split("\n")[0]
        scales = [n.params for n in conv.graph.nodes.values() if n.type_id == "transform.scale"]
        assert [(p["width"], p["height"], p["fit"], p["multiple"]) for p in scales] == [(832, 480, "within", 32)] * 2


def test_load_and_resize_image_in_an_api_file_and_with_its_resize_off():
    doc = {"1": {"class_type": "LoadAndResizeImage", "inputs": {
        "image": "start.png", "resize": False, "width": 640, "height": 360, "repeat": 1, "keep_proportion": False,
        "divisible_by": 2, "mask_channel": "alpha", "background_color": ""}}}
    wf = Workflow.read(doc)
    n = wf.nodes["1"]
    assert (n.cls, n.origin, n.widgets) == ("LoadImage", "LoadAndResizeImage", {"image": "start.png"})
    assert wf.wiring_said == []  # its resize off: its size settings change nothing, nothing to say


def test_only_a_loader_naming_a_file_of_its_kind_is_read_as_one():
    """A text-to-picture node's font file, a folder's path: not a file loader (nothing rewritten, nothing said)."""
    doc = {"1": {"class_type": "LayerUtility: TextImage", "inputs": {"text": "hi", "font_file": "a.ttf"}},
           "2": {"class_type": "Load Image Batch", "inputs": {"path": "/frames", "mode": "incremental_image"}},
           "3": {"class_type": "VHS_LoadVideoFFmpegPath", "inputs": {"video": "clip.mp4", "frame_load_cap": 16}}}
    wf = Workflow.read(doc)
    assert [wf.nodes[k].cls for k in "123"] == ["LayerUtility: TextImage", "Load Image Batch", "VHS_LoadVideoPath"]
    # its cap kept with it for Studio's Trim after the Load Video (mapping/load_trim says it there), not said lost
    assert wf.wiring_said == [] and wf.nodes["3"].widgets == {"video": "clip.mp4", "frame_load_cap": 16}
    doc["3"]["inputs"]["custom_width"] = 512  # (its size kept too: Studio's Scale after it, mapping/load_size)
    assert Workflow.read(doc).wiring_said == [] and Workflow.read(doc).nodes["3"].widgets["custom_width"] == 512


def test_widgets_named_by_declared_types():
    assert by_types.widget_names("LoadAndResizeImage", ["a.png", *RESIZE, "image"]) == {
        "image": "a.png", "resize": True, "width": 832, "height": 480, "repeat": 1, "keep_proportion": True,
        "divisible_by": 32, "mask_channel": "alpha", "background_color": "", "upload": "image"}
    assert by_types.widget_names("easy seed", [7, "fixed"]) == {"seed": 7, CONTROL: "fixed"}
    assert by_types.widget_names("easy seed", [7, "fixed", "extra"]) == {}  # no reading agrees: not named
    assert by_types.widget_names("no such type", [1]) == {}


def test_a_packs_constant_by_its_types_and_a_maker_of_values_not():
    def node(cls, **widgets):
        return CNode("1", cls, widgets=widgets)
    assert by_types.primitive(node("Seed (rgthree)", seed=7), 0) == 7
    assert by_types.primitive(node("Seed (rgthree)", seed=-1), 0) is None  # a new seed each run
    assert by_types.primitive(node("Primitive integer [Crystools]", int=12), 0) == 12
    assert by_types.primitive(node("HSL to Hex", hsl_color="hsl(0, 100%, 50%)"), 0) is None  # makes a value
    doc = {"1": {"class_type": "Primitive integer [Crystools]", "inputs": {"int": 121}},
           "2": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": ["1", 0],
                                                                  "batch_size": 1}}}
    wf = Workflow.read(doc)
    assert wf.value(wf.nodes["2"], "length") == 121


def test_a_packs_math_expression_by_its_types():
    doc = {"1": {"class_type": "INTConstant", "inputs": {"value": 24}},
           "2": {"class_type": "SimpleMath+", "inputs": {"value": "a * 5 + 1", "a": ["1", 0]}},
           "3": {"class_type": "MathExpression|pysssss", "inputs": {"expression": "a / 7", "a": ["2", 0]}},
           "4": {"class_type": "SimpleMath+", "inputs": {"value": "a.width", "a": ["1", 0]}}}
    wf = Workflow.read(doc)
    assert [wf.output(wf.nodes["2"], s) for s in (0, 1)] == [121, 121.0]
    assert wf.output(wf.nodes["3"], 1) == 121 / 7 and wf.output(wf.nodes["3"], 0) == 17  # (pysssss' INT: int(), its
    # every version's source; math24. Packs round differently: each one's rule is its own, by_types.ROUNDS)
    assert wf.output(wf.nodes["4"], 0) is None  # beyond arithmetic: unknown, never guessed


def test_a_switchs_index_counts_as_its_pack_declares_it():
    """Comfyroll's image switch ('Input' 1 or 2, declared from 1) picks image2; Easy-Use's index switch (index
    declared from 0) at 0 picks value0, which this API file does not have: the switch stays (said where it is read),
    never read as value1, the only one wired (its numbering was guessed from the wired inputs)."""
    doc = {"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
           "2": {"class_type": "LoadImage", "inputs": {"image": "b.png"}},
           "3": {"class_type": "CR Image Input Switch", "inputs": {"Input": 2, "image1": ["1", 0], "image2": ["2", 0]}},
           "4": {"class_type": "PreviewImage", "inputs": {"images": ["3", 0]}},
           "5": {"class_type": "easy anythingIndexSwitch", "inputs": {"index": 0, "value1": ["2", 0]}},
           "6": {"class_type": "PreviewImage", "inputs": {"images": ["5", 0]}}}
    wf = Workflow.read(doc)
    assert wf.nodes["4"].links == {"images": ("2", 0)} and "3" not in wf.nodes
    assert wf.nodes["6"].links == {"images": ("5", 0)} and "5" in wf.nodes


def test_a_packs_node_passes_the_picture_of_its_outputs_type():
    """ImageCompositeMasked gives its destination with the source pasted: the destination is followed, not the
    source (nor its mask)."""
    doc = {"1": {"class_type": "LoadImage", "inputs": {"image": "base.png"}},
           "2": {"class_type": "LoadImage", "inputs": {"image": "patch.png"}},
           "3": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["1", 0], "source": ["2", 0],
                                                                  "mask": ["2", 1], "x": 0, "y": 0,
                                                                  "resize_source": False}},
           "4": {"class_type": "PreviewImage", "inputs": {"images": ["3", 0]}}}
    wf = Workflow.read(doc)
    loader, slot, via = find_loader(wf, wf.nodes["4"], "images", set())
    assert (loader.id, slot, [n.cls for n in via]) == ("1", 0, ["ImageCompositeMasked"])


def test_a_packs_picture_operation_on_the_way_is_passed_with_a_sentence_naming_it():
    """Essentials' ImageResize+ padding (which Scale does not make: tracing/conditioned_resize) between the first
    picture's loader and its guide: the file is wired on, the sentence names the guide's input, the loader and the
    operation not applied."""
    doc = _flf(False)
    nodes, links = doc["nodes"], doc["links"]
    guide = next(n for n in nodes if n["type"] == "LTXVAddGuide")
    into = next(l for l in links if l[3] == guide["id"] and l[1] == 7)
    op, lid = len(nodes) + 1, len(links) + 1
    nodes.append({"id": op, "type": "ImageResize+", "mode": 0, "inputs": [{"name": "image", "type": "IMAGE", "link": into[0]}],
                  "outputs": [{"name": n, "type": t} for n, t in (("IMAGE", "IMAGE"), ("width", "INT"), ("height", "INT"))],
                  "widgets_values": [512, 512, "nearest", "pad", "always", 0], "pos": [0, 0], "properties": {}})
    into[3], into[4] = op, 0
    links.append([lid, op, 0, guide["id"], 4, "IMAGE"])
    next(i for i in guide["inputs"] if i["name"] == "image")["link"] = lid
    conv = convert(doc, "op")
    assert _keyframes(conv) == {"0": "first.png", "last": "last.png"}
    said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    assert ("'image' of 'LTXVAddGuide' is LoadAndResizeImage's file through ComfyUI's 'ImageResize+' (ImageResize+, "
            "#16): the file is wired without that step") in said
    assert ("'ImageResize+' (ImageResize+, #16), a step between its 'image' and 'LTXVAddGuide' (#9)'s 'image': not "
            "applied (its settings: width 512, height 512, interpolation nearest") in said  # passed over, said
    assert "16" in conv.passed and "16" not in conv.dropped
