"""/prompt's validation at the door (studio/serve/checks/validate.py), as ComfyUI's validate_inputs answers:
types, ranges and options from the declarations /object_info serves, required inputs, links to
missing nodes or outputs, cycles (beside a valid chain too); a value the converter would fit is
refused rather than fitted. Plain functions: no server."""
from __future__ import annotations

import json

import pytest

from studio.serve.checks import validate
from studio.serve.api.object_info import CORE, read_node
from studio.serve.api.prompt import Refused, _refuse_fitted

from .conftest import core_workflow, wan_workflow


def refused(wf: dict) -> dict:
    with pytest.raises(Refused) as e:
        validate.check(wf, read_node)
    body = e.value.body()
    json.dumps(body, allow_nan=False)  # no inf or nan echoed back: the answer is JSON
    assert body["error"]["type"] == "prompt_outputs_failed_validation" and body["error"]["details"]
    return body["node_errors"]


def one_error(wf: dict, node: str) -> dict:
    errors = refused(wf)
    assert list(errors) == [node], errors
    assert errors[node]["class_type"] == wf[node]["class_type"] and errors[node]["dependent_outputs"] == ["3"]
    (e,) = errors[node]["errors"]
    return e


@pytest.mark.parametrize("node, name, value, kind", [
    ("1", "width", "abc", "invalid_input_type"),
    ("1", "width", 3.5, "invalid_input_type"),  # never made 3
    ("1", "width", True, "invalid_input_type"),
    ("1", "width", -5, "value_smaller_than_min"),
    ("1", "width", 8, "value_smaller_than_min"),  # ComfyUI's 1 is under Solid Colour's 16: declared 16
    ("1", "width", 5000, "value_bigger_than_max"),
    ("1", "batch_size", -1, "value_smaller_than_min"),
    ("1", "batch_size", 0, "value_smaller_than_min"),
    ("2", "fps", 0, "value_smaller_than_min"),
    ("2", "fps", float("inf"), "value_bigger_than_max"),  # what JSON's 1e999 reads as
    ("2", "fps", float("nan"), "invalid_input_type"),
    ("2", "fps", "fast", "invalid_input_type"),
    ("2", "images", 5, "invalid_input_type"),  # a value where a link belongs
    ("3", "format", "avi", "value_not_in_list"),
    ("3", "filename_prefix", None, "invalid_input_type"),
])
def test_a_value_its_input_cannot_take_is_refused_naming_node_and_input(node, name, value, kind):
    wf = core_workflow()
    wf[node]["inputs"][name] = value
    e = one_error(wf, node)
    assert e["type"] == kind and e["extra_info"]["input_name"] == name and e["message"]


def test_text_of_a_number_is_taken_as_the_number_and_the_rest_left_as_given():
    wf = core_workflow()
    wf["1"]["inputs"].update(width="64", height=48.0)
    wf["2"]["inputs"]["fps"] = "12.5"
    validate.check(wf, read_node)
    assert wf["1"]["inputs"]["width"] == 64 and wf["1"]["inputs"]["height"] == 48 and wf["2"]["inputs"]["fps"] == 12.5
    assert wf["1"]["inputs"]["batch_size"] == 4 and wf["3"]["inputs"]["filename_prefix"] == "video/ComfyUI"


@pytest.mark.parametrize("link, why", [(["9", 0], "not in the prompt"), (["1", 2], "no such output"),
                                       (["1"], "length-2"), ([1, 0], "length-2"), (["1", -1], "length-2")])
def test_a_link_to_a_missing_node_or_output_is_refused(link, why):
    wf = core_workflow()
    wf["2"]["inputs"]["images"] = link
    e = one_error(wf, "2")
    assert e["type"] == "bad_linked_input" and why in e["message"] and e["extra_info"]["input_name"] == "images"


def test_a_missing_required_input_and_a_link_of_the_wrong_type_are_refused():
    wf = core_workflow()
    del wf["3"]["inputs"]["video"]
    e = one_error(wf, "3")
    assert e["type"] == "required_input_missing" and e["extra_info"] == {"input_name": "video"}
    wf = core_workflow()
    wf["3"]["inputs"]["video"] = ["1", 0]  # IMAGE into VIDEO
    e = one_error(wf, "3")
    assert e["type"] == "return_type_mismatch" and "IMAGE" in e["details"] and "VIDEO" in e["details"]


def test_a_cycle_is_refused_also_beside_a_valid_chain():
    wf = core_workflow()  # 1 -> 2 -> 3 is valid; 5 <-> 6 a loop whose SaveVideo could never run
    wf["5"] = {"class_type": "CreateVideo", "inputs": {"images": ["6", 0], "fps": 8}}
    wf["6"] = {"class_type": "SaveVideo", "inputs": {"video": ["5", 0], "filename_prefix": "loop", "format": "auto",
                                                     "codec": "auto"}}
    errors = refused(wf)
    assert set(errors) == {"5", "6"} and errors["6"]["dependent_outputs"] == ["6"]
    assert all(e["type"] == "dependency_cycle" for v in errors.values() for e in v["errors"])
    wf = core_workflow()
    wf["1"]["inputs"]["color"] = ["1", 0]  # a node fed by itself
    assert refused(wf)["1"]["errors"][-1]["type"] == "dependency_cycle"


