"""A tiny random ChronoEdit folder (ChronoEditPipeline) built from diffusers' own test config: a
ChronoEditTransformer3DModel at a few channels (Wan 2.1 image to video's: the noise beside the still's latents
and mask, 36 channels in, CLIP tokens read), the tiny Wan VAE, T5 and tokenizer of tiny.py, a tiny CLIP vision
tower and its processor, UniPC over flow sigmas as the release's scheduler (its temporal reasoning prunes a
multistep scheduler's kept outputs: plain flow-matching Euler keeps none and fails there)."""
from __future__ import annotations

TINY = {"chronoedit": ("build_chronoedit", {})}  # its builder, found by tests/tiny_models.py


def build_chronoedit(path: str) -> str:
    import torch
    from diffusers import ChronoEditPipeline, ChronoEditTransformer3DModel, UniPCMultistepScheduler
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    from .tiny import save_wan_pipeline
    side = 8  # the image encoder's input: 8x8 patches of 1 pixel
    torch.manual_seed(0)
    enc = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=4, projection_dim=4, num_hidden_layers=2, num_attention_heads=2, image_size=side,
        intermediate_size=16, patch_size=1))
    return save_wan_pipeline(
        path, ChronoEditPipeline, lambda: ChronoEditTransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=36, out_channels=16,
            text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
            rope_max_seq_len=32, image_dim=4),
        UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0),
        image_encoder=enc,
        image_processor=CLIPImageProcessor(crop_size=side, size=side))
