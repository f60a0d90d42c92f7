"""Generate Text (ComfyUI core's TextGenerate) on a tiny random Gemma 4 shaped as E2B, written in ComfyUI's layout
(tiny_gemma4_e2b.py): its text is transformers' generate() called directly on the same weights with Gemma 4's
default template (the user's turn, the model's opened), the same settings and seed; the same seed gives the same
text, another seed another; 'thinking', no template, 'replace', 'before' and 'after' as said; a file that is not
Gemma 4 is refused in this node's words."""
from __future__ import annotations

import pytest
import torch


from .generate_text_run import run_text
from . import tiny_gemma4_e2b as tg

SETTINGS = dict(do_sample=True, temperature=0.7, top_k=64, top_p=0.95, min_p=0.05, repetition_penalty=1.05)
EX = []


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen")
    return tg.write(str(root / "gemma4_e2b_it_bf16.safetensors"), state=tg.comfy_state(tg.model()))


def _run(model, **p):
    return run_text(EX, model, 10, **p)


def _direct(text, seed=3, sampled=True):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_str(tg.tokenizer_json())
    ids = torch.tensor([[2] + tok.encode(text, add_special_tokens=False).ids])
    torch.manual_seed(seed)
    with torch.no_grad():
        out = tg.model().generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=10,
                                  eos_token_id=[1, tok.token_to_id("<turn|>")], pad_token_id=0,
                                  **(SETTINGS if sampled else {"do_sample": False}))
    return tok.decode(out[0, ids.shape[1]:].tolist(), skip_special_tokens=True).strip()


def test_it_writes_what_generate_writes_in_gemma4s_default_template(path):
    text, said = _run(path)
    assert text and text == _direct("<|turn>user\na red fox<turn|>\n<|turn>model\n")
    assert any("Generate Text: 10 tokens written by 'gemma4_e2b_it_bf16.safetensors'" in s for s in said), said
    assert _run(path)[0] == text  # the same seed, the same text
    assert _run(path, seed=4)[0] == _direct("<|turn>user\na red fox<turn|>\n<|turn>model\n", seed=4) != text


def test_thinking_no_template_greedy_and_the_words_around(path):
    think = "<|turn>system\n<|think|>\n<turn|>\n<|turn>user\na red fox<turn|>\n<|turn>model\n"
    assert _run(path, thinking=True)[0] == _direct(think)
    assert _run(path, template=False, sampling=False)[0] == _direct("a red fox", sampled=False)
    plain = _run(path)[0]
    word = plain.split()[0]
    out = _run(path, before="Style: ", after=" The end.", replace=f"{word} -> XX")[0]
    assert out == "Style: " + plain.replace(word, "XX") + " The end."


def test_a_file_that_is_not_gemma4_is_refused_in_its_words(tmp_path):
    from nodes.video_models.generate_text import GenerateText
    from studio.core.errors import StudioError
    state = {k: v for k, v in tg.comfy_state(tg.model()).items() if not k.endswith("layer_scalar")}
    bad = tg.write(str(tmp_path / "gemma3.safetensors"), state=state)
    [why] = GenerateText.preflight({"model": bad}, str(tmp_path))
    assert why.startswith(f"Generate Text: the model file '{bad}' is not Gemma 4"), why
    with pytest.raises(StudioError, match="Generate Text: the model file '.*gemma3.safetensors' is not Gemma 4"):
        _run(bad)
    assert GenerateText.preflight({"model": ""}, str(tmp_path)) == ["Generate Text: no model: set 'model' to a "
                                                                     "language model's folder or a Gemma 4 file"]
