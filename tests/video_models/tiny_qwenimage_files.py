"""A tiny Qwen-Image written as ComfyUI holds it, three files: the DiT (diffusion_models/, diffusers' names under
'model.diffusion_model.'), the Qwen2.5-VL text encoder (text_encoders/, the language model under 'model.') with a
word-level tokenizer in a tokenizer/ folder beside it, and the VAE (vae/, a Wan 2.1-shaped VAE in the Wan
repository's names: tiny_parts.wan_vae_original_names, the inverse of diffusers' converter). Built from configs at
tiny widths with the release's values where no shape says them (configs.py: patches of 2, rotary axes 1/8, 7/16,
7/16 of a head; Qwen2.5-VL's 128-value heads; the VAE's four levels of two residual blocks)."""
from __future__ import annotations

import os

from .tiny_parts import comfy_folders, seeded, wan_vae_original_names

WORDS = "a red fox cat running in the snow sea sky painting".split()
DIT_CFG = dict(patch_size=2, in_channels=64, out_channels=16, num_layers=2, attention_head_dim=32,
               num_attention_heads=2, joint_attention_dim=128, guidance_embeds=False, axes_dims_rope=(4, 14, 14))
VAE_CFG = dict(base_dim=8, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2, attn_scales=[],
               temperal_downsample=[False, True, True], dropout=0.0)


def tokenizer(folder: str):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    vocab = {"<pad>": 0, "<|im_end|>": 1, "<unk>": 2}
    for w in WORDS:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<|im_end|>",
                                   unk_token="<unk>", model_max_length=2048, padding_side="right")
    fast.save_pretrained(folder)
    return fast


def models(tok) -> dict:
    """{transformer, text_encoder, vae}: random, their zero-initialised layers made to matter."""
    from diffusers import AutoencoderKLQwenImage, QwenImageTransformer2DModel
    from transformers import Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel

    from nodes.video_models.files.qwen_parts import QWEN_TEXT
    makers = {"transformer": lambda: QwenImageTransformer2DModel(**DIT_CFG),
              "text_encoder": lambda: Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(**{
                  **QWEN_TEXT, "vocab_size": len(tok), "hidden_size": 128, "intermediate_size": 37,
                  "num_hidden_layers": 2, "num_attention_heads": 1, "num_key_value_heads": 1,
                  "max_window_layers": 2})),
              "vae": lambda: AutoencoderKLQwenImage(**VAE_CFG)}
    return {c: seeded(make, i) for i, (c, make) in enumerate(makers.items())}


def write(root: str) -> dict:
    """The three files under ``root``: {'dit', 'text_encoder', 'vae', 'tokenizer', 'parts'}."""
    from safetensors.torch import save_file
    places = comfy_folders(root)
    tok = tokenizer(os.path.join(places["text_encoder"], "tokenizer"))
    parts = models(tok)
    files = {"dit": os.path.join(places["dit"], "qwen_image_bf16_tiny.safetensors"),
             "text_encoder": os.path.join(places["text_encoder"], "qwen_2.5_vl_tiny.safetensors"),
             "vae": os.path.join(places["vae"], "qwen_image_vae_tiny.safetensors")}
    save_file({"model.diffusion_model." + k: v.contiguous() for k, v in parts["transformer"].state_dict().items()},
              files["dit"])
    save_file({"model." + k: v.contiguous() for k, v in parts["text_encoder"].state_dict().items()},
              files["text_encoder"])
    save_file({k: v.contiguous() for k, v in wan_vae_original_names(parts["vae"].state_dict()).items()}, files["vae"])
    return {**files, "tokenizer": tok, "parts": parts}
