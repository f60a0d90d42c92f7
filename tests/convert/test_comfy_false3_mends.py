"""False sentences issue 112's judges found left on main after the twenty-ninth held-out set
(benchmarks/results/heldout25-29_final_2026-11-29.md, 'False sentences on main'), each mended by the types the
packs declare, on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


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
    assert n.widgets == {"text": "", "find1": "image", "replace1": "video", "find2": "person", "replace2": "woman",
                         "find3": "standing", "replace3": "moving"}
    said = _said(convert(doc, "replace.json"))
    assert ('(CR Text Replace, #2): {"text": "(wired)", "find1": "image", "replace1": "video", "find2": "person"'
            in said)
    assert '"find1": ""' not in said
    n = Workflow.read(_text_into("CR Set Value on String", ["", "cat", "yes", "no"], "*")).nodes["2"]
    assert n.widgets == {"text": "", "test_string": "cat", "value_if_true": "yes", "value_if_false": "no"}
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
    inputs lazy, so its unpicked input is not run."""
    said = _said(convert(_switched("Image Switch (JPS)", "img_1", "img_2", select=1), "jps.json"))
    assert "'ImageInvert' (ImageInvert, #2) reaches no output" in said
    assert "ComfyUI runs it all the same" in said and "ComfyUI does not run it" not in said
    said = _said(convert(_switched("ImpactSwitch", "input1", "input2", select=1, sel_mode=False), "impact.json"))
    assert "'ImageInvert' (ImageInvert, #2) reaches no output" in said
    assert "ComfyUI does not run it" in said and "runs it all the same" not in said
