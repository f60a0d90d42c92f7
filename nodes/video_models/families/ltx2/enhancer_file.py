"""LTX-2.5's prompt-enhancer file for Enhance Prompt (enhance.py): a Gemma 4 E2B checkpoint as ComfyUI's
LTX-2.5 templates load it (``CLIPLoader('gemma4_e2b_it_int8_convrot.safetensors', 'ltxv')`` feeding
``TextGenerateLTX2Prompt``), read into transformers' own ``Gemma4ForCausalLM`` (the text-only class with
``generate()``; its LM head tied to the word embedding, as Gemma's is) lean: the skeleton on the meta
device, every shape checked against the file's header, then the weights read in (files/single_file.py
``lean_load``: ComfyUI's int8 layers, convrot or not, stay int8 in comfy_int8.Int8Linear; bf16 / fp16 /
fp32 tensors are cast to the run's dtype).

The file's layout (read, not copied, from Comfy-Org/ComfyUI comfy/text_encoders/gemma4.py at 05eaceaf:
``Gemma4_E2B`` holds ``self.model = Gemma4Transformer`` beside ``vision_model``, ``multi_modal_projector``,
``audio_model`` and ``audio_projector``): the language model under ``model.`` with transformers'
own names below it (``model.embed_tokens``, ``model.layers.N.self_attn.q_proj`` ..., ``model.layers.N
.layer_scalar``, the per-layer inputs ``model.embed_tokens_per_layer`` / ``model.per_layer_model_projection``
/ ``model.per_layer_projection_norm``, ``model.norm``); Hugging Face's own checkpoint nests the same under
``model.language_model.`` (read too). The vision and audio parts are not read: the image a template
gives its enhancer is said, not seen. ComfyUI keeps no Gemma 4 tokenizer in its code (comfy/text_encoders
has no gemma4 tokenizer folder; ``Gemma4SDTokenizer`` builds one from ``tokenizer_data['tokenizer_json']``,
the file's ``tokenizer_json`` uint8 tensor holding Hugging Face's tokenizer.json); Studio reads that
tensor, else a ``tokenizer/`` folder beside the file, and refuses otherwise. The prompt is tokenised as
ComfyUI does (``<bos>`` (id 2) first, the text without added special tokens).

The config, from the shapes where they say it: vocabulary and width (``embed_tokens``), layers (the
``layers.N`` indices), head size per layer (``q_norm``: the wider heads are the global-attention
layers, the narrower the sliding ones), attention heads (``q_proj`` rows / head size), key-value heads
(``k_proj`` rows / head size), MLP width (``gate_proj`` rows; layers twice as wide: E2B's
``use_double_wide_mlp``), the per-layer input width (``embed_tokens_per_layer`` columns / layers), the
KV-sharing layers (the trailing layers with no ``k_proj``, else those with the doubled MLP, which E2B
gives exactly its shared layers, else the released count below for the released sizes). Not in the
shapes, from ComfyUI's ``Gemma4Config`` / ``Gemma4_E2B_Config`` (same file; they agree with
transformers' ``Gemma4TextConfig`` defaults): sliding window 512, RoPE theta 1e6 on global layers
(proportional, a quarter of the dims rotated) and 1e4 on sliding ones, final-logit soft-capping 30,
RMS-norm eps 1e-6, GELU (tanh) MLPs, 131072 positions, pad 0 / eos 1 / bos 2; and the released
sizes: E2B 35 layers of width 1536 (MLP 6144, 8 heads of 256, 1 KV head, global heads of 512, every
fifth layer global, the last 20 sharing KV, per-layer inputs of 256), E4B 42 of 2560 (the last 18
sharing KV). Not verified against Google's released config.json (no copy here): ComfyUI's numbers
are the evidence. ComfyUI also stops on token 50 beside <eos> (1) and <turn|> (106); what token 50 is
could not be checked, so Studio stops on <eos> and <turn|> only.

Headers and plain data until ``load``: ``inspect`` (what preflight calls) imports no torch."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import os
import re
from dataclasses import dataclass

from ...base.errors import ModelError
from ...files.weight_formats import WeightFile, read_weight_file

NODE = "Enhance Prompt"
TOKENIZER_KEY = "tokenizer_json"
NESTED = "model.language_model."
TEXT = ("model.layers.", "model.embed_tokens.", "model.embed_tokens_per_layer.", "model.norm.",
        "model.per_layer_model_projection.", "model.per_layer_projection_norm.")
SIDE = ("vision_model.", "vision_tower.", "multi_modal_projector.", "embed_vision.", "audio_model.", "audio_tower.",
        "audio_projector.", "embed_audio.", "model.vision_tower.", "model.audio_tower.", "model.embed_vision.",
        "model.embed_audio.", "model.vision_model.", "model.multi_modal_projector.")
WANTED = "Gemma 4 E2B (ComfyUI's gemma4_e2b_it_int8_convrot.safetensors, or a bf16 / fp16 one)"
# not in the shapes: ComfyUI's Gemma4Config (comfy/text_encoders/gemma4.py at 05eaceaf)
FIXED = dict(sliding_window=512, final_logit_softcapping=30.0, rms_norm_eps=1e-6, hidden_activation="gelu_pytorch_tanh",
             max_position_embeddings=131072, pad_token_id=0, eos_token_id=1, bos_token_id=2, tie_word_embeddings=True,
             rope_parameters={"sliding_attention": {"rope_type": "default", "rope_theta": 10_000.0},
                              "full_attention": {"rope_type": "proportional", "partial_rotary_factor": 0.25,
                                                 "rope_theta": 1_000_000.0}})
RELEASED_SHARED = {(1536, 35): 20, (2560, 42): 18}  # (width, layers) -> KV-sharing layers: E2B, E4B
TURN_END, BOS = "<turn|>", 2


@dataclass(frozen=True)
class Enhancer:
    wf: WeightFile  # the language model's tensors under Gemma4ForCausalLM's names
    config: dict  # Gemma4TextConfig's arguments
    tokenizer: object  # the file's tokenizer_json (its TensorInfo), or the tokenizer folder beside it
    what: str  # in words, for the log


def _no(path: str, why: str) -> ModelError:
    return ModelError(f"{NODE}: the enhancer file '{path}' {why}")


def _names(wf: WeightFile) -> dict[str, str]:
    """{file name: Gemma4ForCausalLM name} of the language model's tensors."""
    if any(k.startswith(NESTED) for k in wf.tensors):
        return {k: "model." + k[len(NESTED):] for k in wf.tensors if k.startswith(NESTED)}
    return {k: k for k in wf.tensors if k.startswith(TEXT)}


