"""Video pipelines at their real configurations with random weights, saved as a user's models
folder holds them (diffusers folders, bf16 safetensors), for the GPU benchmark of
bench_video_models.py --real. Nothing is downloaded: the configs are written here (the same as
in /work/shared/research/gpu-first-run.md, where they were first measured).

* SVD-XT: UNetSpatioTemporalConditionModel(num_frames=25) (its defaults are SVD's UNet), SVD's
  temporal-decoder VAE, a CLIP ViT-H/14 vision tower; 2.25 B parameters.
* Wan 2.1 T2V 1.3B: Wan's transformer and VAE; a 2-layer UMT5 encoder of the real width (4096)
  over a small word tokenizer stands in for UMT5-XXL (5.7 B); 1.93 B parameters in all.
* LTX-Video (2 B): its transformer and VAE (diffusers' defaults), a 2-layer T5 of width 4096.

Random weights are scaled by 0.5 so that half precision stays finite. ``small=True`` builds the
same pipelines with narrow layers: the whole benchmark then runs on a CPU in minutes (a check of
the benchmark itself, not a measurement)."""
from __future__ import annotations

import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# the names the templates expect (assets/make_templates.py), under a models folder
NAMES = {"svd": "stabilityai/stable-video-diffusion-img2vid-xt", "wan": "Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
         "ltx": "Lightricks/LTX-Video"}


def _halve(*modules) -> int:
    import torch
    n = 0
    with torch.no_grad():
        for m in modules:
            for p in m.parameters():
                p.mul_(0.5)
                n += p.numel()
    return n


