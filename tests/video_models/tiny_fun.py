"""Tiny Wan 2.1 Fun pipelines: diffusers' WanPipeline around a transformer with the I2V image embedder
that reads 48 channels (Fun Control: the noise, the control clip's latents, the start image's) or 32
(Fun V1.1 camera: the noise and the start image's, with VideoX-Fun's camera adapter in its file), as
the released Fun models do (built from configs, never downloaded)."""
from __future__ import annotations

import os


def build_wan_fun(path: str) -> str:
    return _built(path, 48)


def _built(path: str, in_channels: int) -> str:
    """WanPipeline saved to ``path`` around a tiny transformer reading ``in_channels``, image tokens 4 wide."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline

    from .tiny import save_wan_pipeline, tiny_wan_transformer
    save_wan_pipeline(path, WanPipeline, lambda: tiny_wan_transformer(in_channels, image_dim=4),
                      FlowMatchEulerDiscreteScheduler(shift=7.0))
    assert os.path.isfile(os.path.join(path, "model_index.json"))
    return path


def build_wan_fun_camera(path: str) -> str:
    """A tiny Wan 2.1 Fun V1.1 camera pipeline: 32 channels in, and VideoX-Fun's camera adapter
    (``control_adapter.*``: PixelUnshuffle by 8 of 24 channels, a 2x2 convolution to the denoiser's
    width, one residual block) written into the transformer's file beside diffusers' tensors, as the
    released files hold it (diffusers' class has no such module: it is left out at load)."""
    _built(path, 32)
    add_adapter(os.path.join(path, "transformer", "diffusion_pytorch_model.safetensors"), 24)  # 2 heads of 12
    return path


def build_wan22_fun_camera(path: str) -> str:
    """A tiny Wan 2.2 Fun A14B camera pipeline: WanImageToVideoPipeline with two experts (switched at
    boundary_ratio) reading 36 channels (the noise, a mask and the start image's video latents) and no
    CLIP vision, each expert's file holding its own camera adapter."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanImageToVideoPipeline

    from .tiny import save_wan_pipeline, tiny_wan_transformer
    save_wan_pipeline(path, WanImageToVideoPipeline, lambda: tiny_wan_transformer(36),
                      FlowMatchEulerDiscreteScheduler(shift=7.0), experts=2)
    for seed, sub in ((1, "transformer"), (2, "transformer_2")):
        add_adapter(os.path.join(path, sub, "diffusion_pytorch_model.safetensors"), 24, seed=seed)
    return path


def add_adapter(file: str, dim: int, prefix: str = "control_adapter.", seed: int = 1) -> None:
    """A random camera adapter (seeded) for a denoiser ``dim`` wide, written into the safetensors ``file``
    under ``prefix`` (ComfyUI's files: 'model.diffusion_model.control_adapter.')."""
    import torch
    from safetensors.torch import load_file, save_file
    g = torch.Generator().manual_seed(seed)
    adapter = {"conv.weight": torch.randn(dim, 24 * 64, 2, 2, generator=g) * 0.2,
               "conv.bias": torch.randn(dim, generator=g) * 0.2}
    for k in ("conv1", "conv2"):
        adapter[f"residual_blocks.0.{k}.weight"] = torch.randn(dim, dim, 3, 3, generator=g) * 0.2
        adapter[f"residual_blocks.0.{k}.bias"] = torch.randn(dim, generator=g) * 0.2
    state = load_file(file)
    state.update({prefix + k: v.contiguous() for k, v in adapter.items()})
    save_file(state, file, metadata={"format": "pt"})
