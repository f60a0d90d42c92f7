"""Tiny random Cosmos folders built from configs (never downloaded), as diffusers' own Cosmos tests build
theirs: Cosmos Predict2 Video2World (Cosmos2VideoToWorldPipeline: CosmosTransformer3DModel at a few
channels, the tiny Wan VAE and T5 of tiny.py, flow matching with Karras sigmas). The folder's
model_index.json names no guardrail (its safety_checker entry empty), as Studio finds a folder whose
guardrail package is not installed: Studio gives the pipeline its stand-in (families/cosmos/guardrail.py)."""
from __future__ import annotations

import json
import os


def tiny_cosmos_transformer(text_dim: int = 32, **more):
    """diffusers' test config of the Predict2 transformer: 17 channels in (the latents and the condition
    mask), 16 out, two blocks of two heads. Seed torch before: its weights are random."""
    from diffusers import CosmosTransformer3DModel
    cfg = dict(in_channels=16 + 1, out_channels=16, num_attention_heads=2, attention_head_dim=16, num_layers=2,
               mlp_ratio=2, text_embed_dim=text_dim, adaln_lora_dim=4, max_size=(4, 32, 32), patch_size=(1, 2, 2),
               rope_scale=(2.0, 1.0, 1.0), concat_padding_mask=True, extra_pos_embed_type=None)
    return CosmosTransformer3DModel(**{**cfg, **more})


def _without_guardrail(path: str) -> None:
    """The saved folder's safety_checker entry emptied (the stand-in Studio's test saved is not a model)."""
    index_path = os.path.join(path, "model_index.json")
    with open(index_path, encoding="utf-8") as f:
        index = json.load(f)
    index["safety_checker"] = [None, None]
    with open(index_path, "w", encoding="utf-8") as f:
        json.dump(index, f, indent=2)


def build_cosmos2(path: str) -> str:
    """The tiny Predict2 Video2World folder."""
    import shutil

    import torch
    from diffusers import Cosmos2VideoToWorldPipeline, FlowMatchEulerDiscreteScheduler

    from nodes.video_models.families.cosmos.guardrail import _stand_in
    from .tiny import wan_parts
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)
    torch.manual_seed(0)
    transformer = tiny_cosmos_transformer()
    Cosmos2VideoToWorldPipeline(text_encoder=text_encoder, tokenizer=tokenizer, transformer=transformer, vae=vae,
                                scheduler=FlowMatchEulerDiscreteScheduler(use_karras_sigmas=True),
                                safety_checker=_stand_in()).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    shutil.rmtree(os.path.join(path, "safety_checker"), ignore_errors=True)
    _without_guardrail(path)
    return path
