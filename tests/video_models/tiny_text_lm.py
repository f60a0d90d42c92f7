"""Tiny random causal language models in transformers' layout, built from configs (Qwen2, Qwen3, Llama) with a
word-level tokenizer built here and a ChatML chat template that reads Qwen3's 'enable_thinking' (as its template
does: an empty think block when thinking is off): what a prompt-writer pack keeps under models/LLM/<name>. Never
downloads."""
from __future__ import annotations

import os

WORDS = ("a red fox cat running in the snow sea sky painting write short prompt for video system user assistant "
         "you are helpful camera slow light night city rain").split()
TEMPLATE = ("{% for m in messages %}<|im_start|> {{ m['role'] }} {{ m['content'] }} <|im_end|> {% endfor %}"
            "{% if add_generation_prompt %}<|im_start|> assistant {% if enable_thinking is defined and not "
            "enable_thinking %}<think> </think> {% endif %}{% endif %}")


def tokenizer(folder: str, template: bool = True):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    vocab = {"<pad>": 0, "<|im_end|>": 1, "<unk>": 2, "<|im_start|>": 3, "<think>": 4, "</think>": 5, "<s>": 6}
    for w in WORDS:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<|im_end|>", unk_token="<unk>",
                                   bos_token="<s>", additional_special_tokens=["<|im_start|>", "<think>", "</think>"],
                                   model_max_length=256)
    if template:
        fast.chat_template = TEMPLATE
    fast.save_pretrained(folder)
    return fast


def config(kind: str, tok):
    import transformers
    cls = {"qwen2": "Qwen2Config", "qwen3": "Qwen3Config", "llama": "LlamaConfig"}[kind]
    extra = {"head_dim": 8} if kind == "qwen3" else {}
    return getattr(transformers, cls)(vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                      num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=256,
                                      pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
                                      bos_token_id=tok.bos_token_id, tie_word_embeddings=False, **extra)


def write(folder: str, kind: str = "qwen2", template: bool = True, seed: int = 0) -> str:
    """A tiny random ``kind`` model with its tokenizer saved in ``folder`` (model.safetensors, config.json,
    tokenizer.json...)."""
    import torch
    from transformers import AutoModelForCausalLM
    os.makedirs(folder, exist_ok=True)
    tok = tokenizer(folder, template)
    torch.manual_seed(seed)
    lm = AutoModelForCausalLM.from_config(config(kind, tok))
    lm.generation_config.eos_token_id = tok.eos_token_id
    lm.save_pretrained(folder, safe_serialization=True)
    return folder
