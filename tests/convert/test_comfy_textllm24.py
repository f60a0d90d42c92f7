"""Packs' prompt writers read by their declared types (the catalogue), not their names: a node with a STRING out
reaching a text encoder's text, no picture wired, a model (its own setting or a loader's), the words it is asked, a
system text and a seed / token limit / temperature, made as Studio's Generate Text with those words, that system
text, the model's folder name, its limits and sampling values, wired into the generator's prompt; a system choice its
pack keeps the words of and the settings Generate Text does not take said not applied. A model on a server (Ollama's
connection, a url), a GGUF file, a single file that is not Gemma 4: not made, as before. Hand-built API workflows
(1038lab's AILab_QwenVL_PromptEnhancer, chflame163's SmolLM2 with its loader, stavsap's OllamaGenerateV2), no model
run."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_caption import I2V

ASK = "a red fox running in the snow"
SYSTEM = "You write short prompts for a video model."
ENHANCER = {"31": {"class_type": "AILab_QwenVL_PromptEnhancer", "inputs": {
    "model_name": "Qwen3-4B-Instruct-2507", "quantization": "None (FP16)", "attention_mode": "auto",
    "use_torch_compile": False, "device": "auto", "prompt_text": ASK, "enhancement_style": "📝 Enhance",
    "custom_system_prompt": SYSTEM, "max_tokens": 200, "temperature": 0.6, "top_p": 0.85,
    "repetition_penalty": 1.1, "keep_model_loaded": True, "seed": 42}}}
SMOL = {"30": {"class_type": "LayerUtility: LoadSmolLM2Model", "inputs": {"model": "SmolLM2-360M-Instruct",
                                                                         "dtype": "bf16", "device": "cuda"}},
        "31": {"class_type": "LayerUtility: SmolLM2", "inputs": {
            "smolLM2_model": ["30", 0], "max_new_tokens": 300, "do_sample": False, "temperature": 0.5,
            "top_p": 0.9, "system_prompt": SYSTEM, "user_prompt": ASK}}}


def _flow(writer: dict) -> dict:
    wf = {k: v for k, v in copy.deepcopy(I2V).items() if k not in ("30", "31", "32", "33", "34")}
    wf.update(copy.deepcopy(writer))
    wf["2"]["inputs"]["text"] = ["31", 0]
    return wf


def _made(conv):
    return [n for n in conv.graph.nodes.values() if n.type_id == "encode.generate_text"]


def _wired(conv, t):
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    link = conv.graph.input_link(gen.id, "prompt")
    return link is not None and link.src == t.id and link.src_port == "text"


def test_a_packs_prompt_enhancer_on_a_text_model_is_made_as_generate_text():
    conv = convert(_flow(ENHANCER), "llm")
    [t] = _made(conv)
    p = t.params
    assert (p["model"], p["prompt"], p["system"], p["max_new_tokens"], p["sampling"], p["temperature"], p["top_p"],
            p["repetition_penalty"], p["seed"]) == ("Qwen3-4B-Instruct-2507", ASK, SYSTEM, 200, True, 0.6, 0.85, 1.1,
                                                    42)
    assert _wired(conv, t)
    said = "\n".join(conv.log)
    assert ("'AILab_QwenVL_PromptEnhancer' (AILab_QwenVL_PromptEnhancer, #31) writes a text with its language model "
            "'Qwen3-4B-Instruct-2507', asked the words on 'prompt_text'") in said, said
    assert "sampling on (Generate Text's own top_k 64, min_p 0.05, which it does not set)" in said
    assert ("its 'enhancement_style' '📝 Enhance' not applied (a choice whose words its pack keeps; Generate Text's "
            "system text is the node's own)") in said
    assert ("its quantization 'None (FP16)', attention_mode 'auto', use_torch_compile False, device 'auto', "
            "keep_model_loaded True not applied") in said
    assert "not in the converted prompt" not in said and "Studio does not run it" not in said


def test_a_model_from_its_loader_greedy_and_no_system_choice():
    conv = convert(_flow(SMOL), "llm")
    [t] = _made(conv)
    p = t.params
    assert (p["model"], p["prompt"], p["system"], p["max_new_tokens"], p["sampling"]) == (
        "SmolLM2-360M-Instruct", ASK, SYSTEM, 300, False)
    assert _wired(conv, t)
    said = "\n".join(conv.log)
    assert ("with its language model 'SmolLM2-360M-Instruct' from 'LayerUtility: LoadSmolLM2Model' "
            "(LayerUtility: LoadSmolLM2Model, #30)") in said, said
    assert "sampling off: greedy" in said and "'LayerUtility: LoadSmolLM2Model' (LayerUtility: LoadSmolLM2Model, " \
        "#30)'s dtype 'bf16', device 'cuda' not applied" in said
    notes = "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "writes a text with its language model 'SmolLM2-360M-Instruct'" in notes
    assert "writes its text from the words" not in said + notes  # (the words the prompt had taken: taken back)
    assert "LoadSmolLM2Model" not in "".join(
        x for x in said.splitlines() if "not converted" in x)


def test_a_server_a_gguf_or_another_single_file_is_not_made():
    gguf = copy.deepcopy(ENHANCER)
    gguf["31"]["inputs"]["model_name"] = "Qwen3-4B-Instruct-2507-Q4_K_M.gguf"
    single = copy.deepcopy(SMOL)
    single["30"]["inputs"]["model"] = "qwen2.5_3b_instruct.safetensors"
    served = copy.deepcopy(SMOL)
    served["30"]["inputs"]["url"] = "http://127.0.0.1:11434"
    auto = copy.deepcopy(SMOL)
    auto["30"]["inputs"]["model"] = "auto"  # (the pack picks the model itself)
    two = copy.deepcopy(ENHANCER)
    two["31"]["inputs"]["quantization"] = "local_llama3.safetensors"  # another setting naming a model's file
    for writer in (gguf, single, served, auto, two):
        conv = convert(_flow(writer), "llm")
        assert not _made(conv)
        said = "\n".join(conv.log)  # (as before: the prompt takes the words it is given, said)
        assert "the positive prompt is written by a node Studio does not run: " in said and \
            "#31) writes its text from the words it is given on" in said, said
    ollama = {"30": {"class_type": "OllamaConnectivityV2", "inputs": {"url": "http://127.0.0.1:11434",
                                                                      "model": "qwen3", "keep_alive": 5,
                                                                      "keep_alive_unit": "minutes"}},
              "31": {"class_type": "OllamaGenerateV2", "inputs": {"system": SYSTEM, "prompt": ASK, "think": False,
                                                                  "keep_context": False, "format": "text",
                                                                  "connectivity": ["30", 0]}}}
    conv = convert(_flow(ollama), "llm")
    assert not _made(conv) and "#31) writes its text from the words it is given on 'prompt'" in "\n".join(conv.log)
