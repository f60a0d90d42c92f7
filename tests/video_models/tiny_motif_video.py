"""A tiny random Motif Video folder (MotifVideoPipeline, or MotifVideoImage2VideoPipeline with ``i2v``) built
from configs as diffusers' own tests build theirs: a MotifVideoTransformer3DModel at a few channels (the
noise, the condition latents and their mask in: 33 channels), a tiny Wan VAE of 16 latent channels, a tiny
T5Gemma 2 encoder over the word-level tokenizer of tiny.py, adaptive projected guidance, the flow-matching
scheduler; with ``i2v``, SigLIP's image processor."""
from __future__ import annotations

import os
import shutil


def build_motif_video(path: str, i2v: bool = False) -> str:
    import torch
    import diffusers
    from diffusers import AdaptiveProjectedGuidance, AutoencoderKLWan, FlowMatchEulerDiscreteScheduler
    from diffusers import MotifVideoTransformer3DModel
    from transformers import T5Gemma2Encoder, T5Gemma2EncoderConfig, T5Gemma2TextConfig

    from .tiny import build_tokenizer
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    from transformers import SiglipVisionConfig
    vision = SiglipVisionConfig(hidden_size=16, intermediate_size=37, num_attention_heads=2, num_hidden_layers=1,
                                image_size=16, patch_size=4)  # its SigLIP tower reads the still (image to video)
    text_encoder = T5Gemma2Encoder(T5Gemma2EncoderConfig(text_config=T5Gemma2TextConfig(
        hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, vocab_size=len(tok),
        max_position_embeddings=128, head_dim=16, num_key_value_heads=2, dropout_rate=0.0), vision_config=vision,
        mm_tokens_per_image=4))
    torch.manual_seed(0)
    transformer = MotifVideoTransformer3DModel(
        in_channels=33, out_channels=16, num_attention_heads=2, attention_head_dim=12, num_layers=1,
        num_single_layers=1, mlp_ratio=4.0, patch_size=1, patch_size_t=1, qk_norm="rms_norm", text_embed_dim=32,
        rope_axes_dim=(4, 4, 4), image_embed_dim=16 if i2v else None)
    cls = diffusers.MotifVideoImage2VideoPipeline if i2v else diffusers.MotifVideoPipeline
    feature_extractor = None
    if i2v:  # its image to video reads the still's size through SigLIP's processor
        from transformers import SiglipImageProcessor
        feature_extractor = SiglipImageProcessor(size={"height": 16, "width": 16})
    cls(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        text_encoder=text_encoder, tokenizer=tok, feature_extractor=feature_extractor,
        guider=AdaptiveProjectedGuidance()).save_pretrained(path, safe_serialization=True)
    return path
