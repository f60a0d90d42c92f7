"""Issue 56: ComfyUI's TextGenerateLTX2Prompt in the LTX-2.3 templates becomes Enhance Prompt on the
loaded LTX-2 model, wired into the generator's prompt and the latent upscale's, with the template's
sampling settings and the LoraLoader on its CLIP as its LoRA: on where the template's switch picks it,
bypassed (the generator's own prompt used, as ComfyUI uses it then) where it does not; neither node is
listed as not converted. LTX-2.5's enhancer (another file, Gemma 4 E2B, through a CLIPLoader) becomes
Enhance Prompt with that file as its 'enhancer', not wired to the loaded model."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping.convert import convert
from studio.engine.plan import resolve_source

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")
ENHANCE = "video_models.ltx2_enhance_prompt"
GEMMA_LORA = "gemma-3-12b-it-abliterated_lora_rank64_bf16.safetensors"


def _convert(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return convert(json.load(f), name)


def _one(g, type_id):
    [n] = [n for n in g.nodes.values() if n.type_id == type_id]
    return n


def _src(g, node, port):
    link = g.input_link(node.id, port)
    return (g.nodes[link.src].type_id, link.src_port) if link else None


def test_the_t2v_templates_enhancer_writes_the_prompt_of_both_passes():
    conv = _convert("video_ltx2_3_t2v")
    g = conv.graph
    assert g.validate() == []
    en, gen, up = _one(g, ENHANCE), _one(g, "video_models.ltx2"), _one(g, "video_models.ltx2_latent_upscale")
    assert en.mode == "normal"
    assert {k: en.params[k] for k in ("max_new_tokens", "sampling", "temperature", "top_k", "top_p", "min_p",
                                      "repetition_penalty", "seed", "lora", "lora_strength")} == {
        "max_new_tokens": 2048, "sampling": True, "temperature": 0.7, "top_k": 64, "top_p": 0.95, "min_p": 0.05,
        "repetition_penalty": 1.05, "seed": 0, "lora": GEMMA_LORA, "lora_strength": 1.0}
    assert en.params["prompt"].startswith("Dynamic cinematic close-up of high-tech modular machinery")
    assert gen.params["prompt"] == en.params["prompt"]  # the short prompt, where the enhancer is switched off
    assert _src(g, en, "model") == ("video_models.load", "model")
    assert _src(g, gen, "prompt") == _src(g, up, "prompt") == (ENHANCE, "text")
    text = "\n".join(conv.log + [n["text"] for n in g.ui["notes"]])
    assert "the positive prompt is written by Enhance Prompt (ComfyUI's TextGenerateLTX2Prompt" in text
    not_converted = [line for line in conv.log if "not converted" in line]
    assert not any("TextGenerateLTX2Prompt" in line or "LoraLoader" in line for line in not_converted), not_converted


def test_the_i2v_templates_enhancer_is_bypassed_with_the_start_image_wired():
    conv = _convert("video_ltx2_3_i2v")
    g = conv.graph
    assert g.validate() == []
    en, gen = _one(g, ENHANCE), _one(g, "video_models.ltx2")
    assert en.mode == "bypass" and en.params["lora"] == GEMMA_LORA
    assert g.input_link(en.id, "image").src == g.input_link(gen.id, "image").src
    assert _src(g, gen, "prompt") == (ENHANCE, "text")
    # bypassed with no Text wired in, it passes nothing: the generator's own prompt is the take's
    assert resolve_source(g, g.input_index(), en.id, "text") is None
    assert gen.params["prompt"].startswith("Egyptian royal in blue-and-gold headdress")
    assert any("is off in the template: Enhance Prompt is bypassed" in line for line in conv.log)


def test_ia2v_and_ic_lora_take_it():
    for name, mode in (("video_ltx2_3_ia2v", "normal"), ("video_ltx2_3_ic_lora", "bypass")):
        g = _convert(name).graph
        assert g.validate() == [] and _one(g, ENHANCE).mode == mode, name
        assert not _one(g, ENHANCE).params.get("enhancer"), name  # LTX-2.3's: the loaded model's Gemma 3


E2B = "gemma4_e2b_it_int8_convrot.safetensors"


@pytest.mark.parametrize("name", ["video_ltx2_5_t2v", "video_ltx2_5_i2v", "video_ltx2_5_flf2v"])
def test_ltx25s_enhancer_runs_its_gemma4_e2b_file_bypassed_as_the_switch_is(name):
    """LTX-2.5's TextGenerateLTX2Prompt on CLIPLoader('gemma4_e2b_it_int8_convrot.safetensors', 'ltxv'):
    Enhance Prompt with that file (named as the template names it), its sampling widgets, no model input,
    bypassed as the template's switch (off) leaves it, writing the generator's prompt; neither it nor the
    loader is listed as not converted, and the E2B file is not Load Video Model's."""
    conv = _convert(name)
    g = conv.graph
    assert g.validate() == []
    en, gen, load = _one(g, ENHANCE), _one(g, "video_models.ltx2"), _one(g, "video_models.load")
    assert en.mode == "bypass" and en.params["enhancer"] == E2B
    assert {k: en.params[k] for k in ("max_new_tokens", "sampling", "temperature", "top_k", "top_p", "min_p",
                                      "repetition_penalty", "seed")} == {
        "max_new_tokens": 600, "sampling": True, "temperature": 0.7, "top_k": 64, "top_p": 0.95, "min_p": 0.05,
        "repetition_penalty": 1.15, "seed": 0}
    assert not en.params.get("lora")
    assert g.input_link(en.id, "model") is None and _src(g, gen, "prompt") == (ENHANCE, "text")
    assert en.params["prompt"] == gen.params["prompt"] and en.params["prompt"]
    assert load.params["text_encoder"] != E2B
    text = "\n".join(conv.log + [n["text"] for n in g.ui["notes"]])
    assert f"the Gemma 4 E2B file '{E2B}' (Enhance Prompt's 'enhancer')) is off in the template" in text
    assert "prompt enhancer '" not in text  # the old sentence: the enhancer not made
    not_converted = [line for line in conv.log if "not converted" in line]
    assert not any("TextGenerateLTX2Prompt" in line or "CLIPLoader" in line for line in not_converted), not_converted
    if name == "video_ltx2_5_i2v":  # its start image goes in as the generator's does, said not read
        assert g.input_link(en.id, "image").src == g.input_link(gen.id, "image").src
        assert "as text only: the image the template gives TextGenerateLTX2Prompt is not read" in text


