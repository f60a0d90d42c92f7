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
