"""A tiny random Kandinsky 6 picture-and-sound folder built from configs (never downloaded):
diffusers' Kandinsky6Transformer3DModel at a few channels (the visual condition and the token types
image to video reads, as the released DiTs), HunyuanVideo's VAE at tiny.py's tiny sizes, MMAudio's
audio VAE and vocoder at a few channels, a tiny Qwen2.5-VL text model and a tiny CLIP text model over
the word-level tokenizer of tiny.py, and the flow-matching scheduler; and a tiny super-resolution
folder (Kandinsky6SRPipeline: its SR transformer and K-VAE, tiles of 64 x 64)."""
from __future__ import annotations

import json
import os
import shutil

WORDS = "a red fox running in the snow cinematic static cartoon cat barking drums"


def build_kandinsky6(path: str) -> str:
    """The tiny text-and-image to video-and-sound folder (Kandinsky6TI2VAPipeline)."""
    return _build(path, qwen=dict(hidden_size=32, num_attention_heads=2, num_key_value_heads=2,
                                  rope_scaling={"type": "mrope", "mrope_section": [2, 3, 3]}),
                  clip=dict(bos_token_id=0, eos_token_id=1, hidden_size=16, num_attention_heads=4, pad_token_id=0,
                            hidden_act="gelu", projection_dim=16),
                  dit=dict(in_text_dim=32, in_text_dim2=16, model_dim=32, axes_dims=(4, 6, 6)), vae=(8, 4),
                  audio=dict(sample_rate=16000, hop_length=64))


def build_kandinsky6_released_kind(path: str) -> str:
    """A tiny Kandinsky 6 folder whose parts have the released models' settings that their shapes do not
    tell, written out here independently of Studio's data (as tiny_kandinsky5's released kind): a DiT with
    heads of 64 split 16, 24, 24 in both branches and the sound's rotary scale 0.144, Kandinsky 5's
    released-kind Qwen2.5-VL (heads of 128, Qwen2.5-VL-7B's rotary settings) and CLIP-L text tower,
    HunyuanVideo's VAE with 32 norm groups, the audio VAE at 44.1 kHz, hop 512 and scale 0.5302."""
    return _build(path, qwen=dict(hidden_size=128, num_attention_heads=1, num_key_value_heads=1, hidden_act="silu",
                                  rms_norm_eps=1e-6, max_position_embeddings=128000, rope_theta=1000000.0,
                                  use_sliding_window=False, rope_scaling={"type": "default", "rope_type": "default",
                                                                          "mrope_section": [16, 24, 24]}),
                  clip=dict(hidden_size=64, num_attention_heads=1, hidden_act="quick_gelu", layer_norm_eps=1e-5,
                            bos_token_id=0, eos_token_id=2, pad_token_id=1, projection_dim=768),
                  dit=dict(in_text_dim=128, in_text_dim2=64, model_dim=64, axes_dims=(16, 24, 24),
                           audio_freqs_scaling=0.144), vae=(32, 32),
                  audio=dict(sample_rate=44_100, hop_length=512, scaling_factor=0.5302))


def _build(path: str, qwen: dict, clip: dict, dit: dict, vae: tuple[int, int], audio: dict) -> str:
    """A tiny Kandinsky 6 folder: a Qwen2.5-VL text model (``qwen``: its settings), a CLIP text tower
    (``clip``), the DiT (``dit``), HunyuanVideo's VAE (``vae``: width, norm groups), the audio VAE
    (``audio``: its rate, hop, scale) and vocoder, the word-level tokenizer over WORDS for both."""
    import torch
    from diffusers import (FlowMatchEulerDiscreteScheduler, Kandinsky6TI2VAPipeline, Kandinsky6Transformer3DModel,
                           MMAudioVAE, MMAudioVocoder)
    from transformers import CLIPTextConfig, CLIPTextModel, Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel

    from .tiny import build_tokenizer
    from .tiny_hunyuan import hunyuan_vae
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp, WORDS.split())
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    text_encoder = Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(
        vocab_size=len(tok), intermediate_size=37, num_hidden_layers=2, max_window_layers=2, **qwen))
    torch.manual_seed(0)
    text_encoder_2 = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tok), intermediate_size=37, num_hidden_layers=2, max_position_embeddings=77, **clip))
    torch.manual_seed(0)
    transformer = Kandinsky6Transformer3DModel(
        in_visual_dim=4, out_visual_dim=4, time_dim=16, patch_size=(1, 2, 2), ff_dim=37, num_text_blocks=1,
        num_visual_blocks=2, visual_cond=True, in_audio_dim=4, out_audio_dim=4, text_token_padding=True, ca_rope=True,
        cross_gates=True, fix_modulation=True, visual_token_type_num_embeddings=2, **dit)
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # zero-initialised layers made to matter
    vae_model = hunyuan_vae(*vae)
    torch.manual_seed(0)
    audio_vae = MMAudioVAE(mel_bins=16, latent_channels=4, hidden_channels=16, channel_multipliers=(1, 2),
                           layers_per_block=1, n_fft=256, **audio)
    torch.manual_seed(0)
    vocoder = MMAudioVocoder(num_mels=16, upsample_initial_channel=32, upsample_rates=(4, 4, 4, 2),
                             upsample_kernel_sizes=(8, 8, 8, 4), resblock_kernel_sizes=(3,),
                             resblock_dilation_sizes=((1, 3),))
    Kandinsky6TI2VAPipeline(
        transformer=transformer, vae=vae_model, text_encoder=text_encoder, tokenizer=tok, text_encoder_2=text_encoder_2,
        tokenizer_2=tok, scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0), audio_vae=audio_vae, vocoder=vocoder,
    ).save_pretrained(path, safe_serialization=True)
    return path


