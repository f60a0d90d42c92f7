"""SteadyDancer's denoiser as an extension of diffusers' ``WanTransformer3DModel``.

Written after the released reference code, MCG-NJU/SteadyDancer at commit
866a7219e74923d9486ab611cd981b15e5d959e5 (Apache-2.0): ``wan/modules/model_dancer.py`` (``WanModel``: its
``__init__`` and ``forward``), ``wan/modules/small_archs.py`` (``FactorConv3d``, ``LayerNorm2D``,
``PoseRefNetNoBNV3``) and ``wan/modules/mobilenetv2_dcd.py`` (``DYModule``, ``SEModule_small``, ``Hsigmoid``);
the modules below are written here after those (their parameter names kept, so the released file and
Kijai's ComfyUI file, which keeps the release's names, load onto them).

What is diffusers' own: the 40 blocks (self-attention, the I2V cross-attention over CLIP image tokens and
text, the feed-forward), the patch embedding (36 channels), the time, text and image embedders, the output
norm and projection. What is SteadyDancer's:

- the pose latents (``condition``, the VAE's 16 channels of the pose video) refined twice and summed with
  themselves: per frame by a dynamic 1x1 convolution (``condition_embedding_spatial``), over time by three
  factorised 3x3x3 convolutions each followed by SiLU (``condition_embedding_temporal``); the sum aligned to
  the noisy latents by a small attention unit (``condition_embedding_align``: per latent pixel, across the
  latent frames, the noisy latents asking the pose);
- the noisy latents with the image-to-video conditioning (36 channels), the fused pose and the aligned
  pose embedded by ``patch_embedding_fuse`` (68 channels in) in place of the patch embedding;
- two more latent frames after the video's: the reference (``ref_x``: its latents, 4 mask channels of
  ones, its latents again, through the patch embedding) and the pose of the first frame (``ref_c``: its 16
  latent channels through ``patch_embedding_ref_c``); their tokens rotated as frames F and F + 1;
- the CLIP image tokens of the reference and of the first pose frame, each through the image embedder,
  summed;
- the output read from the video's frames alone.

diffusers is imported when the class is first asked for (``WanSteadyDancerTransformer3DModel``, made by
``lazy_denoiser``), not when Studio finds its nodes."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..wan.own_pipeline import lazy_denoiser, video_out, wan_init

POSE_CHANNELS = 16  # in_dim_c: the VAE's latent channels of the pose video
ALIGN_WIDTH, ALIGN_HEADS = 128, 8  # PoseRefNetNoBNV3(hidden_dim=128, num_heads=8)
EXTRA = ("patch_embedding_fuse.", "patch_embedding_ref_c.", "condition_embedding_spatial.",
         "condition_embedding_temporal.", "condition_embedding_align.")  # the tensors SteadyDancer adds to Wan 2.1 I2V


def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """relu6(x + 3) / 3 (mobilenetv2_dcd.py Hsigmoid: a gate in [0, 2])."""
    return F.relu6(x + 3.0) / 3.0


class _Gate(nn.Module):
    """x * hard_sigmoid(fc(x)) (SEModule_small: ``fc.0`` a square Linear without bias)."""

    def __init__(self, width: int):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(width, width, bias=False))

    def forward(self, x):
        return x * hard_sigmoid(self.fc(x))


class DynamicPointwise(nn.Module):
    """A 1x1 convolution plus a per-image dynamic one (DYModule(inp, oup) with inp == oup, as SteadyDancer
    builds it: pooled to 1x1, a squeeze of ``max(inp, dim^2) // 8`` (at least 4), a ``dim`` x ``dim`` matrix and
    an output scale from it, group norms of 4 groups)."""

    def __init__(self, channels: int):
        super().__init__()
        dim, reduction = channels // 2, 2  # inp == oup: mul 1, reduction 2, halved while dim^2 > 2 * inp
        while dim ** 2 > channels * 2:
            reduction *= 2
            dim = channels // reduction
        self.dim = max(dim, 4)
        squeeze = max(4, max(channels, self.dim ** 2) // 8)
        self.conv = nn.Conv2d(channels, channels, 1, bias=False)
        self.conv_q = nn.Conv2d(channels, self.dim, 1, bias=False)
        self.fc = nn.Sequential(nn.Linear(channels, squeeze, bias=False), _Gate(squeeze))
        self.fc_phi = nn.Linear(squeeze, self.dim ** 2, bias=False)
        self.fc_scale = nn.Linear(squeeze, channels, bias=False)
        self.conv_p = nn.Conv2d(self.dim, channels, 1, bias=False)
        self.bn1 = nn.GroupNorm(4, self.dim)
        self.bn2 = nn.GroupNorm(4, self.dim)

    def forward(self, x):  # [N, C, H, W]
        n, c, h, w = x.shape
        squeezed = self.fc(x.mean(dim=(2, 3)))
        phi = self.fc_phi(squeezed).view(n, self.dim, self.dim)
        scaled = hard_sigmoid(self.fc_scale(squeezed)).view(n, -1, 1, 1) * self.conv(x)
        q = self.bn1(self.conv_q(x)).view(n, self.dim, h * w)
        q = self.bn2(torch.matmul(phi, q)) + q
        return self.conv_p(q.view(n, self.dim, h, w)) + scaled


class FactorisedConv3d(nn.Module):
    """A depthwise 1xkxk convolution (no bias), SiLU, then a kx1x1 one across time (FactorConv3d, stride 1)."""

    def __init__(self, channels: int, k: int = 3):
        super().__init__()
        self.spatial = nn.Conv3d(channels, channels, (1, k, k), padding=(0, k // 2, k // 2), groups=channels,
                                 bias=False)
        self.temporal = nn.Conv3d(channels, channels, (k, 1, 1), padding=(k // 2, 0, 0))

    def forward(self, x):
        return self.temporal(F.silu(self.spatial(x)))


class ChannelNorm(nn.Module):
    """Layer norm over the channels of [N, C, H, W] (LayerNorm2D: eps 1e-5, weight and bias [1, C, 1, 1])."""

    def __init__(self, channels: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(1, channels, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def forward(self, x):
        mean = x.mean(dim=1, keepdim=True)
        var = x.var(dim=1, keepdim=True, unbiased=False)
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias


class PoseAlignment(nn.Module):
    """The frame-wise attention alignment unit (PoseRefNetNoBNV3(16, 16, 128, 8)): the pose and the noisy
    latents projected to 128 channels; attention whose sequence is the latent frames and whose batch is the
    latent pixels (the release hands [B*T, H*W, 128] to a sequence-first nn.MultiheadAttention), the latents
    asking the pose; norm, a residual 1x1 feed-forward, norm, back to 16 channels."""

    def __init__(self, pose_channels: int = POSE_CHANNELS, latent_channels: int = POSE_CHANNELS,
                 width: int = ALIGN_WIDTH, heads: int = ALIGN_HEADS):
        super().__init__()
        self.proj_p = nn.Conv2d(pose_channels, width, 1)
        self.proj_r = nn.Conv2d(latent_channels, width, 1)
        self.proj_p_back = nn.Conv2d(width, pose_channels, 1)
        self.cross_attn = nn.MultiheadAttention(width, heads)  # dropout only in training: none here
        self.ffn_pose = nn.Sequential(nn.Conv2d(width, width, 1), nn.SiLU(), nn.Conv2d(width, width, 1))
        self.norm1 = ChannelNorm(width)
        self.norm2 = ChannelNorm(width)

    def forward(self, pose, latents):  # [B, C, T, H, W] each
        b, _, t, h, w = pose.shape
        p = self.proj_p(pose.transpose(1, 2).flatten(0, 1)).flatten(2).transpose(1, 2)  # [B*T, H*W, width]
        r = self.proj_r(latents.transpose(1, 2).flatten(0, 1)).flatten(2).transpose(1, 2)
        out = self.cross_attn(r, p, p, need_weights=False)[0]  # sequence B*T, batch H*W
        out = self.norm1(out.transpose(1, 2).reshape(b * t, -1, h, w))
        out = self.norm2(out + self.ffn_pose(out))
        return self.proj_p_back(out).view(b, t, -1, h, w).transpose(1, 2)


def _init(self, patch_size=(1, 2, 2), num_attention_heads: int = 40, attention_head_dim: int = 128,
          in_channels: int = 36, out_channels: int = 16, text_dim: int = 4096, freq_dim: int = 256,
          ffn_dim: int = 13824, num_layers: int = 40, cross_attn_norm: bool = True,
          qk_norm: str | None = "rms_norm_across_heads", eps: float = 1e-6, image_dim: int | None = 1280,
          added_kv_proj_dim: int | None = 5120, rope_max_seq_len: int = 1024, pose_channels: int = POSE_CHANNELS):
    """WanSteadyDancerTransformer3DModel.__init__ (the defaults are the released 14B's): diffusers' Wan 2.1 I2V
    with SteadyDancer's pose modules and embeddings (model_dancer.py WanModel.__init__)."""
    wan_init(self, locals())
    dim, c = num_attention_heads * attention_head_dim, pose_channels
    self.patch_embedding_fuse = nn.Conv3d(in_channels + 2 * c, dim, kernel_size=patch_size, stride=patch_size)
    self.patch_embedding_ref_c = nn.Conv3d(c, dim, kernel_size=patch_size, stride=patch_size)
    self.condition_embedding_spatial = DynamicPointwise(c)
    self.condition_embedding_temporal = nn.Sequential(FactorisedConv3d(c), nn.SiLU(), FactorisedConv3d(c), nn.SiLU(),
                                                      FactorisedConv3d(c), nn.SiLU())
    self.condition_embedding_align = PoseAlignment(c, out_channels)


# WanSteadyDancerTransformer3DModel: ``SteadyDancerDenoiser``'s methods on diffusers' WanTransformer3DModel, its
# ``__init__`` registered as its config, made when first asked for
__getattr__ = lazy_denoiser(__name__, "WanSteadyDancerTransformer3DModel", lambda: SteadyDancerDenoiser, _init)


class SteadyDancerDenoiser:
    """SteadyDancer's denoiser: diffusers' Wan 2.1 I2V blocks over the video's tokens (noisy latents,
    image-to-video conditioning and the refined pose embedded together), then the reference's and the first
    pose frame's (the methods of WanSteadyDancerTransformer3DModel)."""

    # the pose branch is small (1.8 M parameters) and computed in float32, as its norms need
    _keep_in_fp32_modules = ["rope", "time_embedder", "scale_shift_table", "norm1", "norm2", "norm3",
                             "condition_embedding_spatial", "condition_embedding_temporal", "condition_embedding_align"]

    def pose_features(self, condition, latents, spatial_strength: float = 1.0, temporal_strength: float = 1.0):
        """(fused, aligned) [B, 16, F, H, W] of the pose latents ``condition`` and the noisy ``latents``
        (model_dancer.py forward: condition + temporal(condition) + spatial(condition), then the alignment; the
        strengths scale the two refinements as kijai's WanVideoWrapper does, 1 and 1 being the release)."""
        c = condition.float()
        b, ch, f, h, w = c.shape
        temporal = self.condition_embedding_temporal(c)
        spatial = self.condition_embedding_spatial(c.transpose(1, 2).reshape(b * f, ch, h, w))
        fused = c + temporal * temporal_strength + spatial.view(b, f, ch, h, w).transpose(1, 2) * spatial_strength
        return fused, self.condition_embedding_align(fused, latents.float())

    def _tokens(self, hidden_states, image_latents, condition, ref_x, ref_c, strengths=(1.0, 1.0)):
        """(tokens [B, L, D], (frames, hp, wp) of the video grid)."""
        fused, aligned = self.pose_features(condition, hidden_states, *strengths)
        weight = self.patch_embedding_fuse.weight
        dtype = weight.dtype if weight.dtype.is_floating_point and weight.element_size() > 1 else hidden_states.dtype
        x = torch.cat([hidden_states, image_latents.to(hidden_states), fused.to(hidden_states),
                       aligned.to(hidden_states)], dim=1)
        x = self.patch_embedding_fuse(x.to(dtype))
        rx = self.patch_embedding(ref_x.to(dtype))
        rc = self.patch_embedding_ref_c(ref_c[:, :self.patch_embedding_ref_c.in_channels].to(dtype))
        grid = tuple(x.shape[2:])
        x = torch.cat([x, rx, rc], dim=2)
        return x.flatten(2).transpose(1, 2).contiguous(), grid

    def forward(self, hidden_states, timestep, encoder_hidden_states, encoder_hidden_states_image=None,
                image_latents=None, condition=None, ref_x=None, ref_c=None, pose_image_embeds=None,
                pose_strength_spatial: float = 1.0, pose_strength_temporal: float = 1.0, return_dict: bool = True,
                attention_kwargs=None, **_):
        """One step (model_dancer.py WanModel.forward): ``hidden_states`` [B, 16, F, H, W] noisy latents;
        ``image_latents`` [B, 20, F, H, W] the image-to-video conditioning (4 mask channels, then the latents of
        the reference followed by black frames); ``condition`` [B, 16, F, H, W] the pose video's latents;
        ``ref_x`` [B, 36, 1, H, W] (the reference's latents, 4 mask channels of ones, its latents again); ``ref_c``
        [B, 16 or more, 1, H, W] the first pose frame's latents; ``encoder_hidden_states_image`` and
        ``pose_image_embeds`` CLIP's penultimate states of the reference and of the first pose frame;
        ``pose_strength_spatial`` / ``_temporal`` (kijai's WanVideoWrapper's; 1: the release) scale the pose's two
        refinements."""
        b, _, frames, height, width = hidden_states.shape
        p_t = self.config.patch_size[0]
        for name, t, want in (("image_latents", image_latents, (frames, height, width)),
                              ("condition", condition, (frames, height, width)),
                              ("ref_x", ref_x, (1, height, width)), ("ref_c", ref_c, (1, height, width))):
            if t is None:
                raise ValueError(f"SteadyDancer's denoiser needs '{name}'")
            if tuple(t.shape[2:]) != want:
                raise ValueError(f"'{name}' is {tuple(t.shape[2:])} (frames, height, width): SteadyDancer reads it at "
                                 f"{want}")
        tokens, (f, hp, wp) = self._tokens(hidden_states, image_latents, condition, ref_x, ref_c,
                                           (float(pose_strength_spatial), float(pose_strength_temporal)))
        rotary = self.rope(hidden_states.new_empty(1, 1, (f + 2) * p_t, height, width, device="meta"))
        rotary = tuple(r.to(tokens.device) for r in rotary)
        t = timestep.reshape(-1)
        t = t[:1].expand(b) if t.numel() == 1 else t
        temb, proj, text, image = self.condition_embedder(t, encoder_hidden_states, encoder_hidden_states_image)
        proj = proj.unflatten(1, (6, -1))
        if image is not None:
            if pose_image_embeds is not None:
                image = image + self.condition_embedder.image_embedder(pose_image_embeds)
            text = torch.cat([image, text], dim=1)
        for block in self.blocks:
            tokens = block(tokens, text, proj, rotary)
        x = tokens[:, :f * hp * wp]
        return video_out(self, x, temb, (f, hp, wp), return_dict)
