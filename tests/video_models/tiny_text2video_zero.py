"""A tiny random Text2Video-Zero folder (TextToVideoZeroPipeline) built from configs as diffusers' tests build a
Stable Diffusion's parts: a UNet2DConditionModel of two levels at a few channels, an image VAE of two levels, a
CLIP text encoder over tiny.py's word-level tokenizer, DDIM (the release's scheduler), no safety checker."""
from __future__ import annotations

import os
import shutil

TINY = {"text2video-zero": ("build_text2video_zero", {})}  # its builder, found by tests/tiny_models.py


def build_text2video_zero(path: str) -> str:
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, TextToVideoZeroPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from .tiny import build_tokenizer
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(block_out_channels=(8, 16), layers_per_block=1, sample_size=8, in_channels=4,
                                out_channels=4, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=8,
                                attention_head_dim=4, norm_num_groups=4)
    with torch.no_grad():  # its zero-initialised output made to matter (a random model ignoring its input: no test)
        for p in unet.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    torch.manual_seed(0)
    vae = AutoencoderKL(block_out_channels=(8, 8), in_channels=3, out_channels=3, latent_channels=4, norm_num_groups=2,
                        down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2)
    torch.manual_seed(0)
    text = CLIPTextModel(CLIPTextConfig(bos_token_id=0, eos_token_id=1, hidden_size=8, intermediate_size=16,
                                        num_attention_heads=2, num_hidden_layers=2, pad_token_id=0,
                                        vocab_size=len(tok), hidden_act="gelu", projection_dim=8))
    TextToVideoZeroPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet,
                            scheduler=DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                                    clip_sample=False, set_alpha_to_one=False, steps_offset=1),
                            safety_checker=None, feature_extractor=None, requires_safety_checker=False,
                            ).save_pretrained(path, safe_serialization=True)
    return path
