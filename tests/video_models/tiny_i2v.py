"""A tiny Wan 2.1 image-to-video pipeline built from diffusers' test config (no download); with
``flf2v`` its image embedding takes two images (first and last frame), as Wan 2.1 FLF2V's does."""
from __future__ import annotations

import os


def build_wan_i2v(path: str, flf2v: bool = False) -> str:
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanImageToVideoPipeline
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    from .tiny import save_wan_pipeline, tiny_wan_transformer
    side = 8  # the image encoder's input: 8x8 patches of 1 pixel, 65 tokens with its class token
    torch.manual_seed(0)
    enc = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=4, projection_dim=4, num_hidden_layers=2, num_attention_heads=2, image_size=side,
        intermediate_size=16, patch_size=1))
    save_wan_pipeline(path, WanImageToVideoPipeline,
                      lambda: tiny_wan_transformer(36, image_dim=4, rope_max_seq_len=1024,  # the real config's
                                                   # (dance_to_music's 149-frame segments reach past 32)
                                                   pos_embed_seq_len=2 * (side * side + 1) if flf2v else None),
                      FlowMatchEulerDiscreteScheduler(shift=7.0), image_encoder=enc,
                      image_processor=CLIPImageProcessor(crop_size=side, size=side))
    assert os.path.isfile(os.path.join(path, "model_index.json"))
    return path
