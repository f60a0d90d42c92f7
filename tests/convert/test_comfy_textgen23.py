"""ComfyUI core's TextGenerate (comfy_extras/nodes_textgen.py: clip, prompt, image?, max_length, the sampling_mode
dynamic combo) writing the prompt when the workflow runs, on a Gemma 4 E2B file its CLIPLoader reads (held-out 110/01's
way: the written sentence put in the '{llm}' of a template by StringReplace, then encoded): made as Studio's Generate
Text with that file, the words it is asked, max_length, the sampling values and seed, thinking and template, the
template's words its 'after', wired into the generator's prompt, the image it is given said not read; on a model
Studio's Gemma 4 door does not read (a Qwen3-VL file) the hold stays, said. Hand-built API workflows, no model run."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import CNode, Workflow
from tests.convert.test_comfy_caption import I2V

ASK = "Describe a cat walking across a garden in one sentence."
GEN = {
    "31": {"class_type": "TextGenerate", "inputs": {
        "clip": ["40", 0], "prompt": ASK, "image": ["4", 0], "max_length": 300, "sampling_mode": "on",
        "sampling_mode.temperature": 0.8, "sampling_mode.top_k": 40, "sampling_mode.top_p": 0.9,
        "sampling_mode.min_p": 0.0, "sampling_mode.repetition_penalty": 1.1, "sampling_mode.seed": 7,
        "sampling_mode.presence_penalty": 0.5, "thinking": False, "use_default_template": True}},
    "32": {"class_type": "StringReplace", "inputs": {"string": "{llm} Slow movements.", "find": "{llm}",
                                                     "replace": ["31", 0]}},
    "40": {"class_type": "CLIPLoader", "inputs": {"clip_name": "gemma4_e2b_it_int8_convrot.safetensors",
                                                  "type": "ltxv"}},
}


def _flow(clip="gemma4_e2b_it_int8_convrot.safetensors") -> dict:
    wf = {k: v for k, v in copy.deepcopy(I2V).items() if k not in ("30", "31", "32", "33", "34")}
    wf.update(copy.deepcopy(GEN))
    wf["40"]["inputs"]["clip_name"] = clip
    return wf


def _made(conv):
    return [n for n in conv.graph.nodes.values() if n.type_id == "encode.generate_text"]


def test_textgenerate_on_a_gemma4_file_is_made_as_generate_text_wired_into_the_prompt():
    conv = convert(_flow(), "textgen")
    [t] = _made(conv)
    p = t.params
    assert (p["model"], p["prompt"], p["max_new_tokens"], p["sampling"], p["temperature"], p["top_k"], p["top_p"],
            p["min_p"], p["repetition_penalty"], p["seed"], p["thinking"], p["template"]) == (
        "gemma4_e2b_it_int8_convrot.safetensors", ASK, 300, True, 0.8, 40, 0.9, 0.0, 1.1, 7, False, True)
    assert (p["before"], p["after"], p["replace"]) == ("", " Slow movements.", "")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    link = conv.graph.input_link(gen.id, "prompt")
    assert link is not None and link.src == t.id and link.src_port == "text"
    assert conv.graph.input_link(t.id, "image") is None
    said = "\n".join(conv.log)
    assert ("'TextGenerate' (TextGenerate, #31) writes a text with the Gemma 4 file "
            "'gemma4_e2b_it_int8_convrot.safetensors' from 'CLIPLoader' (CLIPLoader, #40)") in said, said
    assert "'StringReplace' (StringReplace, #32) puts it in the place of '{llm}' in a text of its own" in said
    assert "the 'image' it is given is not read" in said and "its presence_penalty 0.5 is not applied" in said
    assert "not in the converted prompt" not in said and "not known when converting" not in said
    flow = _flow()
    flow["41"] = {"class_type": "PrimitiveInt", "inputs": {"value": ["99", 0]}}
    flow["31"]["inputs"]["sampling_mode.seed"] = ["41", 0]
    conv = convert(flow, "textgen")
    [t] = _made(conv)
    assert t.params["seed"] == 0 and "its 'sampling_mode.seed', wired, is not known when converting (Generate " \
        "Text's own value is used)" in "\n".join(conv.log)


def test_textgenerate_on_another_model_keeps_its_hold_said():
    conv = convert(_flow("qwen3vl-4b-abliterated_fp8_e4m3fn.safetensors"), "textgen")
    assert not _made(conv)
    said = "\n".join(conv.log)
    assert "'TextGenerate' (TextGenerate, #31)'s text ('generated_text') reaches 'CLIPTextEncode' (#2)'s 'text'" in \
        said and "not in the converted prompt" in said, said


def test_a_ui_files_settings_by_place_are_read_in_their_declared_order():
    from studio.convert.mapping.textgen_made import settings
    n = CNode("25", "TextGenerate")
    n.raw = ["ask", 400, "off", False, True]
    wf = Workflow({"25": n}, "ui")
    assert settings(wf, n) == {"max_length": 400, "sampling_mode": "off", "thinking": False,
                               "use_default_template": True}
    n.raw = ["", 512, "on", 0.7, 64, 0.95, 0.05, 1.05, 11, "randomize", 0.2, True, False]
    got = settings(wf, n)
    assert (got["seed"], got["top_k"], got["presence_penalty"], got["thinking"], got["use_default_template"]) == (
        11, 64, 0.2, True, False)
