"""A tiny random Wan Animate pipeline built from a config (diffusers' own test config; no download)."""
from __future__ import annotations

FACE_SIZE = 16  # the tiny motion encoder's face crops (the released model's: 512)


def build_wan_animate(path: str) -> str:
    """A tiny WanAnimatePipeline saved to ``path``: the Wan VAE and T5 of the other tiny Wan
    pipelines, a 2-block WanAnimateTransformer3DModel, a 4-pixel CLIP image encoder."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanAnimatePipeline, WanAnimateTransformer3DModel
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    from .tiny import save_wan_pipeline
    torch.manual_seed(0)
    image_encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=4, projection_dim=4, num_hidden_layers=2, num_attention_heads=2, image_size=4,
        intermediate_size=16, patch_size=1))
    return save_wan_pipeline(path, WanAnimatePipeline, lambda: WanAnimateTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=36, latent_channels=16,
        out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
        qk_norm="rms_norm_across_heads", image_dim=4, rope_max_seq_len=32,
        motion_encoder_channel_sizes={"4": 16, "8": 16, "16": 16}, motion_encoder_size=FACE_SIZE,
        motion_style_dim=8, motion_dim=4, motion_encoder_dim=16, face_encoder_hidden_dim=16,
        face_encoder_num_heads=2, inject_face_latents_blocks=2), FlowMatchEulerDiscreteScheduler(shift=7.0),
        image_processor=CLIPImageProcessor(crop_size=4, size=4), image_encoder=image_encoder)
