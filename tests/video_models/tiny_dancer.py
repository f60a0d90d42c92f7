"""A tiny Wan Dancer model: diffusers' WanImageToVideoPipeline around a tiny Wan transformer reading 36
channels with an image cross-attention branch (added_kv_proj_dim), a tiny CLIP, and Wan Dancer's own
tensors (families/wan/dancer/dancer.py DancerParts: music encoder and injector, reference-image MLP, global patch
embedding and head) written into the transformer's file under the release's names, as the Wan-Dancer-14B
files hold them. Built from configs."""
from __future__ import annotations

import os
import shutil

DIM, HEADS, CLIP = 24, 2, 4  # the tiny transformer's width and heads; the tiny CLIP's width


def tiny_parts(seed: int = 1):
    import torch

    from nodes.video_models.families.wan.dancer.dancer import DancerParts
    torch.manual_seed(seed)
    parts = DancerParts(DIM, HEADS, 36, 16, inject_layers=(0, 1), clip_dim=CLIP, skip_block=1)
    with torch.no_grad():
        for p in parts.parameters():
            p.add_(torch.randn_like(p) * 0.2)  # norms and biases not at their identity: every weight counts
    return parts.eval()


def tiny_pipeline(seed: int = 0):
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanImageToVideoPipeline
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel

    from .tiny import tiny_wan_transformer, wan_parts
    import tempfile
    tmp = tempfile.mkdtemp()
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(seed)
    transformer = tiny_wan_transformer(36, image_dim=CLIP, added_kv_proj_dim=DIM)
    torch.manual_seed(seed)
    enc = CLIPVisionModel(CLIPVisionConfig(hidden_size=CLIP, num_hidden_layers=2, num_attention_heads=2,
                                           image_size=8, intermediate_size=16, patch_size=1))
    return WanImageToVideoPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                                   scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0), image_encoder=enc,
                                   image_processor=CLIPImageProcessor(crop_size=8, size=8))


def build_dancer(path: str, parts: bool = True, prefix: str = "") -> str:
    """The folder at ``path``; ``parts`` False: a plain Wan I2V (no Dancer tensors, the refusal test)."""
    from safetensors.torch import load_file, save_file
    tiny_pipeline().save_pretrained(path, safe_serialization=True)
    if parts:
        file = os.path.join(path, "transformer", "diffusion_pytorch_model.safetensors")
        state = load_file(file)
        state.update({prefix + k: v.contiguous() for k, v in tiny_parts().state_dict().items()})
        save_file(state, file, metadata={"format": "pt"})
    return path


def build_dancer_file(path: str) -> str:
    """A tiny Wan Dancer denoiser file (the dance_to_music template's wan2.2_dancer_14b_*.safetensors) for the
    tiny Wan 2.1 I2V folder its template names as 'base' (tests/video_models/tiny_i2v.py: the same transformer
    config, diffusers' names) with Dancer's tensors under the release's names."""
    import torch
    from safetensors.torch import save_file

    from .tiny import tiny_wan_transformer
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    torch.manual_seed(0)
    state = dict(tiny_wan_transformer(36, image_dim=CLIP).state_dict())
    state.update(tiny_parts().state_dict())
    save_file({k: v.contiguous() for k, v in state.items()}, path)
    return path
