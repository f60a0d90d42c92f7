"""Tiny random Helios folders built from configs (never downloaded), as diffusers' own Helios test builds its
model (tests/pipelines/helios/test_helios.py's config): HeliosTransformer3DModel at a few channels with its
multi-term memory patches, the tiny Wan VAE and T5 of tiny.py, HeliosScheduler of one stage (HeliosPipeline);
``pyramid``: the same parts under HeliosPyramidPipeline, saved as Helios-Distilled saves itself (its
HeliosDMDScheduler of three stages, ``is_distilled``). Its scheduler's gamma is 0.3, not the release's 1/3: at
1/3 the pyramid's block-noise covariance ((1 + gamma) I - gamma, four values a 2 x 2 block) is singular and
its Cholesky factor fails on this CPU's float32 (diffusers 0.42.1 sample_block_noise)."""
from __future__ import annotations


def tiny_helios_transformer():
    """Seed torch before: its weights are random."""
    from diffusers import HeliosTransformer3DModel
    return HeliosTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
        rope_dim=(4, 4, 4), has_multi_term_memory_patch=True, guidance_cross_attn=True, zero_history_timestep=True,
        is_amplify_history=False)


def build_helios(path: str, pyramid: bool = False) -> str:
    from diffusers import HeliosDMDScheduler, HeliosPipeline, HeliosPyramidPipeline, HeliosScheduler

    from .tiny import save_wan_pipeline
    if pyramid:
        return save_wan_pipeline(path, HeliosPyramidPipeline, tiny_helios_transformer,
                                 HeliosDMDScheduler(stages=3, gamma=0.3, use_dynamic_shifting=True), is_distilled=True)
    return save_wan_pipeline(path, HeliosPipeline, tiny_helios_transformer,
                             HeliosScheduler(stage_range=[0, 1], stages=1, use_dynamic_shifting=True))
