"""Caption with a vision-language model: tiny random Qwen2.5-VL and Qwen3-VL (built from configs, with a byte-level
tokenizer, an image processor and a chat template made here, no download) saved where the packs keep them, run on a
small picture on the CPU: text, the same twice, the instruction and system prompt heard (the chat template the
tokenizer's, or the processor's chat_template.json as Qwen3-VL's folders keep it); a folder Caption does not run
refused with one error naming Caption and the file."""
import json

import numpy as np
import pytest
import torch

from nodes.encoders.caption import Caption, CaptionModelError, find_captioner
from tests.node_run import run_node

transformers = pytest.importorskip("transformers")

TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{% for c in m['content'] %}"
            "{% if c['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>"
            "{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endfor %}"
            "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
SPECIALS = ["<|im_end|>", "<|endoftext|>", "<|im_start|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>",
            "<|video_pad|>"]


def _bytes_vocab() -> dict:
    """GPT-2's byte-to-character table (every byte one token: no merges needed)."""
    keep = [*range(33, 127), *range(161, 173), *range(174, 256)]
    chars, extra = dict(zip(keep, map(chr, keep))), 0
    for b in range(256):
        if b not in chars:
            chars[b], extra = chr(256 + extra), extra + 1
    return {c: i for i, c in enumerate(sorted(chars.values()))}


def _tiny_vlm(folder, kind: str) -> None:
    from transformers import (Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2TokenizerFast,
                              Qwen2VLImageProcessorPil, Qwen3VLConfig, Qwen3VLForConditionalGeneration)
    folder.mkdir(parents=True)
    tok = Qwen2TokenizerFast(vocab=_bytes_vocab(), merges=[], unk_token=None, eos_token=SPECIALS[0],
                             pad_token=SPECIALS[1])
    tok.add_special_tokens({"additional_special_tokens": SPECIALS[2:]})
    if kind == "qwen2_5_vl":
        tok.chat_template = TEMPLATE  # (Qwen2.5-VL's folders keep it in tokenizer_config.json too)
    else:  # (Qwen3-VL's in the processor's chat_template.json alone)
        (folder / "chat_template.json").write_text(json.dumps({"chat_template": TEMPLATE}))
    ids = {t: tok.convert_tokens_to_ids(t) for t in SPECIALS}
    patch = 14 if kind == "qwen2_5_vl" else 16
    text = dict(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, head_dim=8, max_position_embeddings=512,
                eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"], bos_token_id=None)
    tokens = dict(image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
                  vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    vision = dict(depth=1, hidden_size=32, intermediate_size=64, num_heads=2, out_hidden_size=32, patch_size=patch,
                  spatial_merge_size=2, temporal_patch_size=2)
    if kind == "qwen2_5_vl":
        text["rope_scaling"] = {"type": "mrope", "mrope_section": [2, 1, 1]}
        cfg = Qwen2_5_VLConfig(text_config=text, vision_config={**vision, "window_size": 56,
                                                                "fullatt_block_indexes": [0]}, **tokens)
        model = Qwen2_5_VLForConditionalGeneration
    else:
        text["rope_scaling"] = {"rope_type": "default", "mrope_section": [2, 1, 1], "mrope_interleaved": True}
        cfg = Qwen3VLConfig(text_config=text, vision_config={**vision, "num_position_embeddings": 16,
                                                             "deepstack_visual_indexes": [0]}, **tokens)
        model = Qwen3VLForConditionalGeneration
    torch.manual_seed(0)
    model(cfg).eval().save_pretrained(folder)
    Qwen2VLImageProcessorPil(min_pixels=56 * 56, max_pixels=64 * 64, patch_size=patch, merge_size=2) \
        .save_pretrained(folder)
    tok.save_pretrained(folder)


@pytest.fixture
def models(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "models"


@pytest.mark.parametrize("kind,where", [("qwen2_5_vl", "VLM/Qwen2.5-VL-tiny"),
                                        ("qwen3_vl", "LLM/Qwen-VL/Qwen3-VL-tiny")])
def test_caption_runs_a_qwen_vl_asked_an_instruction(models, kind, where):
    _tiny_vlm(models / where, kind)
    name = where.rsplit("/", 1)[1]
    assert find_captioner(name) == str(models / where)  # found where the packs keep it, by its name alone
    assert Caption.preflight({"model": name}, None) == []
    picture = np.random.default_rng(0).random((40, 48, 3), dtype=np.float32)
    params = {"model": name, "instruction": "Describe the picture.", "system": "You write prompts.",
              "max_tokens": 6, "seed": 943882687, "before": "A: ", "after": " Slow."}
    a = run_node(Caption, params, image=picture)
    b = run_node(Caption, params, image=picture)
    assert isinstance(a, str) and a.startswith("A: ") and a.endswith(" Slow.") and len(a) > len("A:  Slow.")
    assert a == b  # greedy: the same text each time
    assert run_node(Caption, {**params, "seed": 1}, image=picture) == a  # the seed draws nothing
    other = run_node(Caption, {**params, "before": "", "after": "", "instruction": "Zzz qqq, what?"}, image=picture)
    other_sys = run_node(Caption, {**params, "before": "", "after": "", "system": ""}, image=picture)
    assert {other, other_sys} != {a[3:-6]}  # the instruction and the system prompt reach the model


def test_a_folder_caption_does_not_run_is_refused_naming_caption_and_the_file(models):
    folder = models / "VLM" / "Qwen2.5-VL-3B-Instruct"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "qwen2_5_vl"}))
    (folder / "pytorch_model.bin").write_bytes(b"")
    with pytest.raises(CaptionModelError, match="Caption's model") as e:
        run_node(Caption, {"model": "Qwen2.5-VL-3B-Instruct"}, image=np.zeros((8, 8, 3), np.float32))
    assert f"'{folder}' holds no model.safetensors" in str(e.value) and "never unpickled" in str(e.value)
    (folder / "config.json").write_text(json.dumps({"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"]}))
    (problem,) = Caption.preflight({"model": "Qwen2.5-VL-3B-Instruct"}, None)
    assert f"'{folder / 'config.json'}' is a 'qwen2' model, not Florence-2 nor one of Qwen2.5-VL, Qwen3-VL" in problem
    assert "Caption's model wants" in problem
    (folder / "config.json").write_text(json.dumps({"model_type": "qwen3_vl", "auto_map": {"AutoModel": "x.Y"}}))
    (problem,) = Caption.preflight({"model": "Qwen2.5-VL-3B-Instruct"}, None)
    assert "asks for remote code ('auto_map')" in problem and str(folder / "config.json") in problem
