"""Tiny random folders of the older video families (issue 72), built from configs as diffusers' own tests
build theirs (never downloaded): Latte (LattePipeline: a LatteTransformer3DModel, an image VAE, the tiny T5
of tiny.py), I2VGen-XL (I2VGenXLPipeline: its 3D UNet, an image VAE, CLIP text and vision) and ModelScope
text to video (TextToVideoSDPipeline, or VideoToVideoSDPipeline with ``v2v``: a UNet3DConditionModel, an
image VAE, CLIP text) and AnimateDiff (AnimateDiffPipeline: an image model's UNet2DConditionModel with a
MotionAdapter's motion modules, an image VAE, CLIP text, as diffusers' tests of it build them). Declared to tests/tiny_models.py by ``TINY`` (read there, not imported)."""
from __future__ import annotations

import os
import shutil

TINY = {"latte": ("build_latte", {}), "i2vgen-xl": ("build_i2vgen_xl", {}),
        "modelscope-t2v": ("build_modelscope", {}), "animatediff": ("build_animatediff", {})}


def _tokenizer(path: str):
    from .tiny import build_tokenizer
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return tok


def _image_vae():
    """An image VAE of one level (no downsampling), as diffusers' tests of these pipelines use."""
    import torch
    from diffusers import AutoencoderKL
    torch.manual_seed(0)
    return AutoencoderKL(block_out_channels=(8,), in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"],
                         up_block_types=["UpDecoderBlock2D"], latent_channels=4, sample_size=32, norm_num_groups=2)


def _clip_text(vocab: int, width: int):
    import torch
    from transformers import CLIPTextConfig, CLIPTextModel
    torch.manual_seed(0)
    return CLIPTextModel(CLIPTextConfig(bos_token_id=0, eos_token_id=1, hidden_size=width, intermediate_size=16,
                                        num_attention_heads=2, num_hidden_layers=2, pad_token_id=0, vocab_size=vocab,
                                        hidden_act="gelu", projection_dim=32))


def _matter(model) -> None:
    """Its zero-initialised layers made to matter (a random model whose output ignores its input proves nothing)."""
    import torch
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)


def build_latte(path: str) -> str:
    import torch
    from diffusers import DDIMScheduler, LattePipeline, LatteTransformer3DModel

    from .tiny import tiny_t5
    tok = _tokenizer(path)
    torch.manual_seed(0)
    text_encoder = tiny_t5(tok)
    torch.manual_seed(0)
    transformer = LatteTransformer3DModel(
        sample_size=8, num_layers=1, patch_size=2, attention_head_dim=8, num_attention_heads=2, caption_channels=32,
        in_channels=4, cross_attention_dim=16, out_channels=8, attention_bias=True, activation_fn="gelu-approximate",
        num_embeds_ada_norm=1000, norm_type="ada_norm_single", norm_elementwise_affine=False, norm_eps=1e-6,
        video_length=16)
    _matter(transformer)
    LattePipeline(tokenizer=tok, text_encoder=text_encoder, vae=_image_vae(), transformer=transformer,
                  scheduler=DDIMScheduler()).save_pretrained(path, safe_serialization=True)
    return path


def build_i2vgen_xl(path: str) -> str:
    import torch
    from diffusers import DDIMScheduler, I2VGenXLPipeline, I2VGenXLUNet
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection
    tok = _tokenizer(path)
    torch.manual_seed(0)
    unet = I2VGenXLUNet(block_out_channels=(4, 8), layers_per_block=1, sample_size=32, in_channels=4, out_channels=4,
                        down_block_types=("CrossAttnDownBlock3D", "DownBlock3D"),
                        up_block_types=("UpBlock3D", "CrossAttnUpBlock3D"), cross_attention_dim=4,
                        attention_head_dim=4, num_attention_heads=None, norm_num_groups=2)
    _matter(unet)
    torch.manual_seed(0)
    image_encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=4, projection_dim=4, num_hidden_layers=2, num_attention_heads=2, image_size=32,
        intermediate_size=16, patch_size=4))
    I2VGenXLPipeline(vae=_image_vae(), text_encoder=_clip_text(len(tok), 4), tokenizer=tok,
                     image_encoder=image_encoder, feature_extractor=CLIPImageProcessor(crop_size=32, size=32),
                     unet=unet, scheduler=DDIMScheduler(beta_start=0.00085, beta_end=0.012,
                                                        beta_schedule="scaled_linear", clip_sample=False),
                     ).save_pretrained(path, safe_serialization=True)
    return path


def build_modelscope(path: str, v2v: bool = False) -> str:
    import torch
    from diffusers import DDIMScheduler, TextToVideoSDPipeline, UNet3DConditionModel, VideoToVideoSDPipeline
    tok = _tokenizer(path)
    torch.manual_seed(0)
    unet = UNet3DConditionModel(block_out_channels=(4, 8), layers_per_block=1, sample_size=32, in_channels=4,
                                out_channels=4, down_block_types=("CrossAttnDownBlock3D", "DownBlock3D"),
                                up_block_types=("UpBlock3D", "CrossAttnUpBlock3D"), cross_attention_dim=4,
                                attention_head_dim=4, norm_num_groups=2)
    _matter(unet)
    (VideoToVideoSDPipeline if v2v else TextToVideoSDPipeline)(
        vae=_image_vae(), text_encoder=_clip_text(len(tok), 4), tokenizer=tok, unet=unet,
        scheduler=DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="linear", clip_sample=False),
    ).save_pretrained(path, safe_serialization=True)
    return path


MOTION = dict(block_out_channels=(8, 8), motion_layers_per_block=2, motion_norm_num_groups=2,
              motion_num_attention_heads=2)  # the tiny motion adapter's settings (its UNet's blocks)


def motion_adapter():
    """The tiny MotionAdapter (its temporal attention made to matter)."""
    import torch
    from diffusers import MotionAdapter
    torch.manual_seed(0)
    adapter = MotionAdapter(**MOTION)
    _matter(adapter)
    return adapter


def build_animatediff(path: str) -> str:
    """A tiny AnimateDiff folder (model_index.json with unet and motion_adapter), saved as
    AnimateDiffPipeline saves one: its UNet the image UNet with the motion modules in (UNetMotionModel)."""
    import torch
    from diffusers import AnimateDiffPipeline, AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    tok = _tokenizer(path)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(block_out_channels=MOTION["block_out_channels"], layers_per_block=2, sample_size=8,
                                in_channels=4, out_channels=4, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=8,
                                norm_num_groups=2)
    _matter(unet)
    torch.manual_seed(0)
    vae = AutoencoderKL(block_out_channels=(8, 8), in_channels=3, out_channels=3, latent_channels=4, norm_num_groups=2,
                        down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2)
    AnimateDiffPipeline(vae=vae, text_encoder=_clip_text(len(tok), 8), tokenizer=tok, unet=unet,
                        motion_adapter=motion_adapter(),
                        scheduler=DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="linear",
                                                clip_sample=False, steps_offset=1),
                        ).save_pretrained(path, safe_serialization=True)
    return path