def test_a_long_chain_is_checked_without_recursion():
    wf = {str(k): {"class_type": "ImageScaleBy", "inputs": {"image": [str(k - 1), 0], "upscale_method": "area",
                                                             "scale_by": 1.0}} for k in range(1, 5000)}
    wf["0"] = {"class_type": "EmptyImage", "inputs": {"width": 32, "height": 32, "batch_size": 1, "color": 0}}
    validate.check(wf, read_node)
    wf["0"]["inputs"]["image"] = ["4999", 0]
    assert len(refused(wf)) == 5000


def test_a_wan_workflow_passes_and_a_number_json_cannot_hold_is_refused_anywhere():
    wf = wan_workflow("tiny")
    validate.check(wf, read_node)
    wf["7"]["inputs"]["steps"] = 0
    wf["2"]["inputs"]["clip_name"] = float("inf")  # an input declared '*': any value, but a finite one
    errors = refused(wf)
    assert errors["7"]["errors"][0]["type"] == "value_smaller_than_min"
    assert errors["2"]["errors"][0]["type"] == "invalid_input_type"
    assert sorted(errors["7"]["dependent_outputs"]) == ["10"]


def test_a_value_the_converter_would_fit_is_refused_naming_the_workflows_node():
    from studio.convert.mapping.convert import convert
    wf = wan_workflow("tiny")
    wf["7"]["inputs"]["steps"] = 10000  # inside KSampler's declared range; Studio's generator takes 500
    validate.check(wf, read_node)
    with pytest.raises(Refused) as e:
        _refuse_fitted(convert(wf, "prompt").log, wf)
    (err,) = e.value.node_errors["7"]["errors"]
    assert "'steps' 10000" in err["message"] and "used instead" not in err["message"]
    _refuse_fitted(convert(wan_workflow("tiny"), "prompt").log, wan_workflow("tiny"))  # nothing fitted: no error


def test_emptyimage_is_declared_within_what_solid_colour_takes():
    from studio.core.registry import default_registry
    solid = {p.name: p for p in default_registry().get("procedural.solid").params}
    decl = CORE["EmptyImage"][0]
    for comfy, studio in (("width", "width"), ("height", "height"), ("batch_size", "frames")):
        lo, hi = decl[comfy][1]["min"], decl[comfy][1]["max"]
        assert solid[studio].min <= lo and hi <= solid[studio].max, comfy
    fps = CORE["CreateVideo"][0]["fps"][1]
    assert solid["fps"].min <= fps["min"] and fps["max"] <= solid["fps"].max


def test_a_list_given_to_an_input_of_no_declared_type_is_a_value_unless_it_is_shaped_as_a_link():
    wf = wan_workflow("tiny")
    wf["4"]["inputs"]["extra_words"] = ["red", "ball", 3]  # a node pack's list: its value, left as given
    validate.check(wf, read_node)
    wf["4"]["inputs"]["extra_words"] = ["99", 0]  # read as a link by the converter: to a node the prompt lacks
    e = refused(wf)["4"]["errors"][0]
    assert e["type"] == "bad_linked_input" and e["extra_info"]["input_name"] == "extra_words"
    wf["4"]["inputs"]["extra_words"] = [1.0, float("inf")]
    assert refused(wf)["4"]["errors"][0]["type"] == "invalid_input_type"


def test_the_families_empty_latents_are_declared_from_their_mappings_with_comfyuis_ranges():
    from studio.convert.families import registry as comfy_registry
    from studio.serve.api.comfy_declared import table
    empties = [c for c in comfy_registry.lookup("empty") if c not in table() and c not in CORE]
    assert "EmptyCosmosLatentVideo" in empties
    ltx = read_node("EmptyLTXVLatentVideo")["input"]["required"]  # ComfyUI's own declaration, where CORE has it
    assert ltx["width"][1] == {"default": 768, "min": 64, "max": 16384, "step": 32} and ltx["length"][1]["step"] == 8
    for cls in empties:  # none named by the server: each from ComfyMapping.empty and its widgets
        req = read_node(cls)["input"]["required"]
        assert list(req) == list(comfy_registry.lookup("widgets")[cls]) and req["width"][1]["min"] == 16, cls
    wf = wan_workflow("tiny")
    wf["6"] = {"class_type": "EmptyCosmosLatentVideo", "inputs": {"width": 32, "height": 32, "length": 0,
                                                                   "batch_size": 1}}
    e = refused(wf)["6"]["errors"][0]
    assert e["type"] == "value_smaller_than_min" and e["extra_info"]["input_name"] == "length"
