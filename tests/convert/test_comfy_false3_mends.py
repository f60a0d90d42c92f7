"""False sentences issue 112's judges found left on main after the twenty-ninth held-out set
(benchmarks/results/heldout25-29_final_2026-11-29.md, 'False sentences on main'), each mended by the types the
packs declare, on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.packs import translation
from studio.convert.reading import gathers
from studio.convert.reading.workflow import CNode, Workflow
from tests.convert.said import said as _said


def _ui(nodes: list[dict], links: list[list]) -> dict:
    return {"nodes": nodes, "links": links, "version": 0.4}


def _text_into(cls: str, values: list, out: str = "STRING") -> dict:
    """A UI workflow: a text constant wired into ``cls``'s 'text', which the older page drew as a widget (marked so)
    and saved a value for among ``values``."""
    return _ui([
        {"id": 1, "type": "PrimitiveStringMultiline", "inputs": [], "widgets_values": ["a photo of a person standing"],
         "outputs": [{"name": "STRING", "type": "STRING", "links": [1]}]},
        {"id": 2, "type": cls, "widgets_values": values,
         "inputs": [{"name": "text", "type": "STRING", "widget": {"name": "text"}, "link": 1}],
         "outputs": [{"name": out, "type": out, "links": []}]}],
        [[1, 1, 0, 2, 0, "STRING"]])


def test_a_force_input_text_saved_first_names_every_value_in_its_place():
    """heldout26 01 / heldout7 hamidreza07: CR Text Replace #131's wired 'text' (declared forceInput, drawn as a
    widget by the older page) saved first: its finds and replacements were named one place off ("find1": "",
    "replace1": "image", "find2": "video" ...) and 'moving' dropped. Named by the declared inputs, the wired one at
    its place; any type of that shape (Comfyroll's Set Value on String too)."""
    doc = _text_into("CR Text Replace", ["", "image", "video", "person", "woman", "standing", "moving"])
    n = Workflow.read(doc).nodes["2"]
    assert n.widgets == {"find1": "image", "replace1": "video", "find2": "person", "replace2": "woman",
                         "find3": "standing", "replace3": "moving"}  # (the wired text's own saved value let go)
    said = _said(convert(doc, "replace.json"))
    assert '(CR Text Replace, #2): {"find1": "image", "replace1": "video", "find2": "person"' in said
    assert '"find1": ""' not in said
    n = Workflow.read(_text_into("CR Set Value on String", ["", "cat", "yes", "no"], "*")).nodes["2"]
    assert n.widgets == {"test_string": "cat", "value_if_true": "yes", "value_if_false": "no"}
    # the same node saved by a page that drew no widget for it: its widgets' values alone, named as before
    doc = _text_into("CR Text Replace", ["image", "video", "person", "woman", "standing", "moving"])
    assert Workflow.read(doc).nodes["2"].widgets["find1"] == "image"


def _switched(cls: str, first: str, second: str, **chose) -> dict:
    """An API workflow: a picture and its inverse into a pack's switch set to pass on the picture, saved."""
    return {"1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
            "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
            "3": {"class_type": cls, "inputs": {first: ["1", 0], second: ["2", 0], **chose}},
            "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "cat"}}}


def test_a_switch_input_not_declared_lazy_is_run_by_comfyui_all_the_same():
    """heldout28 13 (and three corpus files): "'ColorMatch' (#312) reaches no output ... (it feeds only ... (Image
    Switch (JPS), #334)'s 'img_2', a switch's input not passed on ...): ComfyUI does not run it" - JPS declares
    img_1..5 without 'lazy', so ComfyUI computes every wired input before the switch picks one. Told by the
    catalogue's 'lazy' (read from the packs' sources), never by the switch's name: Impact's switch declares its
    inputs lazy, so its unpicked input is not run; rgthree's Any Switch (its inputs made at run time, none lazy) was said
    of its second input "(nothing reads what it gives): ComfyUI does not run it"."""
    said = _said(convert(_switched("Image Switch (JPS)", "img_1", "img_2", select=1), "jps.json"))
    assert "'ImageInvert' (ImageInvert, #2) reaches no output" in said
    assert "ComfyUI runs it all the same" in said and "ComfyUI does not run it" not in said
    said = _said(convert(_switched("Any Switch (rgthree)", "any_01", "any_02"), "any.json"))  # (its first given)
    assert "nothing reads what it gives" not in said and "ComfyUI runs it all the same" in said
    doc = _switched("Any Switch (rgthree)", "any_01", "any_02")  # (heldout9 cybershrapnel: through a reroute)
    doc.update({"5": {"class_type": "Reroute", "inputs": {"input": ["2", 0]}}})
    doc["3"]["inputs"]["any_02"] = ["5", 0]
    assert "ComfyUI runs it all the same" in _said(convert(doc, "any.json"))
    said = _said(convert(_switched("ImpactSwitch", "input1", "input2", select=1, sel_mode=False), "impact.json"))
    assert "'ImageInvert' (ImageInvert, #2) reaches no output" in said
    assert "ComfyUI does not run it" in said and "runs it all the same" not in said


def _edit_batch(batch: str = "FL_ImageBatch") -> dict:
    """An API workflow: a picture edited by a Qwen image edit pass, then batched with the picture itself (twice, the
    third an input the pack's page adds) and written as a video."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "qwen_image_edit_2509_fp8.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                                     "type": "qwen_image", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "qwen_image_vae.safetensors"}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "room.png"}},
        "5": {"class_type": "TextEncodeQwenImageEditPlus", "inputs": {"prompt": "make it a wireframe", "clip": ["2", 0],
                                                                      "vae": ["3", 0], "image1": ["4", 0]}},
        "6": {"class_type": "TextEncodeQwenImageEditPlus", "inputs": {"prompt": "", "clip": ["2", 0], "vae": ["3", 0],
                                                                      "image1": ["4", 0]}},
        "7": {"class_type": "VAEEncode", "inputs": {"pixels": ["4", 0], "vae": ["3", 0]}},
        "8": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["5", 0], "negative": ["6", 0], "latent_image": ["7", 0]}},
        "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["3", 0]}},
        "10": {"class_type": batch, "inputs": {"inputcount": 3, "image_1": ["4", 0], "image_2": ["9", 0],
                                               "image_3": ["4", 0]}},
        "11": {"class_type": "CreateVideo", "inputs": {"images": ["10", 0], "fps": 8}},
        "12": {"class_type": "SaveVideo", "inputs": {"video": ["11", 0], "filename_prefix": "morph", "format": "auto",
                                                     "codec": "auto"}}}


def test_a_batch_of_pictures_is_said_a_batch_of_them_never_a_step_between_two():
    """heldout26 03: FL_ImageBatch #519:457 (six wired pictures, inputs its page adds) was said "a step between its
    'image_1', 'image_2' and 'FL_RIFE' ...", and the held statement named the video as made "from image given to the
    sampler by TextEncodeQwenImageEditPlus". Told by the declared types (numbered inputs of the type its output gives,
    those the page adds counted): every wired picture named, and the video said put together by the batch from the
    file and what the sampler makes."""
    said = _said(convert(_edit_batch(), "morph.json"))
    assert ("'FL_ImageBatch' (FL_ImageBatch, #10) puts together the 3 pictures wired into its 'image_1', 'image_2', "
            "'image_3', one of them an input its page adds beyond the 2 its type declares") in said
    assert "a step between its 'image_1'" not in said
    assert "given to the sampler by TextEncodeQwenImageEditPlus" not in said
    assert ("makes a video from image 'room.png' (LoadImage, #4) and what its sampler makes, put together by "
            "'FL_ImageBatch' (FL_ImageBatch, #10)") in said
    # any pack's node of that shape (KJNodes' ImageBatchMulti), never a switch of numbered pictures (JPS)
    wf = Workflow.read(_edit_batch("ImageBatchMulti"))
    assert gathers.gathered(wf.nodes["10"]) == ["image_1", "image_2", "image_3"]
    switch = CNode("10", "Image Switch (JPS)", widgets={"select": 2},
                   links={"img_1": ("4", 0), "img_2": ("9", 0), "img_3": ("4", 0)})
    assert gathers.gathered(switch) == []


def test_a_number_measured_off_a_mask_is_not_taken_from_the_saved_widget():
    """corpus kijai Tora (CogVideoX wrapper): once ToraEncodeTrajectory's values were named in their places, its wired
    width / height / num_frames from KJNodes' GetMaskSizeAndCount were said "the value saved in the file (720) is
    used": a number a mask-giving node measures when the workflow runs is not the stale widget (as for pictures)."""
    doc = {"1": {"class_type": "LoadImage", "inputs": {"image": "mask.png"}},
           "2": {"class_type": "GetMaskSizeAndCount", "inputs": {"mask": ["1", 1]}},
           "3": {"class_type": "EmptyImage", "inputs": {"width": ["2", 1], "height": ["2", 2], "batch_size": 1,
                                                       "color": 0}}}
    wf = Workflow.read(doc)
    assert translation.measured(wf, wf.nodes["3"], "width") and translation.measured(wf, wf.nodes["3"], "height")
