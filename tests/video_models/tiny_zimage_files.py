"""A tiny Z-Image written as ComfyUI holds it, three files: the DiT (diffusion_models/, Tongyi-MAI's names under
'model.diffusion_model.': q/k/v joined into 'qkv', 'out', 'q_norm'/'k_norm', 'x_embedder', 'final_layer': the
inverse of diffusers' single-file converter, checked by a round trip in test_zimage_still.py), the Qwen3 text
encoder (text_encoders/, the language model under 'model.') with a word-level tokenizer and chat template in a
tokenizer/ folder beside it, and the Flux VAE (vae/, the ldm names, no quant convs). Built from configs at tiny widths
with the release's values where no shape says them (configs.py: rotary axes 1/4, 3/8, 3/8 of a head, Qwen3's rotary
theta, Flux's latent scaling)."""
from __future__ import annotations

import os

from .tiny_animatediff_files import vae_ldm
from .tiny_parts import comfy_folders, seeded

WORDS = "a red fox cat running in the snow sea sky painting".split()
DIT_CFG = dict(all_patch_size=(2,), all_f_patch_size=(1,), in_channels=16, dim=32, n_layers=2, n_refiner_layers=1,
               n_heads=2, n_kv_heads=2, norm_eps=1e-5, qk_norm=True, cap_feat_dim=16, rope_theta=256.0, t_scale=1000.0,
               axes_dims=[4, 6, 6], axes_lens=[1536, 512, 512])
VAE_CFG = dict(in_channels=3, out_channels=3, latent_channels=16, block_out_channels=(32, 64), layers_per_block=1,
               down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
               norm_num_groups=32, scaling_factor=0.3611, shift_factor=0.1159, use_quant_conv=False,
               use_post_quant_conv=False, sample_size=1024, force_upcast=True)
RENAMES = (("all_final_layer.2-1.", "final_layer."), ("all_x_embedder.2-1.", "x_embedder."),
           (".attention.to_out.0.", ".attention.out."), (".attention.norm_k.", ".attention.k_norm."),
           (".attention.norm_q.", ".attention.q_norm."))


def tokenizer(folder: str):
    """A word-level tokenizer with the special tokens and a chat template (the pipeline wraps each prompt in it)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    vocab = {"<pad>": 0, "<|im_end|>": 1, "<unk>": 2, "<|im_start|>": 3}
    for w in WORDS:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<|im_end|>",
                                   unk_token="<unk>", model_max_length=512)
    fast.chat_template = "{% for m in messages %}<|im_start|> {{ m['content'] }} <|im_end|> {% endfor %}"
    fast.save_pretrained(folder)
    return fast


def qwen3_config(tok, width: int = 16, layers: int = 2):
    from transformers import Qwen3Config

    from nodes.video_models.files.qwen_parts import QWEN3_TEXT
    return Qwen3Config(**{**QWEN3_TEXT, "vocab_size": len(tok), "hidden_size": width, "intermediate_size": 37,
                          "num_hidden_layers": layers, "num_attention_heads": 2, "num_key_value_heads": 1,
                          "head_dim": 8, "pad_token_id": tok.pad_token_id})


def models(tok) -> dict:
    """{transformer, text_encoder, vae}: random, their zero-initialised layers made to matter."""
    from diffusers import AutoencoderKL, ZImageTransformer2DModel
    from transformers import Qwen3Model
    makers = {"transformer": lambda: ZImageTransformer2DModel(**DIT_CFG),
              "text_encoder": lambda: Qwen3Model(qwen3_config(tok)), "vae": lambda: AutoencoderKL(**VAE_CFG)}
    return {c: seeded(make, i) for i, (c, make) in enumerate(makers.items())}


def dit_comfy(state: dict) -> dict:
    """A ZImageTransformer2DModel's tensors under the names of ComfyUI's file (to_q, to_k, to_v joined)."""
    import torch
    out, qkv = {}, {}
    for k, t in state.items():
        if ".attention.to_" in k and k.rsplit(".", 2)[-2] in ("to_q", "to_k", "to_v"):
            qkv.setdefault(k.rsplit(".", 2)[0], {})[k.rsplit(".", 2)[1]] = t
            continue
        for new, old in RENAMES:
            k = k.replace(new, old)
        out["model.diffusion_model." + k] = t
    for at, parts in qkv.items():
        out[f"model.diffusion_model.{at}.qkv.weight"] = torch.cat([parts[w] for w in ("to_q", "to_k", "to_v")])
    return out


def write(root: str) -> dict:
    """The three files under ``root``: {'dit', 'text_encoder', 'vae', 'tokenizer', 'parts'}."""
    from safetensors.torch import save_file
    places = comfy_folders(root)
    tok = tokenizer(os.path.join(places["text_encoder"], "tokenizer"))
    parts = models(tok)
    files = {"dit": os.path.join(places["dit"], "z_image_turbo_tiny.safetensors"),
             "text_encoder": os.path.join(places["text_encoder"], "qwen_3_tiny.safetensors"),
             "vae": os.path.join(places["vae"], "ae_tiny.safetensors")}
    save_file({k: v.contiguous() for k, v in dit_comfy(parts["transformer"].state_dict()).items()}, files["dit"])
    save_file({"model." + k: v.contiguous() for k, v in parts["text_encoder"].state_dict().items()},
              files["text_encoder"])
    save_file({k.removeprefix("first_stage_model."): v.contiguous()  # (ae.safetensors: no prefix)
               for k, v in vae_ldm(parts["vae"].state_dict(), 2).items()}, files["vae"])
    return {**files, "tokenizer": tok, "parts": parts}
