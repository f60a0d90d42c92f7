"""A tiny Stable Diffusion XL checkpoint written as ComfyUI holds it (checkpoints/*.safetensors, Stability's sgm
layout): its UNet under model.diffusion_model.* (with label_emb, the 'text_time' size embedding), its VAE under
first_stage_model.*, CLIP ViT-L under conditioner.embedders.0.transformer.text_model.* and OpenCLIP bigG under
conditioner.embedders.1.model.* (resblocks with joined q/k/v, text_projection), plus CLIP's BPE tokenizer files in a
tokenizer/ folder beside it. Built from configs at tiny widths with the values SDXL's configs have where no shape says
them (64-value heads: one head at these widths); the writers are the inverse of diffusers' converters
(tiny_animatediff_files.py for the UNet and VAE; ``open_clip`` here), checked by a round trip in test_sdxl_still.py."""
from __future__ import annotations

import os

from .tiny_animatediff_files import VAE_CFG, tokenizer_files, unet_ldm, vae_ldm
from .tiny_parts import seeded

TIME, POOLED, WIDTH_L, WIDTH_G = 8, 32, 32, 32
UNET_CFG = dict(block_out_channels=(32, 64), layers_per_block=2, sample_size=8, in_channels=4, out_channels=4,
                down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), attention_head_dim=(1, 1),
                use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=TIME,
                transformer_layers_per_block=(1, 2), projection_class_embeddings_input_dim=6 * TIME + POOLED,
                cross_attention_dim=WIDTH_L + WIDTH_G, norm_num_groups=32)
SDXL_VAE_CFG = dict(VAE_CFG, scaling_factor=0.13025, force_upcast=True)
OPEN_CLIP = (("self_attn.out_proj", "attn.out_proj"), ("layer_norm1", "ln_1"), ("layer_norm2", "ln_2"),
             ("mlp.fc1", "mlp.c_fc"), ("mlp.fc2", "mlp.c_proj"))


def _text_cfg(tok, width: int, act: str, **more):
    from transformers import CLIPTextConfig
    return CLIPTextConfig(vocab_size=len(tok), hidden_size=width, intermediate_size=37, num_hidden_layers=2,
                          num_attention_heads=1, max_position_embeddings=77, hidden_act=act,
                          bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
                          **more)


def models(tok, tok_2):
    """{unet, vae, text_encoder, text_encoder_2}: random, their zero-initialised layers made to matter."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection
    makers = {"unet": lambda: UNet2DConditionModel(**UNET_CFG), "vae": lambda: AutoencoderKL(**SDXL_VAE_CFG),
              "text_encoder": lambda: CLIPTextModel(_text_cfg(tok, WIDTH_L, "quick_gelu")),
              "text_encoder_2": lambda: CLIPTextModelWithProjection(_text_cfg(tok_2, WIDTH_G, "gelu",
                                                                              projection_dim=POOLED))}
    return {c: seeded(make, i) for i, (c, make) in enumerate(makers.items())}


def open_clip(state: dict) -> dict:
    """A CLIPTextModelWithProjection's tensors under OpenCLIP's names (q, k, v joined into in_proj; the projection
    transposed), as SDXL's checkpoint holds its second text encoder."""
    import torch
    out, qkv = {}, {}
    top = {"text_model.embeddings.token_embedding.weight": "token_embedding.weight",
           "text_model.embeddings.position_embedding.weight": "positional_embedding",
           "text_model.final_layer_norm.weight": "ln_final.weight", "text_model.final_layer_norm.bias": "ln_final.bias"}
    for k, t in state.items():
        if k in top:
            out[top[k]] = t
        elif k == "text_projection.weight":
            out["text_projection"] = t.T.contiguous()
        elif k.startswith("text_model.encoder.layers."):
            i, rest = k.removeprefix("text_model.encoder.layers.").split(".", 1)
            if rest.startswith("self_attn.") and rest.split(".")[1] in ("q_proj", "k_proj", "v_proj"):
                _, which, kind = rest.split(".")
                qkv.setdefault((i, kind), {})[which] = t
                continue
            for new, old in OPEN_CLIP:
                rest = rest.replace(new, old)
            out[f"transformer.resblocks.{i}.{rest}"] = t
    for (i, kind), parts in qkv.items():
        out[f"transformer.resblocks.{i}.attn.in_proj_{kind}"] = torch.cat([parts[w] for w in ("q_proj", "k_proj",
                                                                                              "v_proj")])
    return out


def state_dict(parts: dict) -> dict:
    """The four models' tensors as SDXL's checkpoint names them."""
    unet = parts["unet"].state_dict()
    label = {f"model.diffusion_model.label_emb.0.{2 * int(k.split('.')[1][-1]) - 2}.{k.rsplit('.', 1)[1]}": v
             for k, v in unet.items() if k.startswith("add_embedding.linear_")}  # the size embedding's two layers
    return {**unet_ldm({k: v for k, v in unet.items() if not k.startswith("add_embedding.")},
                       UNET_CFG["layers_per_block"]), **label,
            **vae_ldm(parts["vae"].state_dict(), len(SDXL_VAE_CFG["block_out_channels"])),
            **{"conditioner.embedders.0.transformer.text_model." + k.removeprefix("text_model."): v
               for k, v in parts["text_encoder"].state_dict().items() if "position_ids" not in k},
            **{f"conditioner.embedders.1.model.{k}": v for k, v in open_clip(parts["text_encoder_2"].state_dict()
                                                                              ).items()}}


def write(root: str) -> dict:
    """One tiny SDXL checkpoint under ``root``/checkpoints/ with its tokenizer/ folder: {'checkpoint', 'tokenizer',
    'tokenizer_2', 'parts'}."""
    from safetensors.torch import save_file
    from transformers import CLIPTokenizer
    ck_dir = os.path.join(root, "checkpoints")
    os.makedirs(ck_dir, exist_ok=True)
    place = tokenizer_files(os.path.join(ck_dir, "tokenizer"))
    tok = CLIPTokenizer.from_pretrained(place, model_max_length=77)
    tok_2 = CLIPTokenizer.from_pretrained(place, model_max_length=77, pad_token="!")
    parts = models(tok, tok_2)
    ckpt = os.path.join(ck_dir, "tiny_sdxl.safetensors")
    save_file({k: v.contiguous() for k, v in state_dict(parts).items()}, ckpt)
    return {"checkpoint": ckpt, "tokenizer": tok, "tokenizer_2": tok_2, "parts": parts}
