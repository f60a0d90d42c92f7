"""SCAIL-2's denoiser as an extension of diffusers' ``WanTransformer3DModel``.

Written after the released reference code, zai-org/SCAIL-2 at commit
f1b0de45b6f3bc57a328030359bba51c13cffce2, ``wan/modules/model_scail2.py`` (``SCAIL2Model``:
``forward``, ``rope_apply_ref`` / ``rope_apply_video`` / ``rope_apply_pose``, ``unpatchify``), and read
against ComfyUI's ``SCAIL2WanModel`` (comfy/ldm/wan/model.py, Comfy-Org/ComfyUI@56bf436) for the file's
names and shapes (GPL: read, not copied).

What is diffusers' own: the 40 blocks (``WanTransformerBlock``: self-attention, the I2V cross-attention
over CLIP image tokens and text, the feed-forward), the patch embedding (20 channels: the latent's 16 and
4 of mask), the time, text and image embedders, the output norm and projection. What is SCAIL-2's,
written here after the reference:

- the pose embedding ``patch_embedding_pose`` over the driving video's latents at half the size (their
  4 mask channels ones) and the identity-mask embedding ``patch_embedding_mask`` (28 channels: 7 colour
  classes x the 4 frames of a latent) added to the reference and video tokens (the reference's mask,
  then zeros) and to the pose tokens (the driving video's masks);
- one sequence of reference (1 frame, its 4 mask channels ones), video (the noisy latents, their 4 mask
  channels the history mask: ones on the latent frames carried over from the segment before) and pose
  tokens, whose rotary positions are shifted per part: animate mode puts the reference at frame 0 and
  the video and pose from frame 1; replace mode puts all at frame 0 and the reference 120 rows down; the
  pose is 120 columns right, each pose token rotated by the mean of the four complex rotations of the
  full-size cells it covers (``rope_apply_pose``'s 2x2 average of real and imaginary parts);
- the output read from the video tokens alone.

Where ComfyUI differs from the release it is the release that is followed: ComfyUI rotates a pose token
by the angle at its cell's centre (positions 2i + 0.5: a rotation of length 1), the release by the mean
of the four rotations (shorter than 1 where they differ); the trained model saw the release's.

Tensor names are the release's (``patch_embedding_pose``, ``patch_embedding_mask``), so a file in the
original layout (ComfyUI's wan2.1_14B_SCAIL_2_*.safetensors) maps onto it by diffusers' Wan renames.

diffusers is imported when the class is first asked for (``WanSCAIL2Transformer3DModel``, made by
``lazy_denoiser``), not when Studio finds its nodes."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..wan.own_pipeline import lazy_denoiser, video_out, wan_init

POSE_W_SHIFT = 120  # model_scail2.py: rope_W_shift['pose']
REF_H_SHIFT = 120  # rope_H_shift['ref'] in replace mode
MASK_CHANNELS = 28  # 7 colours x 4 frames a latent
HISTORY_CHANNELS = 4  # the mask channels concatenated to every latent (in_dim 20 = 16 + 4)


def rope_offsets(replace: bool) -> dict[str, tuple[int, int, int]]:
    """(frame, row, column) shift of each part's rotary grid (model_scail2.py forward: base_video_shift
    0 in replace mode, else 1; the reference 120 rows down in replace mode; the pose 120 columns right)."""
    base = 0 if replace else 1
    return {"ref": (0, REF_H_SHIFT if replace else 0, 0), "video": (base, 0, 0), "pose": (base, 0, POSE_W_SHIFT)}


def _init(self, patch_size=(1, 2, 2), num_attention_heads: int = 40, attention_head_dim: int = 128,
          in_channels: int = 20, out_channels: int = 16, text_dim: int = 4096, freq_dim: int = 256,
          ffn_dim: int = 13824, num_layers: int = 40, cross_attn_norm: bool = True,
          qk_norm: str | None = "rms_norm_across_heads", eps: float = 1e-6, image_dim: int | None = 1280,
          added_kv_proj_dim: int | None = 5120, rope_max_seq_len: int = 1024, mask_channels: int = MASK_CHANNELS):
    """WanSCAIL2Transformer3DModel.__init__ (the defaults are the released 14B's): diffusers' Wan 2.1 I2V
    with SCAIL-2's pose and mask embeddings beside its patch embedding."""
    wan_init(self, locals())
    dim = num_attention_heads * attention_head_dim
    self.patch_embedding_pose = nn.Conv3d(in_channels, dim, kernel_size=patch_size, stride=patch_size)
    if mask_channels:
        self.patch_embedding_mask = nn.Conv3d(mask_channels, dim, kernel_size=patch_size, stride=patch_size)


# WanSCAIL2Transformer3DModel: ``SCAIL2Denoiser``'s methods on diffusers' WanTransformer3DModel, its ``__init__``
# registered as its config, made when first asked for
__getattr__ = lazy_denoiser(__name__, "WanSCAIL2Transformer3DModel", lambda: SCAIL2Denoiser, _init)


def grid_rotary(rope, f: int, h: int, w: int, shift: tuple[int, int, int]):
    """(cos, sin) [f*h*w, head_dim] of a token grid whose (frame, row, column) start at ``shift``, from
    diffusers' Wan tables (rope_apply_video / rope_apply_ref's slices freqs[shift:shift+n])."""
    split = [rope.t_dim, rope.h_dim, rope.w_dim]
    out = []
    for table in (rope.freqs_cos, rope.freqs_sin):
        t_, h_, w_ = table.split(split, dim=1)
        st, sh, sw = shift
        if max(st + f, sh + h, sw + w) > table.shape[0]:
            raise ValueError(f"a {f}x{h}x{w} grid shifted by {shift} passes the rotary tables' {table.shape[0]} positions")
        parts = [t_[st:st + f].view(f, 1, 1, -1).expand(f, h, w, -1),
                 h_[sh:sh + h].view(1, h, 1, -1).expand(f, h, w, -1),
                 w_[sw:sw + w].view(1, 1, w, -1).expand(f, h, w, -1)]
        out.append(torch.cat(parts, dim=-1))
    return out  # [f, h, w, d] each


def pose_rotary(rope, f: int, h: int, w: int, shift: tuple[int, int, int]):
    """(cos, sin) [f*(h/2)*(w/2), head_dim] of the pose tokens: the full-size grid's (``h`` x ``w``, the
    video's) rotations averaged over each 2x2 cell, real and imaginary parts apart (rope_apply_pose's
    avg_pool2d of freqs_i.real and freqs_i.imag)."""
    out = []
    for t in grid_rotary(rope, f, h, w, shift):
        pooled = F.avg_pool2d(t.permute(0, 3, 1, 2).float(), kernel_size=2, stride=2).permute(0, 2, 3, 1)
        out.append(pooled.reshape(-1, t.shape[-1]))
    return out


class SCAIL2Denoiser:
    """SCAIL-2's denoiser: diffusers' Wan 2.1 I2V blocks over one sequence of reference, video and pose
    tokens (the methods of WanSCAIL2Transformer3DModel)."""

    def rotary(self, frames: int, hp: int, wp: int, replace: bool, device):
        """(cos, sin) [1, L, 1, head_dim] of the reference (1 x hp x wp), video (frames x hp x wp) and pose
        (frames x hp/2 x wp/2) tokens, in that order."""
        s = rope_offsets(replace)
        ref = [t.reshape(-1, t.shape[-1]) for t in grid_rotary(self.rope, 1, hp, wp, s["ref"])]
        vid = [t.reshape(-1, t.shape[-1]) for t in grid_rotary(self.rope, frames, hp, wp, s["video"])]
        pose = pose_rotary(self.rope, frames, hp, wp, s["pose"])
        return tuple(torch.cat([a.float(), b.float(), c.float()])[None, :, None].to(device)
                     for a, b, c in zip(ref, vid, pose))

    def _tokens(self, latents, ref_latents, pose_latents, history_mask, ref_masks, driving_masks):
        """(tokens [B, L, D], video-token count, (frames, hp, wp) of the video grid)."""
        b, _, f, h, w = latents.shape
        four = latents.new_zeros(b, HISTORY_CHANNELS, f, h, w) if history_mask is None else history_mask.to(latents)
        x = torch.cat([latents, four], dim=1)
        ref = torch.cat([ref_latents, torch.ones_like(ref_latents[:, :HISTORY_CHANNELS])], dim=1).to(x)
        pose = torch.cat([pose_latents, torch.ones_like(pose_latents[:, :HISTORY_CHANNELS])], dim=1).to(x)
        x = self.patch_embedding(torch.cat([ref, x], dim=2))
        p = self.patch_embedding_pose(pose)
        if not hasattr(self, "patch_embedding_mask") and (ref_masks is not None or driving_masks is not None):
            raise ValueError("identity masks given to a denoiser with no mask embedding (SCAIL-Preview's): it has "
                             "nothing to read them with")
        if hasattr(self, "patch_embedding_mask"):
            if ref_masks is not None:
                x = x + self.patch_embedding_mask(ref_masks.to(x))
            if driving_masks is not None:
                p = p + self.patch_embedding_mask(driving_masks.to(p))
        grid = (x.shape[2] - 1, x.shape[3], x.shape[4])
        tokens = torch.cat([x.flatten(2).transpose(1, 2), p.flatten(2).transpose(1, 2)], dim=1)
        return tokens.contiguous(), grid

    def forward(self, hidden_states, timestep, encoder_hidden_states, encoder_hidden_states_image=None,
                ref_latents=None, pose_latents=None, history_mask=None, ref_masks=None, driving_masks=None,
                replace: bool = False, return_dict: bool = True, attention_kwargs=None, **_):
        """One SCAIL-2 segment (model_scail2.py SCAIL2Model.forward): ``hidden_states`` [B, 16, F, H, W] noisy
        latents; ``ref_latents`` [B, 16, 1, H, W] the reference; ``pose_latents`` [B, 16, F, H/2, W/2] the
        driving video's at half size; ``history_mask`` [B, 4, F, H, W] (ones on the latent frames carried
        from the segment before; None: zeros); ``ref_masks`` [B, 28, 1 + F, H, W] (the reference's identity
        mask, then zeros); ``driving_masks`` [B, 28, F, H/2, W/2]; ``replace``: replace mode's rotary
        positions (else animate mode's); ``encoder_hidden_states_image`` CLIP's penultimate states."""
        b, _, frames, height, width = hidden_states.shape
        if ref_latents is None or pose_latents is None:
            raise ValueError("SCAIL-2's denoiser needs the reference latents and the pose latents")
        if tuple(pose_latents.shape[2:]) != (frames, height // 2, width // 2):
            raise ValueError(f"the pose latents are {tuple(pose_latents.shape[2:])}: SCAIL-2 reads them at half the "
                             f"video's size, {(frames, height // 2, width // 2)}")
        tokens, (f, hp, wp) = self._tokens(hidden_states, ref_latents, pose_latents, history_mask, ref_masks,
                                           driving_masks)
        n_ref, n_vid = hp * wp, f * hp * wp
        rotary = self.rotary(f, hp, wp, bool(replace), tokens.device)
        t = timestep.reshape(-1)
        t = t[:1].expand(b) if t.numel() == 1 else t
        temb, proj, text, image = self.condition_embedder(t, encoder_hidden_states, encoder_hidden_states_image)
        proj = proj.unflatten(1, (6, -1))
        if image is not None:
            text = torch.cat([image, text], dim=1)
        for block in self.blocks:
            tokens = block(tokens, text, proj, rotary)
        x = tokens[:, n_ref:n_ref + n_vid]
        return video_out(self, x, temb, (f, hp, wp), return_dict)