def build_kandinsky6_sr(path: str) -> str:
    """The tiny super-resolution folder (Kandinsky6SRPipeline): a K-VAE of three levels (4 x smaller,
    4 x fewer frames), an SR DiT with one trained tile size of 32 x 32 (8 x 8 tokens: NABLA's block),
    the flow-matching scheduler; no latent upscaler (the pixel tiles are stretched and encoded)."""
    import torch
    from diffusers import (FlowMatchEulerDiscreteScheduler, Kandinsky6SRPipeline, Kandinsky6SRTransformer3DModel,
                           Kandinsky6SRVAE)
    torch.manual_seed(0)
    vae = Kandinsky6SRVAE(latent_channels=4, encoder_block_out_channels=(8, 8, 8),
                          decoder_block_out_channels=(8, 8, 8), layers_per_block=1)
    torch.manual_seed(0)
    transformer = Kandinsky6SRTransformer3DModel(
        in_visual_dim=4, out_visual_dim=4, time_dim=16, model_dim=32, ff_dim=37, num_visual_blocks=2,
        axes_dims=(4, 6, 6), tile_sizes=((32, 32),))
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # zero-initialised layers made to matter
    Kandinsky6SRPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(shift=1.0)
                         ).save_pretrained(path, safe_serialization=True)
    return path


def native_name(key: str) -> str:
    """A diffusers Kandinsky6Transformer3DModel key under the release's native name, as ComfyUI saves the
    DiT (comfy/ldm/kandinsky6): the test's own inverse of the family's renaming, written from the names."""
    top, _, rest = key.partition(".")
    if top.endswith("time_embeddings"):
        return f"{top}.{rest.replace('timestep_embedder.linear_1.', 'in_layer.').replace('timestep_embedder.linear_2.', 'out_layer.')}"
    if top.endswith("text_transformer_blocks"):
        rest = rest.replace(".attn.", ".self_attention.")
    top = {"visual_transformer_blocks": "visual_blocks", "audio_out_layer": "audio_outLayer"}.get(top, top)
    for theirs, native in ((".video_dec_block.", ".videoT."), (".audio_dec_block.", ".audioT."),
                           (".feed_forward.net.0.proj.", ".feed_forward.in_layer."),
                           (".feed_forward.net.2.", ".feed_forward.out_layer.")):
        rest = rest.replace(theirs, native)
    return f"{top}.{rest}"


def _folder_parts(folder: str) -> tuple[dict, dict, dict]:
    from safetensors.torch import load_file
    vae = load_file(os.path.join(folder, "audio_vae", "diffusion_pytorch_model.safetensors"))
    voc = load_file(os.path.join(folder, "vocoder", "diffusion_pytorch_model.safetensors"))
    with open(os.path.join(folder, "vocoder", "config.json"), encoding="utf-8") as f:
        return vae, voc, json.load(f)


def write_audio_file(folder: str, path: str, comfy: bool = True) -> str:
    """The folder's audio VAE and vocoder in one file: ComfyUI's (decoder only, ``bigvgan_config`` in the
    header) or the release's (the encoder and mel bank kept); the test's own inverse of the reading."""
    from safetensors.torch import save_file
    vae, voc, cfg = _folder_parts(folder)
    keep = ("vae.decoder.", "vae.data_") if comfy else ("vae.", "mel_converter.")
    out = {k: v.contiguous() for k, v in vae.items() if k.startswith(keep)}
    out.update({"vocoder." + k: v.contiguous() for k, v in voc.items()})
    meta = {"kandinsky6_audio_vae": "1", "bigvgan_config": json.dumps({
        "resblock": "1", "activation": "snakebeta", "snake_logscale": True, "use_bias_at_final": False,
        "use_tanh_at_final": False, **{k: cfg[k] for k in ("num_mels", "upsample_rates", "upsample_kernel_sizes",
                                                           "upsample_initial_channel", "resblock_kernel_sizes",
                                                           "resblock_dilation_sizes")}})} if comfy else None
    save_file(out, path, metadata=meta)
    return path


def write_comfy_set(folder: str, out: str) -> dict[str, str]:
    """The folder's parts as ComfyUI's folders hold them (name -> path): Kandinsky 5's three (Qwen2.5-VL,
    CLIP-L, HunyuanVideo's VAE, the tokenizers beside the text encoders: tiny_kandinsky5.write_comfy_files),
    the DiT in the release's native names under ComfyUI's prefix, the audio VAE with its vocoder in one
    file beside the VAE (ComfyUI's layout)."""
    from safetensors.torch import load_file, save_file

    from .tiny_kandinsky5 import write_comfy_files
    files = write_comfy_files(folder, out)
    os.remove(files["denoiser"])
    files["denoiser"] = os.path.join(os.path.dirname(files["denoiser"]), "kandinsky6_pro_tiny_5s.safetensors")
    den = load_file(os.path.join(folder, "transformer", "diffusion_pytorch_model.safetensors"))
    save_file({"model.diffusion_model." + native_name(k): v.contiguous() for k, v in den.items()}, files["denoiser"])
    files["audio"] = write_audio_file(folder, os.path.join(os.path.dirname(files["vae"]),
                                                           "kandinsky6_audio_vae.safetensors"))
    return files
