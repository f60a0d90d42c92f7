"""Issue 112 (items 2-3): a node ComfyUI never runs (it reaches no output node) is passed over in one sentence
(mapping/unrun.py); a step or a value feeding a node Studio does not convert is said not applied, naming that node
(one step: a chain before it stays listed; mapping/passing.py), a value given to a step not applied is not taken for
read; a V3 template socket (KJNodes' ImageConcatMulti) is
typed as the file saved it; the sound MiniMax H3 makes with its video, decoded by VAEDecodeAudio, is read where
Studio's clip keeps it (reference to video) and said lost where Studio's generator gives the video alone (text to
video)."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping import passing
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow


def _api(nodes: dict) -> Workflow:
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})


def test_a_node_reaching_no_output_is_said_not_run_and_only_where_the_workflow_has_an_output():
    nodes = {"1": ("LoadImage", {"image": "a.png"}),
             "2": ("SaveImage", {"images": ["1", 0], "filename_prefix": "a"}),
             "3": ("UpscaleModelLoader", {"model_name": "4x.pth"}),
             "4": ("ImageScaleBy", {"image": ["1", 0], "upscale_method": "area", "scale_by": 2.0}),
             "5": ("GetImageSizeAndCount", {"image": ["4", 0]})}
    over = passing.passed_over(_api(nodes), {"1", "2"})
    assert over["3"] == ("'UpscaleModelLoader' (UpscaleModelLoader, #3) reaches no output of the workflow (nothing "
                         "reads what it gives): ComfyUI does not run it, so nothing of it is lost")
    assert over["4"].startswith("'ImageScaleBy' (ImageScaleBy, #4) reaches no output of the workflow (it feeds only "
                                "'GetImageSizeAndCount' (#5)'s 'image', which reach no output either)")
    assert "#5) reaches no output" in over["5"]
    del nodes["2"]  # no output at all: ComfyUI runs nothing, nothing said of it so
    assert not any("reaches no output" in x for x in passing.passed_over(_api(nodes), {"1"}).values())


def test_steps_and_values_feeding_a_node_not_converted_are_said_naming_it():
    wf = _api({"1": ("LoadImage", {"image": "a.png"}),
               "2": ("GetImageSizeAndCount", {"image": ["1", 0]}),
               "3": ("ImageResizeKJ", {"image": ["2", 0], "width": ["7", 0], "height": 512, "upscale_method": "lanczos",
                                       "keep_proportion": True, "divisible_by": 2, "crop": "disabled"}),
               "4": ("HyVideoEncode", {"image": ["3", 0], "vae": ["6", 0]}),
               "5": ("VHS_VideoCombine", {"images": ["4", 0], "frame_rate": ["2", 3]}),
               "6": ("HyVideoVAELoader", {"model_name": "v.safetensors"}),
               "7": ("INTConstant", {"value": 512})})
    over = passing.passed_over(wf, {"1", "5"})
    assert "4" not in over and "6" not in over  # the pack's encoder and its model: not converted, listed
    assert over["3"].startswith("'ImageResizeKJ' (ImageResizeKJ, #3), a step between its 'image' and 'HyVideoEncode' "
                                "(HyVideoEncode, node 4)'s 'image': not applied")  # (not '#4': listed, not said here)
    assert over["3"].endswith("; Studio does not convert 'HyVideoEncode' (HyVideoEncode, node 4), each listed in "
                              "the note of what Studio does not convert")
    assert "2" not in over  # a step before it: a chain towards what is not converted stays listed, not passed over
    # a value given to that step is not read either (said, not taken for read)
    assert over["7"] == "'INTConstant' (INTConstant, #7) gives 'ImageResizeKJ' (#3)'s 'width' 512, which Studio does " \
                        "not read there"


def test_a_v3_template_socket_is_typed_as_the_file_saved_it():
    ui = {"nodes": [{"id": 1, "type": "LoadImage", "widgets_values": ["a.png", "image"],
                     "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1, 2]}]},
                    {"id": 2, "type": "ImageConcatMulti", "widgets_values": [2, "right", False, None],
                     "inputs": [{"name": "image_1", "type": "IMAGE", "link": 1},
                                {"name": "image_2", "type": "IMAGE", "link": 2}],
                     "outputs": [{"name": "images", "type": "IMAGE", "links": [3]}]},
                    {"id": 3, "type": "HyVideoEncode", "inputs": [{"name": "image", "type": "IMAGE", "link": 3}],
                     "outputs": [{"name": "samples", "type": "LATENT", "links": []}]},
                    {"id": 4, "type": "SaveImage", "widgets_values": ["a"],
                     "inputs": [{"name": "images", "type": "IMAGE", "link": 4}]}],
          "links": [[1, 1, 0, 2, 0, "IMAGE"], [2, 1, 0, 2, 1, "IMAGE"], [3, 2, 0, 3, 0, "IMAGE"],
                    [4, 1, 0, 4, 0, "IMAGE"]]}
    wf = Workflow.read(ui)
    over = passing.passed_over(wf, {"1", "4"})
    assert over["2"].startswith("'ImageConcatMulti' (ImageConcatMulti, #2)") and "#3) reaches no output" in over["3"]
    assert "reach no output either" in over["2"]  # (HyVideoEncode's latent is read by nothing)


templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")


def _template(name: str):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return convert(json.load(f), name)


@pytest.mark.parametrize("name, kept", [("video_minimax_h3_t2v", "Text to Video"),
                                        ("video_minimax_h3_r2v", "MiniMax H3 Reference to Video")])
def test_the_sound_minimax_h3_makes_is_read_where_studio_keeps_it_and_said_lost_otherwise(name, kept):
    conv = _template(name)
    said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    assert "VAEDecodeAudio" not in "\n".join(l for l in conv.log if "not converted" in l)
    if kept:  # (text to video's too since heldout50: MiniMax H3's clips carry the soundtrack)
        assert f"is the soundtrack Studio's '{kept}' makes with the video: its clip carries " \
               "it, Save Video writes it" in said
        assert not any("VAEDecodeAudio" in l and "without that sound" in l for l in said.splitlines())
    else:
        line = next(l for l in conv.log if "(VAEDecodeAudio, #" in l)
        assert "decodes the sound" in line and line.endswith("writes it without that sound")
        assert line.split("(VAEDecodeAudio, #")[1].split(")")[0] in conv.passed


def test_a_value_given_to_a_step_not_applied_is_not_taken_for_read():
    wf = _api({"1": ("LoadImage", {"image": "a.png"}),
               "2": ("INTConstant", {"value": 97}),
               "3": ("LTXVPreprocess", {"image": ["1", 0], "img_compression": ["2", 0]}),
               "4": ("LTXVImgToVideoInplace", {"image": ["3", 0], "strength": 1.0})})
    over = passing.passed_over(wf, {"1", "4"})
    assert over["3"].startswith("'LTXVPreprocess' (LTXVPreprocess, #3), a step between its 'image' and")
    assert over["2"] == ("'INTConstant' (INTConstant, #2) gives 'LTXVPreprocess' (#3)'s 'img_compression' 97, which "
                         "Studio does not read there")  # (was '': read, though the step it sets is not applied)
    wf = _api({"1": ("LoadImage", {"image": "a.png"}), "2": ("INTConstant", {"value": 97}),
               "3": ("LTXVPreprocess", {"image": ["1", 0], "img_compression": ["2", 0]}),
               "4": ("LTXVImgToVideoInplace", {"image": ["3", 0], "strength": 1.0}),
               "5": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": ["2", 0], "batch_size": 1})})
    assert wf.value(wf.nodes["5"], "length") == 97  # asked for while converting: its value read there
    assert passing.passed_over(wf, {"1", "4", "5"})["2"] == ""  # read where the latent takes it: read
