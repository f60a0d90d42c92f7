"""ComfyUI's Qwen2.5-VL text-encoder file (``text_encoders/qwen_2.5_vl_7b(_fp8_scaled).safetensors``:
the whole vision-language model under 'model.' names, a vision tower and an LM head beside the
language model) read as transformers' ``Qwen2_5_VLTextModel``: the language model's tensors under its
names (the tower and the head left out: the pipelines read the text states only), a config from
their shapes (its heads of 128 values each and its rotary settings Studio's data for the released
models, QWEN_ASSUMED), checked against the width of text states the denoiser reads. Shared by the
families that read it (HunyuanVideo 1.5: families/hunyuan15/parts.py; Kandinsky 5:
families/kandinsky5/parts.py); and the released Qwen3's text settings no shape tells (QWEN3_TEXT: Z-Image's and
FLUX.2 [klein]'s text encoder). Headers only; plain Python."""
from __future__ import annotations

import os

from studio.core.safetensors_header import numbered

from ..base.errors import ModelError
from .weight_formats import WeightFile

QWEN_HEAD_DIM = 128  # Qwen2.5-VL 3B / 7B / 72B
# The released Qwen2.5-VL-7B-Instruct's text settings that its shapes do not tell
QWEN_TEXT = {"hidden_act": "silu", "rms_norm_eps": 1e-6, "max_position_embeddings": 128000, "rope_theta": 1000000.0,
             "rope_scaling": {"type": "default", "rope_type": "default", "mrope_section": [16, 24, 24]},
             "use_sliding_window": False, "bos_token_id": 151643, "eos_token_id": 151645}
QWEN_ASSUMED = (f"Qwen2.5-VL attention heads of {QWEN_HEAD_DIM} values each and its rotary settings "
                "(mrope sections 16, 24, 24; theta 1e6)")
QWEN_CLASS = "Qwen2_5_VLTextModel"
# The released Qwen3 4B / 8B text settings that their shapes do not tell (Z-Image's and FLUX.2 [klein]'s text encoder)
QWEN3_TEXT = {"hidden_act": "silu", "rms_norm_eps": 1e-6, "max_position_embeddings": 40960,
              "tie_word_embeddings": True, "rope_parameters": {"rope_theta": 1000000.0, "rope_type": "default"},
              "attention_bias": False, "use_sliding_window": False}
_QWEN_TOPS = ("embed_tokens.", "layers.", "norm.")


def renamed(wf: WeightFile, names: dict[str, str]) -> WeightFile:
    """``wf`` under new names (``names``: old -> new; others dropped); nothing read."""
    return WeightFile(wf.path, wf.kind, {names[k]: v for k, v in wf.tensors.items() if k in names},
                      {names[w]: names.get(s, s) for w, s in wf.scales.items() if w in names}, wf.data_start,
                      {names.get(k, k): v for k, v in (wf.aside or {}).items()})


def qwen_names(names) -> dict[str, str]:
    """The language model's names under Qwen2_5_VLTextModel's (the vision tower and the LM head
    are left out: the pipelines read the text states only)."""
    out = {}
    for k in names:
        for pre in ("model.language_model.", "language_model.model.", "model.", ""):
            if k.startswith(pre) and k[len(pre):].startswith(_QWEN_TOPS):
                out[k] = k[len(pre):]
                break
    return out


def qwen_config(shapes: dict, path: str, family: str) -> dict:
    """Qwen2_5_VLTextConfig's fields from the language model's shapes (its names) and QWEN_TEXT;
    a width that is no whole number of 128-value heads is refused, saying to give ``family``'s folder."""
    hidden = int(shapes["embed_tokens.weight"][1])
    kv = int(shapes["layers.0.self_attn.k_proj.weight"][0])
    if hidden % QWEN_HEAD_DIM or kv % QWEN_HEAD_DIM:
        raise ModelError(f"'{path}': a Qwen2.5-VL {hidden} wide with keys {kv} wide is not a whole number of "
                         f"{QWEN_HEAD_DIM}-value heads as in the released models: give a diffusers {family} "
                         "folder as 'base' and leave the text encoder empty")
    layers = numbered(shapes, "layers.", path)
    return {**QWEN_TEXT, "vocab_size": int(shapes["embed_tokens.weight"][0]), "hidden_size": hidden,
            "intermediate_size": int(shapes["layers.0.mlp.gate_proj.weight"][0]), "num_hidden_layers": layers,
            "num_attention_heads": hidden // QWEN_HEAD_DIM, "num_key_value_heads": kv // QWEN_HEAD_DIM,
            "max_window_layers": layers}


def qwen_part(wf: WeightFile, variant: str, width: int | None, den_path: str, family: str) -> tuple:
    """(the file under Qwen2_5_VLTextModel's names, what it is, class name, config) of a text-encoder
    file for ``family``'s denoiser ``den_path``, which reads text states ``width`` wide; another text
    encoder, or a Qwen of another width, is named. Headers only."""
    if "layers.0.self_attn.k_proj.bias" not in qwen_names(wf.tensors).values():
        raise ModelError(f"the text encoder '{wf.path}' is {variant}, but {family} reads Qwen2.5-VL's text states: "
                         "give qwen_2.5_vl_7b")
    named = renamed(wf, qwen_names(list(wf.tensors)))
    cfg = qwen_config({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path, family)
    if cfg["hidden_size"] != width:
        raise ModelError(f"the text encoder '{wf.path}' ({variant}) gives text states {cfg['hidden_size']} wide, but "
                         f"the denoiser '{os.path.basename(den_path)}' reads {width}: they do not fit")
    return named, variant, QWEN_CLASS, cfg
