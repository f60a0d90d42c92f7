"""Generate Text on a local language model's folder (transformers' layout, as the prompt-writer packs keep them under
models/LLM/<name>): tiny random Qwen2 / Qwen3 / Llama models built from configs with a tokenizer built here
(tiny_text_lm.py). Its text is transformers' generate() called directly on the same folder with the tokenizer's own
chat template (the system text as the system turn), the same settings and seed; the same seed gives the same text;
'thinking' reaches the template; a folder it cannot read (no weights, pickles only, a model type transformers'
AutoModelForCausalLM does not know, no tokenizer) is refused in one sentence naming the node and the cause, before
any weight is read."""
from __future__ import annotations

import json

import pytest
import torch

from studio.core.errors import StudioError
from studio.engine.executor import Executor

from .generate_text_run import run_text
from . import tiny_text_lm as tl

SAMPLED = dict(do_sample=True, temperature=0.7, top_k=64, top_p=0.95, min_p=0.05, repetition_penalty=1.05)
EX = []


@pytest.fixture
def models(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "models"


def _run(model, **p):
    return run_text(EX, model, 8, **p)


def _direct(folder, prompt="a red fox", system="", seed=3, sampled=True, thinking=False, template=True, **sampling):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(folder)
    lm = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    if template:
        turns = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": prompt}]
        text = tok.apply_chat_template(turns, tokenize=False, add_generation_prompt=True, enable_thinking=thinking)
        ids = torch.tensor([tok(text, add_special_tokens=False)["input_ids"]])
    else:
        ids = torch.tensor([tok(prompt)["input_ids"]])
    torch.manual_seed(seed)
    with torch.no_grad():
        out = lm.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=8,
                          eos_token_id=[tok.eos_token_id], pad_token_id=tok.pad_token_id,
                          **({**SAMPLED, **sampling} if sampled else {"do_sample": False}))
    return tok.decode(out[0, ids.shape[1]:].tolist(), skip_special_tokens=True).strip()


@pytest.mark.parametrize("kind", ["qwen2", "qwen3", "llama"])
def test_a_folder_in_the_llm_folder_writes_what_generate_writes(models, kind):
    folder = tl.write(str(models / "LLM" / f"tiny-{kind}"), kind)
    text, said = _run(f"tiny-{kind}", system="you are helpful")
    assert text and text == _direct(folder, system="you are helpful")
    assert any(f"tokens written by 'tiny-{kind}', a {kind} model" in s for s in said), said
    assert _run(f"tiny-{kind}", system="you are helpful")[0] == text  # the same seed, the same text
    other = _run(f"tiny-{kind}", system="you are helpful", seed=11)[0]
    assert other == _direct(folder, system="you are helpful", seed=11) != text


def test_thinking_greedy_no_template_and_the_other_folders(models):
    folder = tl.write(str(models / "prompt_generator" / "tiny-qwen3"), "qwen3")
    assert _run("tiny-qwen3", sampling=False)[0] == _direct(folder, sampled=False)
    assert _run("tiny-qwen3", thinking=True)[0] == _direct(folder, thinking=True)
    assert _run("tiny-qwen3", template=False)[0] == _direct(folder, template=False)
    enc = tl.write(str(models / "text_encoders" / "tiny-llama-plain"), "llama", template=False)
    text, said = _run("tiny-llama-plain", system="write short")
    assert text == _direct(enc, prompt="write short\n\na red fox", template=False)
    assert any("given the words as they are (no chat template)" in s for s in said), said


def _refused(model):
    from nodes.video_models.generate_text import GenerateText
    [why] = GenerateText.preflight({"model": model}, None)
    with pytest.raises(StudioError) as e:
        _run(model)
    assert str(e.value).endswith(why)  # (the executor puts the node's name before it)
    return why


def test_folders_it_cannot_read_are_refused_naming_the_node_and_the_cause(models):
    bad = models / "LLM"
    tl.write(str(bad / "pickled"), "qwen2")
    (bad / "pickled" / "model.safetensors").rename(bad / "pickled" / "pytorch_model.bin")
    assert "'" + str(bad / "pickled") + "' holds its weights as pickles only (pytorch_model.bin), which Studio " \
        "never unpickles" in _refused("pickled")
    tl.tokenizer(str(bad / "empty"))
    (bad / "empty" / "config.json").write_text(json.dumps({"model_type": "qwen2"}))
    assert _refused("empty").startswith(f"Generate Text: the model folder '{bad / 'empty'}' holds no weights")
    tl.write(str(bad / "odd"), "llama")
    (bad / "odd" / "config.json").write_text(json.dumps({"model_type": "not_a_transformers_model"}))
    assert "holds a model of type 'not_a_transformers_model', which transformers' AutoModelForCausalLM does not " \
        "know" in _refused("odd")
    assert _refused("nowhere").startswith("Generate Text: the model 'nowhere' is not found")


def test_a_converted_packs_prompt_enhancer_runs_on_a_tiny_folder_into_the_prompt(models):
    """End to end as a user would: a ComfyUI workflow whose prompt 1038lab's QwenVL Prompt Enhancer writes (a Qwen3
    text model, its system text, seed and limits), a StringConcatenate adding words after it, converted; the
    Generate Text made runs on the model's folder in models/LLM/ and its text, with the words after it, is what
    the generator's prompt is wired to."""
    import copy

    from studio.convert.mapping.convert import convert
    from tests.convert.test_comfy_textllm24 import ENHANCER, SYSTEM, _flow
    folder = tl.write(str(models / "LLM" / "Qwen3-4B-Instruct-2507"), "qwen3")
    flow = _flow(ENHANCER)
    flow["32"] = {"class_type": "StringConcatenate", "inputs": {"string_a": ["31", 0], "string_b": "slow camera",
                                                                "delimiter": ", "}}
    flow["2"]["inputs"]["text"] = ["32", 0]
    flow["31"]["inputs"]["prompt_text"] = "a red fox"
    flow["31"]["inputs"]["max_tokens"] = 8
    conv = convert(copy.deepcopy(flow), "llm")
    [t] = [n for n in conv.graph.nodes.values() if n.type_id == "encode.generate_text"]
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    link = conv.graph.input_link(gen.id, "prompt")
    assert link is not None and link.src == t.id
    EX[:] = EX or [Executor()]
    text = EX[0].run(conv.graph, targets=[t.id], device="cpu", use_cache=False).value(t.id)
    want = _direct(folder, system=SYSTEM, seed=42, temperature=0.6, top_p=0.85, repetition_penalty=1.1)
    assert text == want + ", slow camera", (text, want)


def test_a_thinking_models_thoughts_are_left_out():
    from nodes.video_models.text_model_folder import answer
    assert answer("<think>\nthe fox, the snow\n</think>\n\nA red fox runs.") == "A red fox runs."
    assert answer("A red fox runs.") == "A red fox runs."


def test_a_language_model_runs_in_bfloat16_on_a_gpu_and_float32_on_the_cpu():
    """The dtype Generate Text and Enhance Prompt load a model in, chosen without starting CUDA (a GPU run itself has
    not been made here: no device lent)."""
    from nodes.video_models.families.ltx2.enhance_lm import device_and_dtype
    assert device_and_dtype("cpu") == (torch.device("cpu"), torch.float32)
    assert device_and_dtype("cuda:0") == (torch.device("cuda:0"), torch.bfloat16)
    assert device_and_dtype(torch.device("cuda")) == (torch.device("cuda"), torch.bfloat16)
