"""ReCamMaster's denoiser as an extension of diffusers' ``WanTransformer3DModel`` (Wan 2.1 T2V 1.3B).

Written after the released reference code, KwaiVGI/ReCamMaster at commit 39c0dc2e7b0469789216adedfd0d220325633866
(MIT): ``diffsynth/models/wan_video_dit.py`` (``DiTBlock.forward``, ``WanModel.forward``),
``diffsynth/pipelines/wan_video_recammaster.py`` (``model_fn_wan_video``, ``__call__``) and
``inference_recammaster.py`` (the modules it adds to every block: ``cam_encoder = nn.Linear(12, dim)``,
``projector = nn.Linear(dim, dim)``). Their parameter names are kept (``blocks.N.cam_encoder.*``,
``blocks.N.projector.*``), so the release's checkpoint and Kijai's converted file
(Wan2_1_kwai_recammaster_1_3B_step20000_bf16.safetensors, the release's names) load onto it.

What is diffusers' own: the 30 blocks' self-attention, cross-attention over the text, feed-forward and norms, the
patch embedding (16 channels), the time and text embedders, the rotary embedding, the output head. What is
ReCamMaster's:

- the source clip's latents (clean, the same timestep as the noisy ones) after the noisy latents along the frames:
  one sequence of 2F latent frames, rotated as frames 0 .. 2F - 1;
- in every block, the camera: each latent frame's pose (3 x 4, relative to the first) through ``cam_encoder``,
  the F results given twice (the target's frames and the source's: ``cam_emb.repeat(1, 2, 1)``), each added to
  every token of its frame after the modulated norm, before the self-attention; the self-attention's output
  through ``projector`` before its gate;
- the output read from the first F frames.

Why diffusers' class alone does not serve: its ``WanTransformerBlock.forward`` has no place for a per-frame
addition before the self-attention nor a projection after it, and its model's forward no second clip; so the
blocks' steps are run here, each by diffusers' own modules (``norm1``, ``attn1``, ``norm2``, ``attn2``, ``norm3``,
``ffn``, ``scale_shift_table``: diffusers' ``norm2`` is the release's cross-attention norm ``norm3`` and its
``norm3`` the feed-forward's ``norm2``, as diffusers' converter maps them). The release repeats the camera over a
fixed 30 x 52 grid (480 x 832); here it is repeated over the take's grid, the same at 480 x 832."""
from __future__ import annotations

import torch
import torch.nn as nn

from ..wan.own_pipeline import lazy_denoiser, video_out, wan_init
from .cameras import CAMERA_DIM

EXTRA = ("cam_encoder.", "projector.")  # what ReCamMaster adds to each block of Wan 2.1 T2V


def is_extra(name: str) -> bool:
    """Whether ``name`` is one of ReCamMaster's tensors ('blocks.N.cam_encoder.weight', ...)."""
    parts = name.split(".", 2)
    return len(parts) == 3 and parts[0] == "blocks" and parts[2].startswith(EXTRA)


def _init(self, patch_size=(1, 2, 2), num_attention_heads: int = 12, attention_head_dim: int = 128,
          in_channels: int = 16, out_channels: int = 16, text_dim: int = 4096, freq_dim: int = 256,
          ffn_dim: int = 8960, num_layers: int = 30, cross_attn_norm: bool = True,
          qk_norm: str | None = "rms_norm_across_heads", eps: float = 1e-6, rope_max_seq_len: int = 1024,
          camera_dim: int = CAMERA_DIM):
    """WanReCamMasterTransformer3DModel.__init__ (the defaults are Wan 2.1 T2V 1.3B's): diffusers' Wan 2.1 T2V with
    ReCamMaster's two modules in every block, initialised as the release does before its checkpoint is read
    (cam_encoder zeros, projector the identity: inference_recammaster.py)."""
    wan_init(self, locals())
    dim = num_attention_heads * attention_head_dim
    for block in self.blocks:
        block.cam_encoder = nn.Linear(camera_dim, dim)
        block.projector = nn.Linear(dim, dim)
        nn.init.zeros_(block.cam_encoder.weight)
        nn.init.zeros_(block.cam_encoder.bias)
        with torch.no_grad():
            block.projector.weight.copy_(torch.eye(dim))
        nn.init.zeros_(block.projector.bias)


