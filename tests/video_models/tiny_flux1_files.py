"""A tiny FLUX.1 dev written as ComfyUI holds it: the diffusion model in Black Forest Labs' names
(diffusion_models/tiny_flux1-dev.safetensors: joined q, k, v; a single block's q, k, v and MLP input joined in
'linear1'; the final modulation shift first), CLIP-L in transformers' names with CLIP's BPE tokenizer in a
tokenizer/ folder beside it, T5 with its sentencepiece model inside ('spiece_model', as some of ComfyUI's T5 files
carry it), and the VAE in the ldm layout with 16 latent channels and no quant_conv (ae.safetensors). Built from
configs at tiny widths with the release's values where no shape says them (CLIP-L's and T5 v1.1's settings, the
rotary split an eighth and seven sixteenths of a head); ``bfl`` is the inverse of families/flux1/layouts.py, checked
by a round trip in test_flux1_still.py."""
from __future__ import annotations

import os

WIDTH, HEAD, TEXT, POOLED = 64, 32, 32, 64
TRANSFORMER_CFG = dict(patch_size=1, in_channels=64, num_layers=1, num_single_layers=2, attention_head_dim=HEAD,
                       num_attention_heads=WIDTH // HEAD, joint_attention_dim=TEXT, pooled_projection_dim=POOLED,
                       guidance_embeds=True, axes_dims_rope=(4, 14, 14))
VAE_CFG = dict(in_channels=3, out_channels=3, block_out_channels=(32, 64), layers_per_block=1, latent_channels=16,
               down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
               norm_num_groups=32, use_quant_conv=False, use_post_quant_conv=False, scaling_factor=0.3611,
               shift_factor=0.1159, force_upcast=True, sample_size=1024)
T5_CFG = dict(d_model=TEXT, d_kv=8, d_ff=37, num_layers=2, num_heads=4, relative_attention_num_buckets=32,
              relative_attention_max_distance=128, feed_forward_proj="gated-gelu", dense_act_fn="gelu_new",
              is_gated_act=True, layer_norm_epsilon=1e-6, tie_word_embeddings=False, pad_token_id=0, eos_token_id=1,
              decoder_start_token_id=0)


def bfl(state: dict) -> dict:
    """A FluxTransformer2DModel's tensors under Black Forest Labs' names (the inverse of layouts.to_diffusers)."""
    import torch

    from nodes.video_models.families.flux1 import layouts
    back = {v: k for k, v in {**layouts.PLAIN, "final_layer.adaLN_modulation.1": "norm_out.linear"}.items()}
    double = {v: k for k, v in layouts.DOUBLE.items()}
    single = {v: k for k, v in layouts.SINGLE.items()}
    out, joined = {}, {}
    for k, t in state.items():
        module, _, kind = k.rpartition(".")
        if k.startswith("transformer_blocks."):
            _, i, rest = k.split(".", 2)
            module = rest.rpartition(".")[0]
            for whole, parts in layouts.QKV.items():
                if module in parts:
                    joined.setdefault((f"double_blocks.{i}.{whole}.{kind}", len(parts)), {})[parts.index(module)] = t
                    break
            else:
                name = double[module]
                out[f"double_blocks.{i}.{name}.{'scale' if 'norm' in name else kind}"] = t
        elif k.startswith("single_transformer_blocks."):
            _, i, rest = k.split(".", 2)
            module = rest.rpartition(".")[0]
            if module in layouts.SINGLE_IN:
                joined.setdefault((f"single_blocks.{i}.linear1.{kind}", 4), {})[layouts.SINGLE_IN.index(module)] = t
            else:
                name = single[module]
                out[f"single_blocks.{i}.{name}.{'scale' if 'norm' in name else kind}"] = t
        else:
            if module == "norm_out.linear":
                scale, shift = t.chunk(2, dim=0)
                t = torch.cat([shift, scale], dim=0)
            out[f"{back[module]}.{kind}"] = t
    for (name, n), parts in joined.items():
        out[name] = torch.cat([parts[i] for i in range(n)], dim=0)
    return out


def _spread(m, seed: int):
    import torch
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return m.eval()


