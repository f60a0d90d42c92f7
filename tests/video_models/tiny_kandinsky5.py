"""A tiny random Kandinsky 5 (Lite) text- or image-to-video folder built from configs (never
downloaded): diffusers' Kandinsky5Transformer3DModel at a few channels (``visual_cond`` for image to
video, as the released I2V model), HunyuanVideo's VAE at tiny.py's tiny sizes, a tiny Qwen2.5-VL text
model and a tiny CLIP text model over the word-level tokenizer of tiny.py, and the flow-matching
scheduler the released folders carry (shift 5)."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import os
import shutil


def build_kandinsky5(path: str, i2v: bool = False) -> str:
    """The tiny T2V folder (Kandinsky5T2VPipeline); ``i2v``: the I2V one (Kandinsky5I2VPipeline)."""
    return _build(
        path, i2v, "a red fox running in the snow cinematic static cartoon",
        qwen=dict(hidden_size=32, num_attention_heads=2, num_key_value_heads=2,
                  rope_scaling={"type": "mrope", "mrope_section": [2, 3, 3]}),
        clip=dict(bos_token_id=0, eos_token_id=1, hidden_size=16, num_attention_heads=4, pad_token_id=0,
                  hidden_act="gelu", projection_dim=16),
        dit=dict(in_text_dim=32, in_text_dim2=16, model_dim=32, axes_dims=(4, 6, 6), visual_cond=i2v), vae=(8, 4))


def _build(path: str, i2v: bool, words: str, qwen: dict, clip: dict, dit: dict, vae: tuple[int, int]) -> str:
    """A tiny Kandinsky 5 folder: a Qwen2.5-VL text model (``qwen``: its settings), a CLIP text tower
    (``clip``), the DiT (``dit``), HunyuanVideo's VAE (``vae``: width, norm groups), the word-level
    tokenizer of tiny.py over ``words`` for both, the flow-matching scheduler at shift 5."""
    import torch
    from diffusers import (FlowMatchEulerDiscreteScheduler, Kandinsky5I2VPipeline, Kandinsky5T2VPipeline,
                           Kandinsky5Transformer3DModel)
    from transformers import CLIPTextConfig, CLIPTextModel, Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel

    from .tiny import build_tokenizer
    from .tiny_hunyuan import hunyuan_vae
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp, words.split())
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    text_encoder = Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(
        vocab_size=len(tok), intermediate_size=37, num_hidden_layers=2, max_window_layers=2, **qwen))
    torch.manual_seed(0)
    text_encoder_2 = CLIPTextModel(CLIPTextConfig(vocab_size=len(tok), intermediate_size=37, num_hidden_layers=2,
                                                  max_position_embeddings=77, **clip))
    torch.manual_seed(0)
    transformer = Kandinsky5Transformer3DModel(in_visual_dim=4, out_visual_dim=4, time_dim=16, ff_dim=37,
                                               num_text_blocks=1, num_visual_blocks=2, patch_size=(1, 2, 2), **dit)
    vae_model = hunyuan_vae(*vae)
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # zero-initialised layers made to matter
    (Kandinsky5I2VPipeline if i2v else Kandinsky5T2VPipeline)(
        transformer=transformer, vae=vae_model, text_encoder=text_encoder, tokenizer=tok,
        text_encoder_2=text_encoder_2, tokenizer_2=tok, scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0),
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
    with meta_device():
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


def build_kandinsky5_released_kind(path: str, i2v: bool = False) -> str:
    """A tiny Kandinsky 5 folder whose parts have the released models' settings that their shapes do
    not tell, written out here independently of Studio's data: a DiT with heads of 64 split 16, 24, 24
    and the visual condition (every released DiT has it), a Qwen2.5-VL text model with heads of 128 and
    Qwen2.5-VL-7B's rotary settings, a CLIP text tower with heads of 64 and CLIP-L's quick GELU and token
    ids, HunyuanVideo's VAE with 32 norm groups at 8 x / 4 x compression, the scheduler at shift 5.
    The tokenizers are the word-level one of tiny.py (the pipelines take any tokenizer)."""
    return _build(
        path, i2v, "a red fox running in the snow cinematic static cartoon cat",
        qwen=dict(hidden_size=128, num_attention_heads=1, num_key_value_heads=1, hidden_act="silu", rms_norm_eps=1e-6,
                  max_position_embeddings=128000, rope_theta=1000000.0, use_sliding_window=False,
                  rope_scaling={"type": "default", "rope_type": "default", "mrope_section": [16, 24, 24]}),
        clip=dict(hidden_size=64, num_attention_heads=1, hidden_act="quick_gelu", layer_norm_eps=1e-5, bos_token_id=0,
                  eos_token_id=2, pad_token_id=1, projection_dim=768),
        dit=dict(in_text_dim=128, in_text_dim2=64, model_dim=64, axes_dims=(16, 24, 24), visual_cond=True), vae=(32, 32))


def write_comfy_files(folder: str, out: str, task: str = "t2v") -> dict[str, str]:
    """The folder's parts as ComfyUI's folders hold them (name -> path): the DiT under
    'model.diffusion_model.' named as ComfyUI's (its task in the name), Qwen2.5-VL's language model under
    'model.' beside a vision tower and an LM head, CLIP-L's text tower under 'text_model.' with a
    text_projection beside, the VAE in diffusers' names (HunyuanVideo's release's); each tokenizer in the
    folder beside its text encoder's file (tokenizer/: Qwen's, tokenizer_2/: CLIP's)."""
    import torch
    from safetensors.torch import load_file, save_file

    from .tiny_hunyuan15 import qwen_comfy_names
    sub = {n: os.path.join(out, n) for n in ("diffusion_models", "text_encoders", "vae")}
    for d in sub.values():
        os.makedirs(d, exist_ok=True)
    files = {"denoiser": os.path.join(sub["diffusion_models"], f"kandinsky5lite_{task}_tiny_5s.safetensors"),
             "text_encoder": os.path.join(sub["text_encoders"], "qwen_2.5_vl_tiny.safetensors"),
             "text_encoder_2": os.path.join(sub["text_encoders"], "clip_l_tiny.safetensors"),
             "vae": os.path.join(sub["vae"], "hunyuan_video_vae_tiny.safetensors")}
    read = (lambda name, f: load_file(os.path.join(folder, name, f)))
    den = read("transformer", "diffusion_pytorch_model.safetensors")
    save_file({"model.diffusion_model." + k: v.contiguous() for k, v in den.items()}, files["denoiser"])
    qwen = read("text_encoder", "model.safetensors")
    save_file({k: v.contiguous() for k, v in qwen_comfy_names(qwen, 128).items()}, files["text_encoder"])
    clip = {"text_model." + k: v.contiguous() for k, v in read("text_encoder_2", "model.safetensors").items()}
    clip["text_projection.weight"] = torch.zeros(768, 64)
    save_file(clip, files["text_encoder_2"])
    save_file({k: v.contiguous() for k, v in read("vae", "diffusion_pytorch_model.safetensors").items()}, files["vae"])
    for src, dst in (("tokenizer", "tokenizer"), ("tokenizer_2", "tokenizer_2")):
        shutil.copytree(os.path.join(folder, src), os.path.join(sub["text_encoders"], dst), dirs_exist_ok=True)
    return files
