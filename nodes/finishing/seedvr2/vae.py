"""SeedVR2's causal video VAE (8x spatial, 4x temporal, 16 latent channels) in the reference's
state-dict names, so ComfyUI's ``seedvr2_ema_vae_fp16.safetensors`` loads as it is.

Follows ByteDance-Seed/SeedVR (Apache-2.0) at commit 673b563:
``models/video_vae_v3/modules/attn_video_vae.py`` (VideoAutoencoderKL, Encoder3D, Decoder3D),
``causal_inflation_lib.py`` (InflatedCausalConv3d, extend_head/remove_head), ``configs_3b/main.yaml``
(scaling_factor 0.9152, slicing split_size 4) and ``projects/video_diffusion_sr/infer.py``
(vae_encode / vae_decode: ``(latent - shift) * scale`` and its inverse).

Interface (agreed with the DiT / pipeline side):
- ``config_from_state_dict(sd_or_header_shapes) -> dict``
- ``SeedVR2VAE(config)``: ``encode(video) -> latent``, ``decode(latent) -> video``
- ``load_vae(path, dtype, device) -> SeedVR2VAE``
"""
from __future__ import annotations

import torch

SCALING_FACTOR = 0.9152  # configs_3b/main.yaml vae.scaling_factor (7B: the same)
SHIFTING_FACTOR = 0.0  # infer.py: vae.get("shifting_factor", 0.0)


def config_from_state_dict(sd_or_header_shapes) -> dict:
    """The VAE's config read from tensor shapes: a state dict ({name: tensor}) or a safetensors
    header's shapes ({name: shape list}). Keys: in_channels, out_channels, latent_channels,
    block_out_channels, layers_per_block, norm_num_groups, temporal_scale_num, attention,
    use_quant_conv, use_post_quant_conv, time_receptive_field, inflation_mode. Raises ModelError
    (naming SeedVR2 VAE, what was seen and what is missing) when the names are not this VAE's."""
    raise NotImplementedError


class SeedVR2VAE(torch.nn.Module):
    """The VAE: ``encoder.*`` / ``decoder.*`` in the reference's names.

    ``encode(video)``: video [B, 3, T, H, W] in [-1, 1], T = 1 + 4k, H and W multiples of 8 ->
    latent [B, 16, 1 + k, H/8, W/8], already ``(z - shift) * scale`` as infer.py's vae_encode.
    ``decode(latent)``: the inverse scaling inside, then the decoder -> [B, 3, 1 + 4k, H, W].
    Long clips are encoded / decoded in the reference's causal temporal slices (split_size 4
    frames after the first, causal conv memory carried between slices), so memory stays bounded."""

    def __init__(self, config: dict):
        super().__init__()
        self.config = dict(config)

    def encode(self, video: torch.Tensor, sample: bool = False,
               generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError

    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


def load_vae(path: str, dtype: torch.dtype = torch.float16, device="cpu") -> SeedVR2VAE:
    """The VAE in ``path`` (a .safetensors file only): its header read and checked first (a wrong
    file is refused in one ModelError naming SeedVR2 VAE, what was seen and what is missing), then
    the module built on the meta device and the tensors assigned in ``dtype`` on ``device``."""
    raise NotImplementedError