def _layers(names) -> int:
    idx = {int(m.group(1)) for k in names if (m := re.match(r"model\.layers\.(\d+)\.", k))}
    if not idx:
        return 0
    if idx != set(range(max(idx) + 1)):
        raise ModelError(f"layers {sorted(set(range(max(idx) + 1)) - idx)[:3]} are missing")
    return max(idx) + 1


def _config(path: str, t: dict) -> dict:
    """Gemma4TextConfig's arguments from the tensors' shapes (``t``: model name -> TensorInfo)."""
    def shape(k):
        if k not in t:
            raise _no(path, f"lacks '{k}', which every Gemma 4 language model has: it is not {WANTED}")
        return t[k].shape
    n = _layers(t)
    vocab, width = shape("model.embed_tokens.weight")
    heads_of = [shape(f"model.layers.{i}.self_attn.q_norm.weight")[0] for i in range(n)]
    sliding, full = min(heads_of), max(heads_of)
    if sliding == full:
        raise _no(path, f"has heads of {full} values in every layer, so its shapes do not say which layers attend "
                        "globally (Gemma 4's global layers have wider heads): it is not " + WANTED)
    types = ["full_attention" if h == full else "sliding_attention" for h in heads_of]
    if types[-1] != "full_attention":
        raise _no(path, "ends on a sliding-attention layer; Gemma 4's last layer attends globally: it is not " + WANTED)
    heads = shape("model.layers.0.self_attn.q_proj.weight")[0] // heads_of[0]
    kv = shape("model.layers.0.self_attn.k_proj.weight")[0] // heads_of[0]
    mlp = [shape(f"model.layers.{i}.mlp.gate_proj.weight")[0] for i in range(n)]
    base = min(mlp)
    double = any(m == 2 * base for m in mlp)
    if any(m not in (base, 2 * base) for m in mlp):
        raise _no(path, f"has MLPs of widths {sorted(set(mlp))}: Gemma 4 has one width (twice it on E2B's shared "
                        "layers)")
    shared = 0
    while shared < n and f"model.layers.{n - 1 - shared}.self_attn.k_proj.weight" not in t:
        shared += 1
    if not shared and double:
        while shared < n and mlp[n - 1 - shared] == 2 * base:
            shared += 1
    if not shared:
        shared = RELEASED_SHARED.get((width, n), 0)
    per = t.get("model.embed_tokens_per_layer.weight")
    cfg = dict(FIXED, vocab_size=vocab, hidden_size=width, num_hidden_layers=n, num_attention_heads=heads,
               num_key_value_heads=kv, head_dim=sliding, global_head_dim=full, intermediate_size=base,
               layer_types=types, use_double_wide_mlp=double, num_kv_shared_layers=shared,
               hidden_size_per_layer_input=per.shape[1] // n if per is not None else 0,
               vocab_size_per_layer_input=per.shape[0] if per is not None else vocab)
    return cfg


