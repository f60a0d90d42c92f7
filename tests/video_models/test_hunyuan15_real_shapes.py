"""HunyuanVideo 1.5's files at the released models' sizes, shapes only (meta tensors: nothing is
allocated): ComfyUI's denoiser, VAE, Qwen2.5-VL 7B and byT5 files are recognised, and the configs
Studio reads from their shapes are the released ones (the diffusers conversion script's 480p T2V
transformer, diffusers' VAE defaults, Qwen2.5-VL-7B-Instruct's text model, ComfyUI's byT5 config)."""
from __future__ import annotations

import pytest

from . import tiny_hunyuan15 as th

pytest.importorskip("diffusers")

T2V_480P = dict(in_channels=65, out_channels=32, num_attention_heads=16, attention_head_dim=128, num_layers=54,
                num_refiner_layers=2, mlp_ratio=4.0, patch_size=1, patch_size_t=1, qk_norm="rms_norm",
                text_embed_dim=3584, text_embed_2_dim=1472, image_embed_dim=1152, rope_theta=256.0,
                rope_axes_dim=[16, 56, 56], use_meanflow=False, target_size=640, task_type="t2v")


def _meta_state(build):
    from accelerate import init_empty_weights
    with init_empty_weights():
        return build().state_dict()


def _shapes(state):
    return {k: tuple(v.shape) for k, v in state.items()}


def test_the_released_denoiser_and_vae_in_comfyuis_names_are_recognised_with_their_configs():
    import diffusers

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.families.hunyuan.layouts import convert_transformer, convert_vae
    from nodes.video_models.families.hunyuan15.parts import _vae_config, transformer_config
    from nodes.video_models.base.recognise import family_from_keys
    released = {**T2V_480P, "num_layers": 3}  # the widths of the released model; 3 of its 54 blocks (a faster build)
    den = _meta_state(lambda: diffusers.HunyuanVideo15Transformer3DModel(**released))
    original = {"model.diffusion_model." + k: v for k, v in th.transformer_original_names(den).items()}
    r = recognise(_shapes(original), filename="hunyuanvideo1.5_480p_t2v_fp16.safetensors")
    assert (r.kind, r.family, r.variant) == ("denoiser", "hunyuan15", "HunyuanVideo 1.5")
    assert family_from_keys(original).key == "hunyuan15"
    converted = _shapes(convert_transformer(original))
    assert converted == _shapes(den)
    assert transformer_config(converted, "hunyuanvideo1.5_480p_t2v_fp16.safetensors") == released
    assert transformer_config(converted, "hunyuanvideo1.5_720p_t2v_fp16.safetensors")["target_size"] == 960

    vae = _meta_state(diffusers.AutoencoderKLHunyuanVideo15)
    original = th.vae_original_names(vae)
    assert recognise(_shapes(original)).variant == "HunyuanVideo 1.5 VAE"
    cfg = _vae_config(_shapes(convert_vae(original)), "hunyuanvideo15_vae_fp16.safetensors")
    assert cfg == {"in_channels": 3, "out_channels": 3, "latent_channels": 32,
                   "block_out_channels": [128, 256, 512, 1024, 1024], "layers_per_block": 2,
                   "spatial_compression_ratio": 16, "temporal_compression_ratio": 4,
                   "downsample_match_channel": True, "upsample_match_channel": True}