def models(clip_tok, t5_vocab: int) -> dict:
    """{transformer, vae, text_encoder, text_encoder_2}: random, their zero-initialised layers made to matter."""
    import torch
    from diffusers import AutoencoderKL, FluxTransformer2DModel
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    from nodes.video_models.files.part_configs import CLIP_L_TEXT
    clip_cfg = CLIPTextConfig(**{**CLIP_L_TEXT, "vocab_size": len(clip_tok), "hidden_size": POOLED,
                                 "intermediate_size": 37, "num_hidden_layers": 2, "num_attention_heads": 1,
                                 "max_position_embeddings": 77})
    torch.manual_seed(0)
    makers = {"transformer": lambda: FluxTransformer2DModel(**TRANSFORMER_CFG),
              "vae": lambda: AutoencoderKL(**VAE_CFG), "text_encoder": lambda: CLIPTextModel(clip_cfg),
              "text_encoder_2": lambda: T5EncoderModel(T5Config(vocab_size=t5_vocab, **T5_CFG))}
    return {c: _spread(make(), i) for i, (c, make) in enumerate(makers.items())}


def write(root: str, prefix: str = "") -> dict:
    """ComfyUI's FLUX.1 files under ``root`` (diffusion_models/, text_encoders/, vae/): {'transformer', 'clip',
    't5', 'vae', 'tokenizer', 'tokenizer_2', 'parts'} (``prefix``: the transformer's names under it, as an all-in-one
    checkpoint's 'model.diffusion_model.')."""
    import numpy as np
    import torch
    from safetensors.torch import save_file
    from transformers import CLIPTokenizer

    from .tiny_animatediff_files import tokenizer_files, vae_ldm
    from .tiny_parts import spiece_bytes, tokenizer_of
    dirs = {d: os.path.join(root, d) for d in ("diffusion_models", "text_encoders", "vae")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    place = tokenizer_files(os.path.join(dirs["text_encoders"], "tokenizer"))
    tok = CLIPTokenizer.from_pretrained(place, model_max_length=77)
    spiece = spiece_bytes()
    tok_2 = tokenizer_of(spiece)
    parts = models(tok, len(tok_2))
    out = {"transformer": os.path.join(dirs["diffusion_models"], "tiny_flux1-dev.safetensors"),
           "clip": os.path.join(dirs["text_encoders"], "clip_l_tiny.safetensors"),
           "t5": os.path.join(dirs["text_encoders"], "t5xxl_tiny_fp32.safetensors"),
           "vae": os.path.join(dirs["vae"], "ae_tiny.safetensors")}
    save_file({prefix + k: v.contiguous() for k, v in bfl(parts["transformer"].state_dict()).items()},
              out["transformer"])
    save_file({"text_model." + k.removeprefix("text_model."): v.contiguous()
               for k, v in parts["text_encoder"].state_dict().items() if "position_ids" not in k}, out["clip"])
    t5 = {k: v.contiguous() for k, v in parts["text_encoder_2"].state_dict().items()
          if k != "encoder.embed_tokens.weight"}  # (ComfyUI's T5 files hold the 'shared' table alone)
    t5["spiece_model"] = torch.from_numpy(np.frombuffer(spiece, dtype=np.uint8).copy())
    save_file(t5, out["t5"])
    save_file({k.removeprefix("first_stage_model."): v.contiguous()
               for k, v in vae_ldm(parts["vae"].state_dict(), len(VAE_CFG["block_out_channels"])).items()}, out["vae"])
    return {**out, "tokenizer": tok, "tokenizer_2": tok_2, "parts": parts}


def write_checkpoint(written: dict, root: str) -> str:
    """The same tiny FLUX.1 as ComfyUI's all-in-one checkpoint (checkpoints/flux1-dev-tiny-fp8.safetensors, as
    Comfy-Org's flux1-dev-fp8 holds it): the transformer under 'model.diffusion_model.', CLIP-L and T5 under
    'text_encoders.clip_l.transformer.' and 'text_encoders.t5xxl.transformer.' (T5's sentencepiece model beside),
    the VAE under 'vae.'; CLIP's tokenizer/ folder beside it."""
    from safetensors.torch import load_file, save_file

    from .tiny_animatediff_files import tokenizer_files
    folder = os.path.join(root, "checkpoints")
    tokenizer_files(os.path.join(folder, "tokenizer"))
    t5 = load_file(written["t5"])
    state = {**{"model.diffusion_model." + k: v for k, v in load_file(written["transformer"]).items()},
             **{"text_encoders.clip_l.transformer." + k: v for k, v in load_file(written["clip"]).items()},
             **{("text_encoders.t5xxl." if k == "spiece_model" else "text_encoders.t5xxl.transformer.") + k: v
                for k, v in t5.items()},
             **{"vae." + k: v for k, v in load_file(written["vae"]).items()}}
    path = os.path.join(folder, "flux1-dev-tiny-fp8.safetensors")
    save_file(state, path)
    return path
