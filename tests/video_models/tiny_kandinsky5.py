"""A tiny random Kandinsky 5 (Lite) text- or image-to-video folder built from configs (never
downloaded): diffusers' Kandinsky5Transformer3DModel at a few channels (``visual_cond`` for image to
video, as the released I2V model), HunyuanVideo's VAE at tiny.py's tiny sizes, a tiny Qwen2.5-VL text
model and a tiny CLIP text model over the word-level tokenizer of tiny.py, and the flow-matching
scheduler the released folders carry (shift 5)."""
from __future__ import annotations

import os
import shutil


def build_kandinsky5(path: str, i2v: bool = False) -> str:
    """The tiny T2V folder (Kandinsky5T2VPipeline); ``i2v``: the I2V one (Kandinsky5I2VPipeline)."""
    import torch
    from diffusers import (AutoencoderKLHunyuanVideo, FlowMatchEulerDiscreteScheduler, Kandinsky5I2VPipeline,
                           Kandinsky5T2VPipeline, Kandinsky5Transformer3DModel)
    from transformers import CLIPTextConfig, CLIPTextModel, Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel

    from .tiny import build_tokenizer
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp, "a red fox running in the snow cinematic static cartoon".split())
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    text_encoder = Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(
        vocab_size=len(tok), hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=2, max_window_layers=2, rope_scaling={"type": "mrope", "mrope_section": [2, 3, 3]}))
    torch.manual_seed(0)
    text_encoder_2 = CLIPTextModel(CLIPTextConfig(bos_token_id=0, eos_token_id=1, hidden_size=16, intermediate_size=37,
                                                  num_attention_heads=4, num_hidden_layers=2, pad_token_id=0,
                                                  vocab_size=len(tok), hidden_act="gelu", projection_dim=16,
                                                  max_position_embeddings=77))
    torch.manual_seed(0)
    transformer = Kandinsky5Transformer3DModel(
        in_visual_dim=4, out_visual_dim=4, in_text_dim=32, in_text_dim2=16, time_dim=16, model_dim=32, ff_dim=37,
        num_text_blocks=1, num_visual_blocks=2, axes_dims=(4, 6, 6), patch_size=(1, 2, 2), visual_cond=i2v)
    torch.manual_seed(0)
    vae = AutoencoderKLHunyuanVideo(
        in_channels=3, out_channels=3, latent_channels=4, down_block_types=("HunyuanVideoDownBlock3D",) * 4,
        up_block_types=("HunyuanVideoUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8), layers_per_block=1,
        act_fn="silu", norm_num_groups=4, scaling_factor=0.476986, spatial_compression_ratio=8,
        temporal_compression_ratio=4, mid_block_add_attention=True)
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # zero-initialised layers made to matter
    (Kandinsky5I2VPipeline if i2v else Kandinsky5T2VPipeline)(
        transformer=transformer, vae=vae, text_encoder=text_encoder, tokenizer=tok, text_encoder_2=text_encoder_2,
        tokenizer_2=tok, scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0),
    ).save_pretrained(path, safe_serialization=True)
    return path


# Kandinsky 5.0 Video Lite's DiT as released (transformer/config.json of the Diffusers folders, 2B)
LITE = dict(in_visual_dim=16, out_visual_dim=16, in_text_dim=3584, in_text_dim2=768, time_dim=512, model_dim=1792,
            ff_dim=7168, num_text_blocks=2, num_visual_blocks=32, axes_dims=(16, 24, 24), patch_size=(1, 2, 2),
            visual_cond=True)


def released_shapes(prefix: str = "", **cfg) -> dict:
    """{name: shape} of the released Lite DiT (``cfg`` changes its config), built on the meta device:
    nothing allocated; ``prefix``: ComfyUI's ('model.diffusion_model.')."""
    import torch
    from diffusers import Kandinsky5Transformer3DModel
    with torch.device("meta"):
        model = Kandinsky5Transformer3DModel(**{**LITE, **cfg})
    return {prefix + k: tuple(v.shape) for k, v in model.state_dict().items()}


def write_single_files(folder: str, out: str) -> dict[str, str]:
    """The tiny folder's DiT as the release's file (diffusers' names, no prefix) and as ComfyUI saves it
    (under 'model.diffusion_model.')."""
    from safetensors.torch import load_file, save_file
    os.makedirs(out, exist_ok=True)
    sd = load_file(os.path.join(folder, "transformer", "diffusion_pytorch_model.safetensors"))
    files = {"release": os.path.join(out, "kandinsky5lite_t2v_tiny.safetensors"),
             "comfy": os.path.join(out, "kandinsky5lite_t2v_tiny_comfy.safetensors")}
    save_file(sd, files["release"])
    save_file({"model.diffusion_model." + k: v for k, v in sd.items()}, files["comfy"])
    return files
