"""A tiny random Gemma 4 shaped as E2B (global layers with wider heads, the last layers sharing their
KV with a doubled MLP, per-layer inputs), built from a config with transformers' own Gemma4ForCausalLM,
and its file written in ComfyUI's layout (comfy/text_encoders/gemma4.py's ``Gemma4_E2B``: the language
model under ``model.``, vision and audio parts beside it, the tokenizer.json as a ``tokenizer_json`` uint8
tensor), plain or with its Linear weights in ComfyUI's int8 convrot layout (this suite's own quantiser,
test_comfy_int8.py). A tiny byte-level BPE tokenizer with Gemma 4's special tokens is trained here."""
from __future__ import annotations

import functools

import torch

SPECIAL = ["<pad>", "<eos>", "<bos>", "<unk>", "<|turn>", "<turn|>", "<mask>"]
CORPUS = ["a red fox runs in the snow at dawn", "the camera holds on a quiet street while rain falls",
          "a woman speaks softly as the wind moves the trees", "system user model prompt input raw"] * 20


@functools.lru_cache(maxsize=1)
def tokenizer_json() -> str:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=320, special_tokens=SPECIAL, show_progress=False,
                                                         initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return tok.to_str()


def config(vocab: int):
    """E2B's layout at tiny widths: 6 layers, sliding heads of 16 values and global ones of 32 (layers 2
    and 5 global), the last 2 layers sharing KV with their MLPs twice as wide, per-layer inputs of 8."""
    from transformers import Gemma4TextConfig
    return Gemma4TextConfig(
        vocab_size=vocab, hidden_size=64, intermediate_size=32, num_hidden_layers=6, num_attention_heads=2,
        num_key_value_heads=1, head_dim=16, global_head_dim=32, hidden_size_per_layer_input=8,
        vocab_size_per_layer_input=vocab, num_kv_shared_layers=2, use_double_wide_mlp=True,
        layer_types=["sliding_attention", "sliding_attention", "full_attention"] * 2, sliding_window=512,
        final_logit_softcapping=30.0, max_position_embeddings=2048, pad_token_id=0, eos_token_id=1, bos_token_id=2)


@functools.lru_cache(maxsize=1)
def model():
    """(the reference Gemma4ForCausalLM in fp32, eval, its tied head; the tokenizer's vocabulary size)."""
    from tokenizers import Tokenizer
    from transformers import Gemma4ForCausalLM
    vocab = Tokenizer.from_str(tokenizer_json()).get_vocab_size()
    torch.manual_seed(7)
    lm = Gemma4ForCausalLM(config(vocab)).eval()
    with torch.no_grad():  # weights and scalars away from their initial values, so a lost one shows
        for name, p in lm.named_parameters():
            p.normal_(0, 0.5 if "norm" in name else 0.08)
        for layer in lm.model.layers:
            layer.layer_scalar.fill_(0.5 + torch.rand(()).item())
    return lm


def comfy_state(lm, int8: bool = False) -> dict:
    """The model's tensors under ComfyUI's names (as they are: ``model.*``), beside a vision and an audio
    part and the tokenizer; ``int8``: the Linear weights whose width allows it in int8 convrot (group 16)."""
    from .test_comfy_int8 import int8_convrot, mark
    out = {}
    linear = {n + ".weight" for n, m in lm.named_modules() if isinstance(m, torch.nn.Linear)}
    for k, v in lm.state_dict().items():
        if k == "lm_head.weight":
            continue  # tied to the word embedding: ComfyUI's file has no head
        v = v.detach().clone()
        if int8 and k in linear and v.shape[1] % 16 == 0:
            layer = k[: -len(".weight")]
            out[k], out[layer + ".weight_scale"], _ = int8_convrot(v, 16)
            out[layer + ".comfy_quant"] = mark(16)
        else:
            out[k] = v
    out["vision_model.encoder.layers.0.mlp.up_proj.linear.weight"] = torch.randn(8, 8)
    out["multi_modal_projector.embedding_projection.weight"] = torch.randn(64, 8)
    out["audio_model.output_proj.weight"] = torch.randn(8, 8)
    out["tokenizer_json"] = torch.frombuffer(bytearray(tokenizer_json().encode()), dtype=torch.uint8)
    return {k: v.contiguous() for k, v in out.items()}


def write(path: str, int8: bool = False, state: dict | None = None) -> str:
    from safetensors.torch import save_file
    save_file(state if state is not None else comfy_state(model(), int8), path)
    return path


def dequantised(lm, state: dict):
    """A copy of ``lm`` holding the weights an int8 file holds (each rotated back and scaled), fp32."""
    import copy

    from nodes.video_models.files import comfy_int8
    ref = copy.deepcopy(lm)
    with torch.no_grad():
        for k, v in state.items():
            if k.endswith(".weight_scale"):
                w = k[: -len("_scale")]
                held = comfy_int8.dequantise(comfy_int8.Int8(state[w], v, 16), torch.float32)
                ref.get_parameter(w).copy_(held)
    return ref
