"""A tiny Wan Animate 2 (diffusers' modular WanAnimate2ModularPipeline / WanAnimate2DistilledModularPipeline,
modular_pipelines/wan_animate_2/ in diffusers 0.42.1) built from configs: a 2-block
WanAnimate2Transformer3DModel 32 wide, the Wan VAE and T5 of the other tiny Wan pipelines, and a
2-layer CLIP vision model (1280 wide: the transformer's image projection takes CLIP ViT-H's width;
224 px in 56 px patches). Saved with the pipeline's own save_pretrained: a folder with
modular_model_index.json, as the released Wan-AI/Wan2.2-Animate-2-14B-Diffusers."""
from __future__ import annotations

import os
import shutil


def tiny_parts(path: str) -> dict:
    """The components of a tiny Wan Animate 2 (torch seeded here: the same weights every build)."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanAnimate2Transformer3DModel
    from transformers import CLIPVisionConfig, CLIPVisionModel

    from .tiny import wan_parts
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)
    torch.manual_seed(0)
    transformer = WanAnimate2Transformer3DModel(in_dim=36, dim=32, ffn_dim=32, freq_dim=32, text_dim=32, out_dim=16,
                                                num_heads=2, num_layers=2)
    torch.manual_seed(0)
    image_encoder = CLIPVisionModel(CLIPVisionConfig(hidden_size=1280, intermediate_size=16, num_hidden_layers=2,
                                                     num_attention_heads=2, image_size=224, patch_size=56))
    shutil.rmtree(tmp_tok, ignore_errors=True)
    parts = dict(transformer=transformer, vae=vae, text_encoder=text_encoder, image_encoder=image_encoder)
    # in eval mode, as from_pretrained gives them (the tiny T5's dropout would make every call differ)
    return dict({k: m.eval() for k, m in parts.items()}, tokenizer=tokenizer,
                scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0))


def build_wan_animate2(path: str, distilled: bool = False) -> str:
    """A tiny Wan Animate 2 folder at ``path`` (modular_model_index.json, one folder per component);
    ``distilled``: saved from the distilled blocks (its index names WanAnimate2DistilledModularPipeline)."""
    from diffusers.modular_pipelines import WanAnimate2Blocks, WanAnimate2DistilledBlocks
    parts = tiny_parts(path + ".tmp")
    pipe = (WanAnimate2DistilledBlocks() if distilled else WanAnimate2Blocks()).init_pipeline()
    pipe.update_components(**parts)
    pipe.save_pretrained(path, overwrite_modular_index=True)
    shutil.rmtree(path + ".tmp", ignore_errors=True)
    assert os.path.isfile(os.path.join(path, "modular_model_index.json"))
    return path


def wide_parts() -> dict:
    """The components of a tiny Wan Animate 2 whose every part can be written as ComfyUI's files and read
    back from their shapes alone: 128-value heads as the released model's (families/wan/part_configs.py assumes
    them: a 256-wide, 2-head transformer), tests/video_models/tiny_parts.py's UMT5 with a sentencepiece
    tokenizer and its Wan 2.1 VAE (the real block structure), a 16-head CLIP vision tower 1280 wide (the
    transformer's image projection takes CLIP ViT-H's width); the scheduler ``parts.SCHEDULER`` (the one
    Studio gives a denoiser read from ComfyUI's files). Weights moved off a random init's near-zero values."""
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanAnimate2Transformer3DModel
    from transformers import CLIPVisionConfig, CLIPVisionModel, UMT5Config, UMT5EncoderModel

    from nodes.video_models.families.wan_animate2.parts import SCHEDULER

    from .tiny_parts import spiece_bytes, tokenizer_of
    tok = tokenizer_of(spiece_bytes())
    torch.manual_seed(0)
    te = UMT5EncoderModel(UMT5Config(vocab_size=len(tok), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                                     relative_attention_num_buckets=8, feed_forward_proj="gated-gelu", pad_token_id=0,
                                     eos_token_id=1, decoder_start_token_id=0))
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=4, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    transformer = WanAnimate2Transformer3DModel(in_dim=36, dim=256, ffn_dim=64, freq_dim=32, text_dim=32, out_dim=16,
                                                num_heads=2, num_layers=2)
    torch.manual_seed(0)
    image_encoder = CLIPVisionModel(CLIPVisionConfig(hidden_size=1280, intermediate_size=16, num_hidden_layers=2,
                                                     num_attention_heads=16, image_size=224, patch_size=56,
                                                     hidden_act="gelu"))
    parts = dict(transformer=transformer, vae=vae, text_encoder=te, image_encoder=image_encoder)
    with torch.no_grad():
        for m in parts.values():
            for p in m.parameters():
                p.add_(torch.randn_like(p) * 0.02)
    sched = {k: v for k, v in SCHEDULER.items() if not k.startswith("_")}
    return dict({k: m.eval() for k, m in parts.items()}, tokenizer=tok,
                scheduler=FlowMatchEulerDiscreteScheduler(**sched))


def build_wide_wan_animate2(path: str, distilled: bool = False) -> str:
    """``wide_parts`` saved as a Wan Animate 2 diffusers folder (modular_model_index.json)."""
    from diffusers.modular_pipelines import WanAnimate2Blocks, WanAnimate2DistilledBlocks
    pipe = (WanAnimate2DistilledBlocks() if distilled else WanAnimate2Blocks()).init_pipeline()
    pipe.update_components(**wide_parts())
    pipe.save_pretrained(path, overwrite_modular_index=True)
    return path


# ComfyUI's (Wan 2.1 I2V's) attention names of diffusers' WanAnimate2Transformer3DModel ones
COMFY_NAMES = ((".to_q.", ".q."), (".to_k.", ".k."), (".to_v.", ".v."), (".to_out.0.", ".o."),
               (".add_k_proj.", ".k_img."), (".add_v_proj.", ".v_img."), (".norm_added_k.", ".norm_k_img."))


def comfy_denoiser_state(state: dict) -> dict:
    """A WanAnimate2Transformer3DModel state under ComfyUI's names (wan_animate_2_*.safetensors): Wan 2.1
    I2V's attention names under 'model.diffusion_model.' (diffusers' converter renames them back)."""
    out = {}
    for k, v in state.items():
        name = k
        if ".self_attn." in name or ".cross_attn." in name:
            for new, old in COMFY_NAMES:
                name = name.replace(new, old)
        out["model.diffusion_model." + name] = v
    return out


def write_comfy_files(folder: str, out: str, distilled: bool = False) -> dict[str, str]:
    """The folder's components as ComfyUI's Wan Animate 2 template loads them, fp32: the denoiser
    (UNETLoader, ComfyUI's names), umt5_xxl (CLIPLoader, its tokenizer as ``spiece_model``), the Wan 2.1
    VAE (VAELoader, the Wan repository's names) and clip_vision_h (CLIPVisionLoader, transformers' names
    with a projection Wan does not use): {'denoiser', 'text_encoder', 'vae', 'clip_vision': path}."""
    import numpy as np
    import torch
    from diffusers import AutoencoderKLWan, WanAnimate2Transformer3DModel
    from safetensors.torch import save_file
    from transformers import CLIPVisionModel, UMT5EncoderModel

    from .tiny_parts import spiece_bytes, wan_vae_original_names
    os.makedirs(out, exist_ok=True)
    den = WanAnimate2Transformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict()
    te = UMT5EncoderModel.from_pretrained(folder, subfolder="text_encoder").state_dict()
    te = {k: v for k, v in te.items() if k != "encoder.embed_tokens.weight"}  # ComfyUI keeps 'shared' only
    te["spiece_model"] = torch.from_numpy(np.frombuffer(spiece_bytes(), dtype=np.uint8).copy())
    vae = wan_vae_original_names(AutoencoderKLWan.from_pretrained(folder, subfolder="vae").state_dict())
    clip = CLIPVisionModel.from_pretrained(folder, subfolder="image_encoder").state_dict()
    clip = {(k if k.startswith("vision_model.") else "vision_model." + k): v for k, v in clip.items()}
    clip["visual_projection.weight"] = torch.randn(1024, 1280)  # in ComfyUI's clip_vision_h; Wan does not use it
    files = {"denoiser": os.path.join(out, f"wan_animate_2{'_distill' if distilled else ''}_tiny_fp32.safetensors"),
             "text_encoder": os.path.join(out, "umt5_xxl_tiny.safetensors"),
             "vae": os.path.join(out, "wan_2.1_vae_tiny.safetensors"),
             "clip_vision": os.path.join(out, "clip_vision_h_tiny.safetensors")}
    for name, state in (("denoiser", comfy_denoiser_state(den)), ("text_encoder", te), ("vae", vae),
                        ("clip_vision", clip)):
        save_file({k: v.contiguous() for k, v in state.items()}, files[name])
    return files
