"""A tiny random EasyAnimate folder (EasyAnimatePipeline; with ``kind`` 'inpaint' EasyAnimateInpaintPipeline, 'control'
EasyAnimateControlPipeline) built from configs as diffusers' own tests build theirs: an
EasyAnimateTransformer3DModel at a few channels (its InP model reads the noise beside the mask and the masked
clip's latents: 2 x 4 + 1 channels in; its control model the control clip's and the reference image's latents
beside the noise: 3 x 4; with 'camera' the Control-Camera model's Plücker embedding and the reference image's
latents: 2 x 4 + 6), a tiny
AutoencoderKLMagvit of 4 latent channels, a tiny Qwen2-VL text model over the word-level tokenizer of tiny.py
(the released Qwen2VLForConditionalGeneration class at a few channels; with a chat template: the pipeline wraps the prompt in a user turn), the flow-matching scheduler."""
from __future__ import annotations

import os
import shutil

CLASSES = {"t2v": "EasyAnimatePipeline", "inpaint": "EasyAnimateInpaintPipeline", "control": "EasyAnimateControlPipeline",
           "camera": "EasyAnimateControlPipeline"}
TINY = {"easyanimate": ("build_easyanimate", {})}  # its builder, found by tests/tiny_models.py


def build_easyanimate(path: str, kind: str = "t2v") -> str:
    import torch
    import diffusers
    from diffusers import AutoencoderKLMagvit, EasyAnimateTransformer3DModel, FlowMatchEulerDiscreteScheduler
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration

    from .tiny import build_tokenizer
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    tok.chat_template = "{% for m in messages %}{{ m['content'][0]['text'] }}{% endfor %}"
    torch.manual_seed(0)
    text_encoder = Qwen2VLForConditionalGeneration(Qwen2VLConfig(  # the released class, its vision tower unused
        text_config=dict(vocab_size=len(tok), hidden_size=16, intermediate_size=37, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=512, max_window_layers=2,
                         bos_token_id=1, eos_token_id=1,
                         rope_scaling={"type": "mrope", "rope_type": "default", "mrope_section": [2, 1, 1]}),
        vision_config=dict(depth=1, embed_dim=16, hidden_size=16, num_heads=2, in_channels=3, patch_size=2,
                           spatial_merge_size=1, temporal_patch_size=1), vocab_size=len(tok), bos_token_id=1, eos_token_id=1))
    torch.manual_seed(0)
    vae = AutoencoderKLMagvit(
        in_channels=3, out_channels=3,
        down_block_types=("SpatialDownBlock3D",) + ("SpatialTemporalDownBlock3D",) * 3,
        up_block_types=("SpatialUpBlock3D",) + ("SpatialTemporalUpBlock3D",) * 3,
        block_out_channels=(8, 8, 8, 8), latent_channels=4, layers_per_block=1, norm_num_groups=2,
        spatial_group_norm=False)
    torch.manual_seed(0)
    transformer = EasyAnimateTransformer3DModel(
        num_attention_heads=2, attention_head_dim=16,
        in_channels={"t2v": 4, "inpaint": 9, "control": 12, "camera": 14}[kind],
        out_channels=4, time_embed_dim=2, text_embed_dim=16, num_layers=1, sample_width=16, sample_height=16,
        patch_size=2)
    getattr(diffusers, CLASSES[kind])(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                                      text_encoder=text_encoder, tokenizer=tok).save_pretrained(
        path, safe_serialization=True)
    return path