def inspect(path: str) -> Enhancer:
    """The enhancer file checked from its header alone (no torch): refused in one sentence naming
    the node and the file when it is not a Gemma 4 causal language model Studio can run, or when no
    tokenizer is there for it."""
    if path.lower().endswith(".gguf"):
        raise _no(path, f"is GGUF: Studio reads the enhancer from .safetensors ({WANTED})")
    try:
        wf = read_weight_file(path)
    except ModelError as e:
        raise _no(path, f"cannot be read: {e}") from None
    keys = set(wf.tensors)
    names = _names(wf)
    if any(k.startswith("text_embedding_projection.") for k in keys):
        raise _no(path, "is LTX-2.5's text encoder (Gemma 4 with LTX-2.5's text projections: Load Video Model's "
                        f"'text_encoder'), which encodes prompts, not the enhancer that writes them: give {WANTED}")
    if not any(k.startswith("model.layers.") for k in names.values()):
        side = [k for k in keys if k.startswith(SIDE)]
        if side:
            raise _no(path, f"holds only a vision or audio part ('{sorted(side)[0]}'), not Gemma 4's language "
                            f"model: give {WANTED}")
        raise _no(path, f"holds no language model's layers ('model.layers.N.*'): it is not {WANTED}")
    t = {new: wf.tensors[old] for old, new in names.items()}
    if "model.layers.0.layer_scalar" not in t:
        raise _no(path, "is not Gemma 4 (its layers carry no 'layer_scalar': Gemma 3's or another model's); "
                        f"give {WANTED}")
    if any(".router." in k or ".experts." in k for k in t):
        raise _no(path, "is a mixture-of-experts Gemma 4 (26B A4B), which Enhance Prompt does not run: give " + WANTED)
    try:
        cfg = _config(path, t)
    except ModelError as e:
        raise e if str(e).startswith(NODE) else _no(path, f"is not one Gemma 4: {e}") from None
    beside = os.path.join(os.path.dirname(path), "tokenizer")
    if TOKENIZER_KEY in wf.tensors or TOKENIZER_KEY in (wf.aside or {}):
        tok = wf.tensors.get(TOKENIZER_KEY) or wf.aside[TOKENIZER_KEY]
    elif os.path.isdir(beside):
        tok = beside
    else:
        raise _no(path, f"carries no tokenizer (no '{TOKENIZER_KEY}' tensor, which ComfyUI's Gemma 4 files hold) and "
                        f"none was found: Studio looked in the file and in '{beside}' (put Gemma 4's tokenizer.json "
                        "there)")
    renamed = WeightFile(wf.path, wf.kind, t, {names[w]: s for w, s in wf.scales.items() if w in names},
                         wf.data_start, wf.aside)
    what = (f"Gemma 4 ({cfg['num_hidden_layers']} layers of width {cfg['hidden_size']}, {wf.fmt}"
            f"{'; its vision and audio parts not read' if any(k.startswith(SIDE) for k in keys) else ''})")
    return Enhancer(renamed, cfg, tok, what)


