"""A local language model's folder for Generate Text: any causal language model transformers' own classes load
(AutoModelForCausalLM: Qwen2 / Qwen3, Llama, Gemma, Phi, Mistral...), in transformers' layout (config.json, a
tokenizer, *.safetensors), as the prompt-writer packs keep them: models/LLM/<name>, models/prompt_generator/<name>,
models/text_encoders/<name>, models/smol/<name>. Checked from its files alone before any weight is read (``check``): a
config.json whose model_type transformers' AutoModelForCausalLM knows, safetensors weights (pickles are never
unpickled, a GGUF is not read), a tokenizer; refused otherwise in one sentence naming the node and the cause. Loaded
(``load``) with ``local_files_only`` and ``trust_remote_code`` off (never a download, never the folder's own code).
The prompt is put in the tokenizer's own chat template (``chat_ids``: apply_chat_template, the system text as the
system turn, Qwen3's 'enable_thinking' from 'thinking'); a folder with no template is given the words as they are.
transformers is imported when it runs, never when Studio starts."""
from __future__ import annotations

import json
import os

from .base.errors import ModelError

NODE = "Generate Text"
# where the packs keep them (chflame163's LayerStyle_Advance: LLM/ for Phi, smol/ for SmolLM2)
FOLDERS = ("LLM", "prompt_generator", "LLM/prompt_generator", "text_encoders", "smol")
TOKENIZER = ("tokenizer.json", "tokenizer.model", "vocab.json")
PICKLES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


def _no(path: str, why: str) -> ModelError:
    return ModelError(f"{NODE}: the model folder '{path}' {why}")


def _causal_types() -> dict:
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES  # noqa: PLC0415
    return MODEL_FOR_CAUSAL_LM_MAPPING_NAMES


def check(path: str) -> dict:
    """The folder's config.json once its files show a causal language model transformers loads from safetensors
    with a tokenizer; else ModelError naming the node, the folder and the cause. No weight is read."""
    cfg_path = os.path.join(path, "config.json")
    try:
        with open(cfg_path, encoding="utf-8") as f:
            cfg = json.load(f)
    except OSError:
        raise _no(path, "holds no config.json: a language model's folder in transformers' layout has one (with "
                        "its tokenizer and *.safetensors)") from None
    except ValueError:
        raise _no(path, "has a config.json that is not JSON") from None
    kind = cfg.get("model_type") if isinstance(cfg, dict) else None
    if kind not in _causal_types():
        raise _no(path, f"holds a model of type {kind!r}, which transformers' AutoModelForCausalLM does not know: "
                        "Generate Text runs a causal language model (Qwen, Llama, Gemma, Phi, Mistral...)")
    files = os.listdir(path)
    if not any(f.endswith(".safetensors") for f in files):
        pickles = sorted(f for f in files if f.endswith(PICKLES))
        gguf = sorted(f for f in files if f.lower().endswith(".gguf"))
        why = (f"holds its weights as pickles only ({', '.join(pickles[:3])}), which Studio never unpickles"
               if pickles else f"holds a GGUF file ({gguf[0]}), which Generate Text does not read" if gguf
               else "holds no weights (no *.safetensors)")
        raise _no(path, f"{why}: get the model's safetensors")
    if not any(f in files for f in TOKENIZER):
        raise _no(path, f"holds no tokenizer ({', '.join(TOKENIZER)})")
    return cfg


def load(path: str, dtype) -> tuple:
    """(the model, its tokenizer, what it is in words) of a checked folder, through transformers' own classes."""
    from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: PLC0415
    cfg = check(path)
    try:
        tok = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
        lm = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, trust_remote_code=False,
                                                  use_safetensors=True, dtype=dtype)
    except (OSError, ValueError, KeyError) as e:
        raise _no(path, f"could not be read by transformers: {str(e).splitlines()[0][:300]}") from None
    return lm.eval(), tok, f"a {cfg['model_type']} model ({type(lm).__name__})"


def chat_ids(tok, prompt: str, system: str, template: bool, thinking: bool) -> tuple[list[int], bool]:
    """(the token ids the model is given, whether its chat template made them): the tokenizer's template with the
    system text as its system turn where one is given; without 'template' or a template, the words as they are
    (the system text, where given, before them)."""
    if template and getattr(tok, "chat_template", None):
        turns = ([{"role": "system", "content": system}] if system.strip() else []) + \
            [{"role": "user", "content": prompt}]
        text = tok.apply_chat_template(turns, tokenize=False, add_generation_prompt=True, enable_thinking=thinking)
        return tok(text, add_special_tokens=False)["input_ids"], True
    text = f"{system}\n\n{prompt}" if system.strip() else prompt
    return tok(text)["input_ids"], False


def answer(text: str) -> str:
    """The text a thinking model wrote after its thoughts (Qwen3's '<think> ... </think>', kept as words by the
    tokenizer): what follows the last '</think>'; the text as it is without one."""
    return text.rsplit("</think>", 1)[-1].strip() if "</think>" in text else text


def stops(lm, tok) -> list[int]:
    """The ids that end the text: the tokenizer's end and the model's generation config's (a chat model's turn end)."""
    out = [tok.eos_token_id] if tok.eos_token_id is not None else []
    got = getattr(getattr(lm, "generation_config", None), "eos_token_id", None)
    for i in got if isinstance(got, (list, tuple)) else [got]:
        if isinstance(i, int) and i not in out:
            out.append(i)
    return out


def files(path: str) -> list[str]:
    """The folder's files a run reads (replacing one re-runs the node)."""
    return sorted(os.path.join(path, f) for f in os.listdir(path)
                  if f == "config.json" or f.endswith(".safetensors") or f in TOKENIZER or f.startswith("tokenizer"))