def build_svd(path: str, small: bool = False) -> int:
    import torch
    from diffusers import (AutoencoderKLTemporalDecoder, EulerDiscreteScheduler, StableVideoDiffusionPipeline,
                           UNetSpatioTemporalConditionModel)
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection
    torch.manual_seed(0)
    if small:
        unet = UNetSpatioTemporalConditionModel(
            block_out_channels=(32, 64), layers_per_block=1, sample_size=32, in_channels=8, out_channels=4,
            down_block_types=("CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"),
            up_block_types=("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
            cross_attention_dim=64, num_attention_heads=4, projection_class_embeddings_input_dim=96,
            addition_time_embed_dim=32, num_frames=25)
        vae = AutoencoderKLTemporalDecoder(block_out_channels=(32, 64), layers_per_block=1, latent_channels=4,
                                           down_block_types=("DownEncoderBlock2D",) * 2)
        enc = CLIPVisionModelWithProjection(CLIPVisionConfig(
            hidden_size=64, projection_dim=64, num_hidden_layers=2, num_attention_heads=4, image_size=224,
            intermediate_size=128, patch_size=32))
    else:
        unet = UNetSpatioTemporalConditionModel(num_frames=25)
        vae = AutoencoderKLTemporalDecoder(block_out_channels=(128, 256, 512, 512), layers_per_block=2,
                                           latent_channels=4, down_block_types=("DownEncoderBlock2D",) * 4)
        enc = CLIPVisionModelWithProjection(CLIPVisionConfig(
            hidden_size=1280, num_hidden_layers=32, num_attention_heads=16, intermediate_size=5120, patch_size=14,
            image_size=224, projection_dim=1024))
    scheduler = EulerDiscreteScheduler(
        beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, interpolation_type="linear",
        num_train_timesteps=1000, prediction_type="v_prediction", sigma_max=700.0, sigma_min=0.002, steps_offset=1,
        timestep_spacing="leading", timestep_type="continuous", trained_betas=None, use_karras_sigmas=True)
    n = _halve(unet, vae, enc)
    pipe = StableVideoDiffusionPipeline(vae=vae, image_encoder=enc, unet=unet, scheduler=scheduler,
                                        feature_extractor=CLIPImageProcessor(crop_size=224, size=224))
    pipe.to(torch.float16).save_pretrained(path, safe_serialization=True)
    return n


def _text_encoder(small: bool, tmp: str, umt5: bool = True):
    """A 2-layer encoder of the real width (Wan: UMT5-XXL's; LTX-Video: T5-XXL's) over a small word tokenizer."""
    from tests.video_models.tiny import build_tokenizer
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel
    config, model = (UMT5Config, UMT5EncoderModel) if umt5 else (T5Config, T5EncoderModel)
    tok = build_tokenizer(tmp)
    width = 64 if small else 4096
    cfg = config(vocab_size=len(tok), d_model=width, d_kv=64 if not small else 16, d_ff=10240 if not small else 128,
                     num_layers=2, num_heads=64 if not small else 4, relative_attention_num_buckets=32,
                     pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    return tok, model(cfg), width


def build_wan(path: str, small: bool = False, vace: bool = False) -> int:
    """Wan 2.1 1.3B (``vace``: Wan2.1-VACE-1.3B, its VACE blocks on every second layer), or a narrow
    one with ``small``."""
    import torch
    import diffusers
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler
    torch.manual_seed(0)
    tmp = path + "_tok"
    tok, te, width = _text_encoder(small, tmp)
    common = dict(patch_size=(1, 2, 2), in_channels=16, out_channels=16, freq_dim=256, cross_attn_norm=True,
                  qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024)
    if small:
        size = dict(num_attention_heads=2, attention_head_dim=16, text_dim=width, ffn_dim=64, num_layers=2)
    else:
        size = dict(num_attention_heads=12, attention_head_dim=128, text_dim=4096, ffn_dim=8960, num_layers=30)
    if vace:
        size.update(vace_layers=[0] if small else list(range(0, 30, 2)), vace_in_channels=96)
    tr = getattr(diffusers, "WanVACETransformer3DModel" if vace else "WanTransformer3DModel")(**common, **size)
    vae = AutoencoderKLWan(base_dim=8, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True]) if small else AutoencoderKLWan()
    sched = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    n = _halve(tr, vae, te)
    pipe = getattr(diffusers, "WanVACEPipeline" if vace else "WanPipeline")(
        tokenizer=tok, text_encoder=te, vae=vae, transformer=tr, scheduler=sched)
    pipe.to(torch.bfloat16).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return n


def build_ltx(path: str, small: bool = False) -> int:
    import torch
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXPipeline, LTXVideoTransformer3DModel
    torch.manual_seed(0)
    tmp = path + "_tok"
    tok, te, width = _text_encoder(small, tmp, umt5=False)
    if small:
        tr = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, num_attention_heads=2, attention_head_dim=16,
                                        cross_attention_dim=32, num_layers=2, caption_channels=width)
        vae = AutoencoderKLLTXVideo(in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
                                    decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
                                    decoder_layers_per_block=(1, 1, 1, 1, 1),
                                    spatio_temporal_scaling=(True, True, False, False),
                                    decoder_spatio_temporal_scaling=(True, True, False, False),
                                    decoder_inject_noise=(False,) * 5, upsample_residual=(False,) * 4,
                                    upsample_factor=(1,) * 4, timestep_conditioning=False, patch_size=1,
                                    patch_size_t=1, encoder_causal=True, decoder_causal=False)
    else:
        tr = LTXVideoTransformer3DModel()
        vae = AutoencoderKLLTXVideo()
    sched = FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True, base_shift=0.95, max_shift=2.05,
                                            base_image_seq_len=1024, max_image_seq_len=4096, shift_terminal=0.1)
    n = _halve(tr, vae, te)
    pipe = LTXPipeline(scheduler=sched, vae=vae, text_encoder=te, tokenizer=tok, transformer=tr)
    pipe.to(torch.bfloat16).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return n


BUILDERS = {"svd": build_svd, "wan": build_wan, "ltx": build_ltx}


def build(models_dir: str, family: str, small: bool = False, device: str = "cuda") -> tuple[str, int]:
    """Build ``family`` into ``models_dir`` under the name the templates expect: (folder, parameters).
    Built on ``device`` (on a GPU in seconds; the real sizes take minutes on a CPU)."""
    import torch
    path = os.path.join(models_dir, NAMES[family])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.device(device):
        n = BUILDERS[family](path, small)
    if device == "cuda":
        torch.cuda.empty_cache()
    return path, n