def test_the_released_text_encoders_are_recognised_and_read_at_their_sizes():
    from transformers import Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel, T5Config, T5EncoderModel

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.files import part_configs as pc
    from nodes.video_models.files.qwen_parts import QWEN_TEXT, qwen_config, qwen_names
    qwen7b = dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28,
                  num_attention_heads=28, num_key_value_heads=4)
    state = _meta_state(lambda: Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(**{**QWEN_TEXT, **qwen7b})))
    comfy = {"model." + k: v for k, v in state.items()}
    comfy["visual.blocks.0.attn.qkv.weight"] = comfy["lm_head.weight"] = state["embed_tokens.weight"]
    r = recognise(_shapes(comfy))
    assert (r.kind, r.family, r.variant) == ("text_encoder", "hunyuan15", "Qwen2.5-VL 7B (HunyuanVideo 1.5)")
    names = qwen_names(list(comfy))
    cfg = qwen_config({names[k]: tuple(v.shape) for k, v in comfy.items() if k in names}, "qwen_2.5_vl_7b.safetensors",
                      "HunyuanVideo 1.5")
    assert {k: cfg[k] for k in qwen7b} == qwen7b

    byt5 = _meta_state(lambda: T5EncoderModel(T5Config(vocab_size=1510, d_model=1472, d_kv=64, d_ff=3584,
                                                       num_layers=12, num_heads=6, feed_forward_proj="gated-gelu")))
    byt5.pop("encoder.embed_tokens.weight")
    r = recognise(_shapes(byt5))
    assert (r.kind, r.family, r.variant) == ("text_encoder", "hunyuan15", "byT5 (HunyuanVideo 1.5 glyphs)")
    cls, cfg, umt5 = pc.t5_encoder(_shapes(byt5), "byt5_small_glyphxl_fp16.safetensors")
    assert (cls, umt5, cfg["d_model"], cfg["num_layers"], cfg["num_heads"], cfg["d_kv"], cfg["vocab_size"]) == \
        ("T5EncoderModel", False, 1472, 12, 6, 64, 1510)


def test_each_released_variants_scheduler_shift_comes_from_the_files_name():
    """The diffusers conversion script's shift per variant (SCHEDULER_CONFIGS), read from ComfyUI's names."""
    from nodes.video_models.families.hunyuan15.parts import shift_of, variant_of
    shifts = {"hunyuanvideo1.5_480p_t2v_fp16": 5.0, "hunyuanvideo1.5_480p_i2v_fp16": 5.0,
              "hunyuanvideo1.5_720p_t2v_fp16": 9.0, "hunyuanvideo1.5_720p_i2v_fp16": 7.0,
              "hunyuanvideo1.5_480p_t2v_cfg_distilled_fp16": 5.0, "hunyuanvideo1.5_720p_i2v_cfg_distilled_fp8_scaled": 7.0,
              "hunyuanvideo1.5_480p_i2v_step_distilled_fp16": 7.0}
    assert {n: shift_of(n + ".safetensors") for n in shifts} == shifts
    assert variant_of("hunyuanvideo1.5_480p_i2v_step_distilled-Q8_0.gguf") == ("480p", "i2v", True)


def test_the_1080p_super_resolution_denoiser_is_refused_from_its_header_naming_what_it_is():
    """hvsr10: the SR file ('hunyuanvideo1.5_1080p_sr_distilled_fp16', 98 input channels: the 720p take's latents and
    a mask besides the 65) was read as 480p text to video by its name and would fail at its first step; now refused
    from its shapes, before anything is allocated, naming it; the released 65-channel layout is read as before."""
    import diffusers

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.hunyuan15.parts import transformer_config
    sr = _shapes(_meta_state(lambda: diffusers.HunyuanVideo15Transformer3DModel(
        **{**T2V_480P, "in_channels": 98, "num_layers": 1, "use_meanflow": True})))
    with pytest.raises(ModelError, match=r"'hunyuanvideo1.5_1080p_sr_distilled_fp16.safetensors' takes 98 input "
                                         r"channels where .* take 65 .*: HunyuanVideo 1.5's 1080p super-resolution"):
        transformer_config(sr, "/m/hunyuanvideo1.5_1080p_sr_distilled_fp16.safetensors")
    main = _shapes(_meta_state(lambda: diffusers.HunyuanVideo15Transformer3DModel(**{**T2V_480P, "num_layers": 1})))
    assert transformer_config(main, "hunyuanvideo1.5_480p_t2v_fp16.safetensors")["in_channels"] == 65
