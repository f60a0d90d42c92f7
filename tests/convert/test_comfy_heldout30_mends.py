"""Mechanisms a thirtieth held-out set (benchmarks/results/heldout30_2026-11-29.md: LTX-2/2.3, LTX-Video and Wan 2.2
workflows from small repositories, services' templates and requests) showed, each on a small hand-written
workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.workflow_shapes import wan_i2v_api


def _i2v(start: list, **extra) -> dict:
    """Wan 2.1 image to video (API) whose start image is ``start`` (a link), with the nodes ``extra`` adds."""
    return wan_i2v_api(start, **extra)


def _start_path(conv) -> str:
    gen = _nodes(conv, "video_models.image_to_video")
    assert len(gen) == 1, conv.log
    loads = {n.id: n for n in _nodes(conv, "io.load_image")}
    wired = [e.src for e in conv.graph.links if e.dst == gen[0].id and e.dst_port == "image"]
    seen, todo = set(), list(wired)
    while todo:  # back from the generator's 'image' to its Load Image (through a Frame Hold, a Scale...)
        nid = todo.pop()
        if nid in loads:
            return loads[nid].params["path"]
        if nid not in seen:
            seen.add(nid)
            todo += [e.src for e in conv.graph.links if e.dst == nid]
    raise AssertionError(conv.log)


def test_an_if_any_switch_given_a_constant_boolean_passes_on_the_branch_it_picks():
    """draconian956's LTX-Video worker demo (api_demo_input.json): 'If ANY return A else B-🔬' (ComfyUI-Logic,
    declared ANY / IF_TRUE / IF_FALSE) given Bool-🔬 false passes on IF_FALSE's LoadImage; it was not read (its
    pair declared in capitals, its choosing input 'ANY' no usual name), the task held "Studio cannot read the start
    image ... 'Load Video' (VHS_LoadVideo, #181) gives (a node it does not convert)" (false twice: the picture is
    the LoadImage's, and Studio converts a Load Video)."""
    doc = _i2v(["20", 0], **{
        "21": {"class_type": "LoadImage", "inputs": {"image": "last_frame.png"}},
        "22": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "23": {"class_type": "Bool-🔬", "inputs": {"value": False}},
        "20": {"class_type": "If ANY return A else B-🔬", "inputs": {"ANY": ["23", 0], "IF_TRUE": ["21", 0],
                                                                     "IF_FALSE": ["22", 0]}}})
    conv = convert(doc, "if_any.json")
    assert _start_path(conv) == "heron.png"
    said = _said(conv)
    assert "read as the input each passes on, as ComfyUI runs it: If ANY return A else B-🔬" in said
    assert "cannot read the start image" not in said
    doc["23"]["inputs"]["value"] = True
    assert _start_path(convert(doc, "if_any.json")) == "last_frame.png"


def test_a_was_input_switch_picks_its_a_input_when_true_and_its_b_input_when_false():
    """ecjojo's Wan 2.1 ComfyDeploy file (wan_img2vdo.json): WAS' 'Image Input Switch' (image_a / image_b of one
    declared type, chosen by 'boolean': image_a when true) was passed over as a step "not applied"; given a
    boolean Studio reads, it is read away to the input it passes on."""
    extra = {
        "21": {"class_type": "LoadImage", "inputs": {"image": "square.png"}},
        "22": {"class_type": "LoadImage", "inputs": {"image": "whole.png"}},
        "23": {"class_type": "PrimitiveBoolean", "inputs": {"value": False}},
        "20": {"class_type": "Image Input Switch", "inputs": {"image_a": ["21", 0], "image_b": ["22", 0],
                                                              "boolean": ["23", 0]}}}
    doc = _i2v(["20", 0], **extra)
    assert _start_path(convert(doc, "was.json")) == "whole.png"
    doc["23"]["inputs"]["value"] = True
    conv = convert(doc, "was.json")
    assert _start_path(conv) == "square.png"
    assert "Image Input Switch" in _said(conv) and "not applied (its settings: boolean" not in _said(conv)



def test_a_switch_between_two_models_whose_choice_is_not_known_is_not_called_a_model_patch():
    """ecjojo's Wan 2.1 ComfyDeploy file (09): WAS' 'Model Input Switch' choosing the 720p or the 480p model by a
    boolean a service's input node gives was said "a model patch on the model 'KSampler' (#3) samples with: not
    applied, Studio loads the model without it" (false: it is no patch, and no model was loaded at all)."""
    doc = _i2v(["21", 0], **{
        "21": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "30": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_720p_14B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "31": {"class_type": "MyPackServiceToggle", "inputs": {"name": "HD", "default": False}},
        "32": {"class_type": "Model Input Switch", "inputs": {"model_a": ["30", 0], "model_b": ["1", 0],
                                                              "boolean": ["31", 0]}}})
    doc["7"]["inputs"]["model"] = ["32", 0]
    said = _said(convert(doc, "hd.json"))
    assert "(Model Input Switch, #32: a model patch)" not in said and "Switch', #32), a model patch" not in said
    assert "'Model Input Switch' (Model Input Switch, #32) on the model's way chooses the model 'KSampler' (#7) " \
           "samples with between its 'model_a' (from 'UNETLoader' (UNETLoader, #30)) and its 'model_b' (from " \
           "'UNETLoader' (UNETLoader, #1)) by a value Studio cannot work out when converting: not read, and neither " \
           "model is loaded" in said


def test_a_deploy_services_inputs_give_their_default_values_and_choose_a_switch():
    """ecjojo's ComfyDeploy files (08-10): 'ComfyUIDeployExternalText' / 'NumberInt' / 'Boolean' / 'Image' (in no
    catalogue) give the prompt, the length, the fps and the model choice; each was said "a value Studio cannot work
    out when converting" and the generator's defaults used. Run as saved each gives its default_value (a whole
    number its input_id where that is all digits; a picture the one wired to it): read so, a WAS switch they choose
    read away."""
    doc = _i2v(["40", 0], **{
        "21": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "40": {"class_type": "ComfyUIDeployExternalImage", "inputs": {"input_id": "input_image",
                                                                      "default_value": ["21", 0]}},
        "41": {"class_type": "ComfyUIDeployExternalText", "inputs": {"input_id": "prompt",
                                                                     "default_value": "a heron takes off"}},
        "42": {"class_type": "ComfyUIDeployExternalNumberInt", "inputs": {"input_id": "frames", "default_value": 49}},
        "43": {"class_type": "ComfyUIDeployExternalNumberInt", "inputs": {"input_id": "17", "default_value": 5}},
        "44": {"class_type": "ComfyUIDeployExternalBoolean", "inputs": {"input_id": "HD", "default_value": False}},
        "30": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_720p_14B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "32": {"class_type": "Model Input Switch", "inputs": {"model_a": ["30", 0], "model_b": ["1", 0],
                                                              "boolean": ["44", 0]}}})
    doc["4"]["inputs"]["text"] = ["41", 0]
    doc["6"]["inputs"]["length"] = ["42", 0]
    doc["9"]["inputs"]["fps"] = ["43", 0]
    doc["7"]["inputs"]["model"] = ["32", 0]
    conv = convert(doc, "deploy.json")
    gen = _nodes(conv, "video_models.image_to_video")[0].params
    assert (gen["prompt"], gen["frames"], gen["fps"]) == ("a heron takes off", 49, 17)
    assert _nodes(conv, "video_models.load")[0].params["model"] == "wan2.1_i2v_480p_14B_fp16.safetensors"
    assert _start_path(conv) == "heron.png"
    said = _said(conv)
    assert "the deploy service's inputs (ComfyDeploy: each set by the service when it queues the workflow) read as " \
           "what they give run as saved: " in said
    assert "'frames' (ComfyUIDeployExternalNumberInt, #42) 49" in said and "'17' (ComfyUIDeployExternalNumberInt, #43) 17" in said
    assert "'UNETLoader' (UNETLoader, #30) reaches no output of the workflow (it feeds only 'Model Input Switch' " \
           "(Model Input Switch, #32)'s 'model_a', a switch's input not passed on, as the workflow is saved): ComfyUI " \
           "runs it all the same" in said  # (WAS' switch declares no input lazy: false3)
    assert "a value Studio cannot work out when converting" not in said