def _tokenizer(e: Enhancer):
    """Gemma 4's tokenizer, from the file's ``tokenizer_json`` or the folder beside it."""
    from transformers import AutoTokenizer, PreTrainedTokenizerFast
    if isinstance(e.tokenizer, str):
        return AutoTokenizer.from_pretrained(e.tokenizer, local_files_only=True)
    from tokenizers import Tokenizer

    from ...files.tensor_reads import read_tensor
    one = WeightFile(e.wf.path, e.wf.kind, {TOKENIZER_KEY: e.tokenizer}, {}, e.wf.data_start)
    with open(e.wf.path, "rb", buffering=0) as f:
        raw = read_tensor(f, one, TOKENIZER_KEY).numpy().tobytes()
    try:
        back = Tokenizer.from_str(raw.decode("utf-8"))
    except Exception:  # noqa: BLE001 - tokenizers' own exception types
        raise _no(e.wf.path, f"holds a '{TOKENIZER_KEY}' tensor that is not a tokenizer.json") from None
    return PreTrainedTokenizerFast(tokenizer_object=back, bos_token="<bos>", eos_token="<eos>", pad_token="<pad>",
                                   unk_token="<unk>")


def load(path: str, dtype):
    """(Gemma4ForCausalLM in eval mode on the CPU, its tokenizer) for the enhancer file: every check
    (the header's, the tokenizer's, each tensor's shape against the skeleton's) before any weight is
    allocated."""
    import torch
    from transformers import Gemma4ForCausalLM, Gemma4TextConfig

    from ...files.single_file import lean_load
    e = inspect(path)
    cfg = Gemma4TextConfig(**e.config)
    with meta_device():
        skeleton = Gemma4ForCausalLM(cfg)
    own = {k: tuple(v.shape) for k, v in skeleton.state_dict().items() if k != "lm_head.weight"}
    have = {k: tuple(v.shape) for k, v in e.wf.tensors.items()}
    bad = [k for k in own if k in have and own[k] != have[k]]
    missing = [k for k in own if k not in have and not k.endswith("layer_scalar")]
    if bad or missing:
        k = (bad or missing)[0]
        raise _no(path, f"does not make one Gemma4ForCausalLM: '{k}' " + (
            f"is {list(have[k])}, but its other shapes make it {list(own[k])}" if bad else "is not there") +
            f" ({len(bad)} tensors differ, {len(missing)} missing)")
    del skeleton
    tok = _tokenizer(e)
    for name in (TURN_END, "<eos>", "<bos>"):
        if tok.convert_tokens_to_ids(name) in (None, tok.unk_token_id) and name != "<unk>":
            raise _no(path, f"has a tokenizer without Gemma 4's '{name}' token: it is not Gemma 4's tokenizer")
    if len(tok) > cfg.vocab_size:
        raise _no(path, f"has a tokenizer of {len(tok)} tokens, but its word embedding has {cfg.vocab_size} rows: "
                        "they are not one model's")
    lm = lean_load(Gemma4ForCausalLM, cfg, e.wf, dtype)
    return lm, tok, e.what


def chat(system: str, prompt: str) -> str:
    """Gemma 4's turns (its ``<|turn>role ... <turn|>`` format, as ComfyUI's Gemma4 tokenizer writes
    them): the system's, the user's with the short prompt as LTX-2's enhancer words it, the model's opened."""
    return (f"<|turn>system\n{system}<turn|>\n<|turn>user\nUser Raw Input Prompt: {prompt}.<turn|>\n"
            f"<|turn>model\n")


def model_inputs(tok, system: str, prompt: str, device) -> dict:
    """input_ids as ComfyUI makes them: <bos>, then the turns without added special tokens."""
    import torch
    bos = tok.bos_token_id if tok.bos_token_id is not None else BOS
    ids = torch.tensor([[bos] + tok(chat(system, prompt), add_special_tokens=False)["input_ids"]], device=device)
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
