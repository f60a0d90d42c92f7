"""MiniMax H3's ComfyUI text-encoder file (``qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors``: Qwen3-VL
32B, its language model's Linear layers in ComfyUI's NVFP4 with AWQ pre-quant scales, files/
comfy_nvfp4.py) read as transformers' ``Qwen3VLTextModel``: the language model's tensors under its
names (``model.`` or ``model.language_model.`` in the file; the vision tower ``visual.`` and any LM
head left out), a config from their shapes (heads' width from ``q_norm``; the rotary settings and
norm epsilon the released Qwen3-VL-32B-Instruct's, QWEN3VL_TEXT), the NVFP4 layers kept packed
(comfy_quant's NVFP4Linear, AWQ scale applied to their input). MiniMax H3 conditions on the hidden
state after decoder layer 50 (diffusers' modular_pipelines/minimax_h3/encoders.py,
``get_qwen3vl_prompt_embeds``), which this model's ``hidden_states[50]`` gives.

Not yet wired into Load Video Model: the pipeline calls a ``Qwen3VLForConditionalGeneration``
(``text_encoder.model``), and reference images need the vision tower this reader leaves out."""
from __future__ import annotations

import os

import torch

from ...base.errors import ModelError
from ...files import comfy_nvfp4
from ...files.qwen_parts import qwen_names, renamed
from ...files.weight_formats import WeightFile, read_weight_file

# The released Qwen3-VL-32B-Instruct's text settings that the shapes do not tell (its config.json)
QWEN3VL_TEXT = {"hidden_act": "silu", "rms_norm_eps": 1e-6, "max_position_embeddings": 262144,
                "attention_bias": False, "tie_word_embeddings": False}
ROPE_THETA = 5_000_000.0


def rope(head_dim: int) -> dict:
    """Qwen3-VL's interleaved multimodal rotary settings: sections 24, 20, 20 of a 128-wide head's 64
    frequencies (the released models'), the same split in proportion for another head width."""
    half = head_dim // 2
    hw = half * 20 // 64
    return {"rope_type": "default", "rope_theta": ROPE_THETA, "mrope_section": [half - 2 * hw, hw, hw],
            "mrope_interleaved": True}


def text_config(shapes: dict, path: str):
    """Qwen3VLTextConfig from the language model's shapes (its names); a file that is not a Qwen3
    language model (no per-head q/k norms) is refused."""
    from transformers import Qwen3VLTextConfig
    need = ("embed_tokens.weight", "layers.0.self_attn.q_norm.weight", "layers.0.self_attn.q_proj.weight",
            "layers.0.self_attn.k_proj.weight", "layers.0.mlp.gate_proj.weight")
    missing = [k for k in need if k not in shapes]
    if missing:
        raise ModelError(f"'{path}': not a Qwen3-VL language model as MiniMax H3's text encoder is (no "
                         f"{', '.join(missing[:2])} under 'model.' or 'model.language_model.')")
    head = int(shapes["layers.0.self_attn.q_norm.weight"][0])
    q, kv = int(shapes["layers.0.self_attn.q_proj.weight"][0]), int(shapes["layers.0.self_attn.k_proj.weight"][0])
    if q % head or kv % head:
        raise ModelError(f"'{path}': queries {q} and keys {kv} wide are no whole number of {head}-value heads")
    layers = 1 + max(int(k.split(".")[1]) for k in shapes if k.startswith("layers."))
    return Qwen3VLTextConfig(**QWEN3VL_TEXT, vocab_size=int(shapes["embed_tokens.weight"][0]),
                             hidden_size=int(shapes["embed_tokens.weight"][1]),
                             intermediate_size=int(shapes["layers.0.mlp.gate_proj.weight"][0]),
                             num_hidden_layers=layers, num_attention_heads=q // head, num_key_value_heads=kv // head,
                             head_dim=head, rope_parameters=rope(head))


def text_file(path: str) -> tuple[WeightFile, object, dict]:
    """(the file under Qwen3VLTextModel's names, its config, layer -> its AWQ scale's name in the
    file); headers only, every NVFP4 layer and AWQ scale checked (comfy_nvfp4)."""
    wf = read_weight_file(path)
    scales = comfy_nvfp4.awq_scales(wf)
    names = qwen_names(list(wf.tensors))
    named = renamed(wf, names)
    cfg = text_config({k: tuple(v.shape) for k, v in named.tensors.items()}, path)
    awq = {names[layer + ".weight"][: -len(".weight")]: layer + comfy_nvfp4.PRE for layer in scales
           if layer + ".weight" in names}
    return named, cfg, awq


def load_text_model(path: str, torch_dtype=torch.bfloat16):
    """The file's language model as a Qwen3VLTextModel, lean (on the meta device, then the file's
    tensors read into it), its NVFP4 layers kept packed with their AWQ scales."""
    from transformers import Qwen3VLTextModel

    from ...files.single_file import lean_load
    from ...files.tensor_reads import read_tensor
    named, cfg, awq = text_file(path)
    model = lean_load(Qwen3VLTextModel, cfg, named, torch_dtype, awq_applied=True)  # put on just below
    wf = read_weight_file(path)
    layers = {n: m for n, m in model.named_modules() if n in awq}
    plain = sorted(n for n, m in layers.items() if not isinstance(m, comfy_nvfp4.NVFP4Linear))
    if plain:  # lean_load dequantised it (a module the class keeps in fp32): its AWQ scale would be lost
        raise ModelError(f"'{path}': '{plain[0]}' has an AWQ scale but was not kept as an NVFP4 layer")
    with open(path, "rb", buffering=0) as f:
        for name, module in layers.items():  # lean_load's packed layers take their AWQ input scale
            module.awq(read_tensor(f, wf, awq[name]).float())
    return model


def text_tokenizer(path: str, base: str | None):
    """Qwen3-VL's tokenizer from a ``tokenizer/`` folder beside the file, else None when 'base' (a
    diffusers MiniMax H3 folder) gives it; else refused, saying where Studio looked."""
    beside = os.path.join(os.path.dirname(path), "tokenizer")
    if os.path.isdir(beside):
        from transformers import AutoTokenizer
        return AutoTokenizer.from_pretrained(beside, local_files_only=True)
    if base:
        return None
    raise ModelError(f"the text encoder '{path}' (Qwen3-VL) carries no tokenizer (ComfyUI keeps it in its code) and "
                     f"none was found: Studio looked in '{beside}' and in 'base' (empty). Put Qwen3-VL's tokenizer "
                     "files there, or set 'base' to a diffusers MiniMax H3 folder")