# WanReCamMasterTransformer3DModel: ``ReCamMasterDenoiser``'s methods on diffusers' WanTransformer3DModel, its
# ``__init__`` registered as its config, made when first asked for
__getattr__ = lazy_denoiser(__name__, "WanReCamMasterTransformer3DModel", lambda: ReCamMasterDenoiser, _init)


def camera_block(block, x, text, temb, rotary, cam):
    """One Wan block with ReCamMaster's camera (wan_video_dit.py DiTBlock.forward): ``cam`` [B, L, D] the camera's
    encoding at every token, added to the modulated norm before the self-attention, whose output goes through the
    projector before its gate."""
    shift_msa, scale_msa, gate_msa, c_shift, c_scale, c_gate = (block.scale_shift_table + temb.float()).chunk(6, dim=1)
    h = (block.norm1(x.float()) * (1 + scale_msa) + shift_msa).type_as(x)
    attn = block.attn1(h + cam.to(h.dtype), None, None, rotary)
    x = (x.float() + block.projector(attn).float() * gate_msa).type_as(x)
    x = x + block.attn2(block.norm2(x.float()).type_as(x), text, None, None)
    h = (block.norm3(x.float()) * (1 + c_scale) + c_shift).type_as(x)
    return (x.float() + block.ffn(h).float() * c_gate).type_as(x)


class ReCamMasterDenoiser:
    """ReCamMaster's denoiser: diffusers' Wan 2.1 T2V blocks over the noisy latents followed by the source clip's,
    the camera added in every block (the methods of WanReCamMasterTransformer3DModel)."""

    def forward(self, hidden_states, timestep, encoder_hidden_states, source_latents=None, camera=None,
                return_dict: bool = True, attention_kwargs=None, **_):
        """One step (model_fn_wan_video): ``hidden_states`` [B, 16, F, H, W] the noisy latents; ``source_latents``
        [B, 16, F, H, W] the source clip's (clean); ``camera`` [B or 1, F, 12] each latent frame's pose relative to
        the first (cameras.py); ``encoder_hidden_states`` the text states."""
        b, _, frames, height, width = hidden_states.shape
        if source_latents is None or camera is None:
            raise ValueError("ReCamMaster's denoiser needs 'source_latents' and 'camera'")
        if tuple(source_latents.shape[1:]) != tuple(hidden_states.shape[1:]):
            raise ValueError(f"'source_latents' is {tuple(source_latents.shape[1:])}: ReCamMaster reads the source "
                             f"clip at the take's {tuple(hidden_states.shape[1:])}")
        if camera.dim() != 3 or camera.shape[1] != frames or camera.shape[2] != self.blocks[0].cam_encoder.in_features:
            raise ValueError(f"'camera' is {tuple(camera.shape)}: ReCamMaster reads [batch, {frames} latent frames, "
                             f"{self.blocks[0].cam_encoder.in_features}]")
        x = torch.cat([hidden_states, source_latents.to(hidden_states)], dim=2)
        rotary = self.rope(x)
        weight = self.patch_embedding.weight
        dtype = weight.dtype if weight.dtype.is_floating_point and weight.element_size() > 1 else hidden_states.dtype
        x = self.patch_embedding(x.to(dtype))
        f2, hp, wp = x.shape[2:]
        tokens = x.flatten(2).transpose(1, 2)
        t = timestep.reshape(-1)
        t = t[:1].expand(b) if t.numel() == 1 else t
        temb, proj, text, _image = self.condition_embedder(t, encoder_hidden_states, None)
        proj = proj.unflatten(1, (6, -1))
        cam = camera.to(tokens.device).expand(b, -1, -1)
        for block in self.blocks:
            enc = block.cam_encoder(cam.to(block.cam_encoder.weight.dtype))  # [B, F, D]
            enc = enc.repeat(1, 2, 1)  # the target's frames, then the source's: the same poses
            enc = enc[:, :, None, :].expand(-1, -1, hp * wp, -1).reshape(b, f2 * hp * wp, -1)
            tokens = camera_block(block, tokens, text, proj, rotary, enc)
        out_frames = frames // self.config.patch_size[0]
        return video_out(self, tokens[:, :out_frames * hp * wp], temb, (out_frames, hp, wp), return_dict)