def test_ltx25s_enhancer_switched_on_writes_the_prompt():
    """The template's prompt_enhance on (the subgraph's second widget, its switch's value): Enhance Prompt on,
    the generator's prompt its text."""
    with open(os.path.join(TEMPLATES, "video_ltx2_5_t2v.json"), encoding="utf-8") as f:
        doc = json.load(f)
    [node] = [n for n in doc["nodes"] if n["type"] not in ("SaveVideo", "MarkdownNote", "ResolutionSelector")]
    assert node["widgets_values"][1] is False
    node["widgets_values"][1] = True
    conv = convert(doc, "on")
    g = conv.graph
    en = _one(g, ENHANCE)
    assert en.mode == "normal" and en.params["enhancer"] == E2B and g.validate() == []
    assert _src(g, _one(g, "video_models.ltx2"), "prompt") == (ENHANCE, "text")
    assert any(f"the Gemma 4 E2B file '{E2B}' (Enhance Prompt's 'enhancer') writes it" in line for line in conv.log)


def test_greedy_sampling_reads_no_sampling_values():
    """ComfyUI's sampling_mode 'off' saves no temperature, top-k...: the values after it (thinking,
    use_default_template) are not read as them; Enhance Prompt samples greedily."""
    with open(os.path.join(TEMPLATES, "video_ltx2_3_t2v.json"), encoding="utf-8") as f:
        doc = json.load(f)
    for sg in doc["definitions"]["subgraphs"]:
        for n in sg["nodes"]:
            if n["type"] == "TextGenerateLTX2Prompt":
                n["widgets_values"] = ["", 300, "off", False, True]
    en = _one(convert(doc).graph, ENHANCE)
    assert en.params["sampling"] is False and en.params["max_new_tokens"] == 300
    assert en.params["temperature"] == 0.7 and en.params["top_k"] == 64  # the node's defaults, unused greedy


def test_an_enhancer_the_take_does_not_read_is_said_not_listed():
    """LTX-2.3's ingredients template previews its enhancer's text (a switch, off, to PreviewAny): the
    take's prompt is its own; the enhancer and its Gemma LoRA are said, not listed as nodes Studio lacks."""
    conv = _convert("template_ltx2_3_ic_lora_ingredients")
    g = conv.graph
    assert not any(n.type_id == ENHANCE for n in g.nodes.values())
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "ComfyUI's TextGenerateLTX2Prompt (#129:209) (with the LoRA 'gemma-3-12b-it-abliterated" in notes
    assert "writes a text the take does not read (it goes to ComfySwitchNode #129:211)" in notes
    listed = [line for line in conv.log if "not converted" in line]
    assert not any("TextGenerateLTX2Prompt" in line or "LoraLoader" in line for line in listed), listed


def test_an_enhancer_on_ltx2s_gemma_loaded_by_dualcliploader_is_the_models_own():
    from studio.convert.reading.workflow import Workflow
    from nodes.video_models.families.ltx2.comfy_enhance import find_enhancer
    nodes = {"1": ("DualCLIPLoader", {"clip_name1": "gemma_3_12B_it.safetensors", "type": "ltxv",
                                      "clip_name2": "ltx-2.3_text_projection_bf16.safetensors"}),
             "2": ("TextGenerateLTX2Prompt", {"clip": ["1", 0], "prompt": "a cat", "max_length": 256}),
             "3": ("PrimitiveBoolean", {"value": True}),
             "4": ("ComfySwitchNode", {"switch": ["3", 0], "on_true": ["2", 0], "on_false": "a cat"}),
             "5": ("CLIPTextEncode", {"clip": ["1", 0], "text": ["4", 0]}),
             "6": ("CFGGuider", {"positive": ["5", 0]})}
    wf = Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})
    e = find_enhancer(wf, wf.nodes["6"])
    assert e is not None and e.on and e.file == "" and e.prompt == "a cat" and e.switch is None
    nodes["3"] = ("SomePackBoolean", {"flag": ["1", 0]})  # a switch worked out only when the workflow runs
    wf = Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})
    e = find_enhancer(wf, wf.nodes["6"])
    assert not e.on and e.switch is wf.nodes["4"]
    wf.nodes["1"].widgets["type"] = "flux"  # another model's text encoders: not LTX-2's enhancer (its switch aside)
    assert find_enhancer(wf, wf.nodes["6"]) is None
