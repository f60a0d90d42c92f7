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


def _qwen_tokenizer(path: str):
    """tiny.py's word-level tokenizer with a chat template: Predict2.5 and Transfer2.5 put the prompt in a
    system-and-user conversation (``apply_chat_template``); this one joins the turns' texts."""
    from .tiny import build_tokenizer
    tok = build_tokenizer(path, ("a red green blue fox cat dog running walking snow sea sky cinematic painting "
                                 "watercolour the of in on you are helpful assistant who will provide prompts to "
                                 "an image generator edges depth static").split())
    tok.chat_template = "{% for m in messages %}{{ m['content'][0]['text'] }} {% endfor %}"
    return tok


def _qwen(vocab: int):
    """diffusers' test Qwen2.5-VL (two layers of 16: their states, concatenated, are 32 wide)."""
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration
    return Qwen2_5_VLForConditionalGeneration(Qwen2_5_VLConfig(
        text_config={"hidden_size": 16, "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
                     "num_key_value_heads": 2, "max_window_layers": 2,
                     "rope_scaling": {"mrope_section": [1, 1, 2], "rope_type": "default", "type": "default"},
                     "rope_theta": 1000000.0,
                     "vocab_size": vocab, "bos_token_id": 1, "eos_token_id": 1},
        vision_config={"depth": 2, "hidden_size": 16, "intermediate_size": 16, "num_heads": 2, "out_hidden_size": 16},
        hidden_size=16, vocab_size=vocab, bos_token_id=1, eos_token_id=1))


def build_cosmos25_transfer(path: str) -> str:
    """A tiny Transfer2.5 folder (Cosmos2_5_TransferPipeline) of diffusers' test config: the transformer
    with its image-context projection and a control block after each block, a two-block
    CosmosControlNetModel reading the control clip's latents, the Wan VAE, UniPC, the tiny Qwen2.5-VL."""
    import shutil

    import torch
    from diffusers import (AutoencoderKLWan, Cosmos2_5_TransferPipeline, CosmosControlNetModel,
                           UniPCMultistepScheduler)

    from nodes.video_models.families.cosmos.guardrail import _stand_in
    tmp_tok = os.path.join(path, "_tok")
    tok = _qwen_tokenizer(tmp_tok)
    torch.manual_seed(0)
    transformer = tiny_cosmos_transformer(extra_pos_embed_type="learnable", controlnet_block_every_n=1,
                                          img_context_dim_in=32, img_context_num_tokens=4, img_context_dim_out=32)
    torch.manual_seed(0)
    controlnet = CosmosControlNetModel(
        n_controlnet_blocks=2, in_channels=16 + 1 + 1, latent_channels=16 + 1 + 1, model_channels=32,
        num_attention_heads=2, attention_head_dim=16, mlp_ratio=2, text_embed_dim=32, adaln_lora_dim=4,
        patch_size=(1, 2, 2), max_size=(4, 32, 32), rope_scale=(2.0, 1.0, 1.0), extra_pos_embed_type="learnable",
        img_context_dim_in=32, img_context_dim_out=32, use_crossattn_projection=False)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    text_encoder = _qwen(len(tok))
    with torch.no_grad():
        for p in list(transformer.parameters()) + list(controlnet.parameters()):
            p.add_(torch.randn_like(p) * 0.02)  # zero-initialised layers (the control blocks' outputs) made to matter
    Cosmos2_5_TransferPipeline(text_encoder=text_encoder, tokenizer=tok, transformer=transformer, vae=vae,
                               scheduler=UniPCMultistepScheduler(), controlnet=controlnet,
                               safety_checker=_stand_in()).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    shutil.rmtree(os.path.join(path, "safety_checker"), ignore_errors=True)
    _without_guardrail(path)
    return path


def build_cosmos25(path: str) -> str:
    """A tiny Predict2.5 folder (Cosmos2_5_PredictBasePipeline: text, image and video to world): the
    Predict2 transformer of this file with the projection of the tiny Qwen2.5-VL's two normalised states
    (32 wide) the release's Predict2.5 has (``crossattn_proj``: its 28 states, 100352 wide, to 1024; a
    Predict2.5 file is told from a Predict2 one by it), the Wan VAE, UniPC."""
    import shutil

    import torch
    from diffusers import AutoencoderKLWan, Cosmos2_5_PredictBasePipeline, UniPCMultistepScheduler

    from nodes.video_models.families.cosmos.guardrail import _stand_in
    tmp_tok = os.path.join(path, "_tok")
    tok = _qwen_tokenizer(tmp_tok)
    torch.manual_seed(0)
    transformer = tiny_cosmos_transformer(use_crossattn_projection=True, crossattn_proj_in_channels=32,
                                          encoder_hidden_states_channels=32)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    Cosmos2_5_PredictBasePipeline(text_encoder=_qwen(len(tok)), tokenizer=tok, transformer=transformer, vae=vae,
                                  scheduler=UniPCMultistepScheduler(), safety_checker=_stand_in()
                                  ).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    shutil.rmtree(os.path.join(path, "safety_checker"), ignore_errors=True)
    _without_guardrail(path)
    return path


def build_cosmos1(path: str) -> str:
    """A tiny Cosmos 1.0 Video2World folder (CosmosVideoToWorldPipeline) of diffusers' test config: the
    transformer with a learnable position embedding reading 4 latent channels and the condition mask, a tiny
    AutoencoderKLCosmos (Haar patches, 4x in space and time), the EDM Euler scheduler, tiny.py's T5."""
    import shutil

    import torch
    from diffusers import AutoencoderKLCosmos, CosmosVideoToWorldPipeline, EDMEulerScheduler

    from nodes.video_models.families.cosmos.guardrail import _stand_in
    from .tiny import build_tokenizer, tiny_t5
    tmp_tok = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp_tok)
    torch.manual_seed(0)
    transformer = tiny_cosmos_transformer(in_channels=4 + 1, out_channels=4, extra_pos_embed_type="learnable")
    torch.manual_seed(0)
    vae = AutoencoderKLCosmos(in_channels=3, out_channels=3, latent_channels=4, encoder_block_out_channels=(8, 8, 8, 8),
                              decode_block_out_channels=(8, 8, 8, 8), attention_resolutions=(8,), resolution=64,
                              num_layers=2, patch_size=4, patch_type="haar", scaling_factor=1.0,
                              spatial_compression_ratio=4, temporal_compression_ratio=4)
    scheduler = EDMEulerScheduler(sigma_min=0.002, sigma_max=80, sigma_data=0.5, sigma_schedule="karras",
                                  num_train_timesteps=1000, prediction_type="epsilon", rho=7.0,
                                  final_sigmas_type="sigma_min")
    torch.manual_seed(0)
    CosmosVideoToWorldPipeline(text_encoder=tiny_t5(tok), tokenizer=tok, transformer=transformer, vae=vae,
                               scheduler=scheduler, safety_checker=_stand_in()).save_pretrained(path,
                                                                                               safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    shutil.rmtree(os.path.join(path, "safety_checker"), ignore_errors=True)
    _without_guardrail(path)
    return path
