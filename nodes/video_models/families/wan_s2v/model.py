"""Wan 2.2 S2V's denoiser as an extension of diffusers' ``WanTransformer3DModel``.

Written after the released reference code, Wan-Video/Wan2.2 at commit
42bf4cfaa384bc21833865abc2f9e6c0e67233dc (Apache-2.0): ``wan/modules/s2v/model_s2v.py``
(``WanModel_S2V``, ``WanS2VAttentionBlock``), ``audio_utils.py`` (``CausalAudioEncoder``,
``AudioInjector_WAN``), ``auxi_blocks.py`` (``CausalConv1d``, ``MotionEncoder_tc``), ``motioner.py``
(``FramePackMotioner``) and ``s2v_utils.py`` (``rope_precompute``), with the released configuration
(``wan/configs/wan_s2v_14B.py``: frame packing, AdaIN audio, zero timestep for the reference and
motion tokens, pose conditioning ``cond_dim`` 16).

What is diffusers' own: the 40 blocks (``WanTransformerBlock``: a per-token modulation, as Wan 2.2
TI2V's, carries S2V's two segments: the noisy tokens modulated by the step's timestep, the reference
and motion tokens by timestep 0), the patch embedding, the time and text embedders, the output norm
and projection, the audio cross-attention (``WanAttention``) and AdaIN (``AdaLayerNorm``). What is
S2V's, written here after the reference: the causal audio encoder over wav2vec2's stacked hidden
states, the audio injection after chosen blocks (per latent frame, the frame's tokens attend to its
audio tokens), the reference latent's tokens (rotary frame 30), the frame-packed motion latents
(rotary frames -1, -3 and -19..-4), the pose convolution and the token-kind embedding.

Tensor names are the release's (``casual_audio_encoder``, ``audio_injector``, ``frame_packer``,
``trainable_cond_mask``, ``cond_encoder``), so a file in the original layout maps onto it by the
renames in ``convert.py``.

diffusers is imported when the class is first asked for (``WanS2VTransformer3DModel``, made by
``lazy_denoiser`` from ``S2VDenoiser``'s methods and diffusers' class), not when Studio finds its nodes."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..wan.own_pipeline import lazy_denoiser, wan_init

REF_FRAME = 30  # the reference latent's rotary frame (model_s2v.py: ref_grid_sizes [30, 0, 0] .. [31, h, w])
RELEASED_INJECT = (0, 4, 8, 12, 16, 20, 24, 27, 30, 33, 36, 39)  # wan_s2v_14B.py audio_inject_layers


class CausalConv1d(nn.Module):
    """auxi_blocks.py CausalConv1d: pad (k - 1, 0) by replication on the time axis, then convolve."""

    def __init__(self, chan_in: int, chan_out: int, kernel_size: int = 3, stride: int = 1):
        super().__init__()
        self.pad = (kernel_size - 1, 0)
        self.conv = nn.Conv1d(chan_in, chan_out, kernel_size, stride=stride)

    def forward(self, x):
        return self.conv(F.pad(x, self.pad, mode="replicate"))


class MotionEncoderTC(nn.Module):
    """auxi_blocks.py MotionEncoder_tc: [B, T, C] audio to [B, T/4, heads + 1, D] local tokens (a learnt
    padding token last) and, with ``need_global``, [B, T/4, 1, D] global ones (AdaIN's)."""

    def __init__(self, in_dim: int, hidden_dim: int, num_heads: int, need_global: bool = True):
        super().__init__()
        self.num_heads, self.need_global = num_heads, need_global
        self.conv1_local = CausalConv1d(in_dim, hidden_dim // 4 * num_heads, 3, stride=1)
        if need_global:
            self.conv1_global = CausalConv1d(in_dim, hidden_dim // 4, 3, stride=1)
            self.final_linear = nn.Linear(hidden_dim, hidden_dim)
        self.conv2 = CausalConv1d(hidden_dim // 4, hidden_dim // 2, 3, stride=2)
        self.conv3 = CausalConv1d(hidden_dim // 2, hidden_dim, 3, stride=2)
        self.norm1 = nn.LayerNorm(hidden_dim // 4, elementwise_affine=False, eps=1e-6)
        self.norm2 = nn.LayerNorm(hidden_dim // 2, elementwise_affine=False, eps=1e-6)
        self.norm3 = nn.LayerNorm(hidden_dim, elementwise_affine=False, eps=1e-6)
        self.act = nn.SiLU()
        self.padding_tokens = nn.Parameter(torch.zeros(1, 1, 1, hidden_dim))

    def _down(self, x):  # [N, C, T] after conv1 -> [N, T/4, D]
        x = self.act(self.norm1(x.transpose(1, 2))).transpose(1, 2)
        x = self.act(self.norm2(self.conv2(x).transpose(1, 2))).transpose(1, 2)
        return self.act(self.norm3(self.conv3(x).transpose(1, 2)))

    def forward(self, x):
        b = x.shape[0]
        x = x.transpose(1, 2)  # b c t
        loc = self.conv1_local(x)  # b (n c) t
        n, t = self.num_heads, loc.shape[-1]
        loc = loc.reshape(b, n, -1, t).reshape(b * n, -1, t)
        loc = self._down(loc)  # (b n) t' c
        loc = loc.reshape(b, n, loc.shape[1], -1).permute(0, 2, 1, 3)  # b t' n c
        loc = torch.cat([loc, self.padding_tokens.to(loc.dtype).expand(b, loc.shape[1], 1, -1)], dim=2)
        if not self.need_global:
            return loc
        glo = self.final_linear(self._down(self.conv1_global(x)))  # b t' c
        return glo[:, :, None], loc


class CausalAudioEncoder(nn.Module):
    """audio_utils.py CausalAudioEncoder: wav2vec2's hidden states [B, layers, C, T] weighted by
    silu(weights) (normalised to sum 1) into [B, T, C], then ``MotionEncoderTC``."""

    def __init__(self, dim: int, num_layers: int, out_dim: int, num_token: int, need_global: bool):
        super().__init__()
        self.encoder = MotionEncoderTC(dim, out_dim, num_token, need_global)
        self.weights = nn.Parameter(torch.ones((1, num_layers, 1, 1)) * 0.01)

    def forward(self, features):
        w = F.silu(self.weights.float())
        x = (features.float() * w / w.sum(dim=1, keepdim=True)).sum(dim=1).permute(0, 2, 1)
        return self.encoder(x.to(self.weights.dtype))


class AudioInjector(nn.Module):
    """audio_utils.py AudioInjector_WAN: per injected block, an AdaIN (or a plain LayerNorm) of the
    video tokens and a cross-attention from them to the frame's audio tokens (diffusers' classes)."""

    def __init__(self, dim: int, heads: int, count: int, adain: bool):
        from diffusers.models.normalization import AdaLayerNorm
        from diffusers.models.transformers.transformer_wan import WanAttention, WanAttnProcessor
        super().__init__()
        self.injector = nn.ModuleList([
            WanAttention(dim=dim, heads=heads, dim_head=dim // heads, eps=1e-6, cross_attention_dim_head=dim // heads,
                         processor=WanAttnProcessor()) for _ in range(count)])
        self.injector_pre_norm_feat = nn.ModuleList([nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
                                                     for _ in range(count)])
        if adain:
            self.injector_adain_layers = nn.ModuleList([AdaLayerNorm(output_dim=dim * 2, embedding_dim=dim, chunk_dim=1)
                                                        for _ in range(count)])


class FramePackMotioner(nn.Module):
    """motioner.py FramePackMotioner: the last sum(buckets) motion latents (zero-padded in front) packed
    nearest first: the last ``buckets[0]`` at full size, the next ``buckets[1]`` 2x and the farthest
    ``buckets[2]`` 4x smaller in time and space."""

    def __init__(self, channels: int, inner_dim: int, buckets=(1, 2, 16)):
        super().__init__()
        self.proj = nn.Conv3d(channels, inner_dim, kernel_size=(1, 2, 2), stride=(1, 2, 2))
        self.proj_2x = nn.Conv3d(channels, inner_dim, kernel_size=(2, 4, 4), stride=(2, 4, 4))
        self.proj_4x = nn.Conv3d(channels, inner_dim, kernel_size=(4, 8, 8), stride=(4, 8, 8))
        self.buckets = tuple(int(b) for b in buckets)

    def forward(self, motion):
        b, c, t, h, w = motion.shape
        n = sum(self.buckets)
        padded = motion.new_zeros(b, c, n, h, w)
        k = min(n, t)
        if k:
            padded[:, :, -k:] = motion[:, :, -k:]
        far, mid, near = padded.split(list(self.buckets)[::-1], dim=2)
        parts = [self.proj(near), self.proj_2x(mid), self.proj_4x(far)]
        return torch.cat([p.flatten(2).transpose(1, 2) for p in parts], dim=1)

    def positions(self, h: int, w: int) -> torch.Tensor:
        """The rotary (frame, row, column) of each packed token, as the reference's grid_sizes give them
        to rope_precompute (latent size ``h`` x ``w``)."""
        b0, b1, b2 = self.buckets
        hp, wp = h // 2, w // 2
        return torch.cat([grid_positions((-b0, 0, 0), (-b0 + b0, hp, wp), (b0, hp, wp)),
                          grid_positions((-(b0 + b1), 0, 0), (-(b0 + b1) + b1 // 2, h // 4, w // 4), (b1, hp, wp)),
                          grid_positions((-(b0 + b1 + b2), 0, 0), (-(b0 + b1 + b2) + b2 // 4, h // 8, w // 8),
                                         (b2, hp, wp))])


def _sampled(o: int, end: int, span: int) -> list[int]:
    """s2v_utils.rope_precompute's positions on one axis: ``end - o`` of them spread over ``span``
    from ``o`` (a negative start counts backwards: the conjugate rotation, a negative position)."""
    n = end - o
    if o >= 0:
        return np.linspace(o, span + o - 1, n).astype(int).tolist()
    return [-v for v in np.linspace(-o, -span - o + 1, n).astype(int).tolist()]


def grid_positions(start, end, span) -> torch.Tensor:
    """[n, 3] rotary positions of a token grid, as ``rope_precompute`` samples them from its
    (start, end, range) grid sizes."""
    f, r, c = (_sampled(start[i], end[i], span[i]) for i in range(3))
    g = torch.stack(torch.meshgrid(torch.tensor(f), torch.tensor(r), torch.tensor(c), indexing="ij"), dim=-1)
    return g.reshape(-1, 3)


def _init(self, patch_size=(1, 2, 2), num_attention_heads: int = 40, attention_head_dim: int = 128,
          in_channels: int = 16, out_channels: int = 16, text_dim: int = 4096, freq_dim: int = 256,
          ffn_dim: int = 13824, num_layers: int = 40, cross_attn_norm: bool = True,
          qk_norm: str | None = "rms_norm_across_heads", eps: float = 1e-6, rope_max_seq_len: int = 1024,
          audio_dim: int = 1024, audio_layers: int = 25, num_audio_token: int = 4,
          audio_inject_layers=RELEASED_INJECT, enable_adain: bool = True, cond_dim: int = 16,
          zero_timestep: bool = True, framepack_buckets=(1, 2, 16), motion_frames: int = 73):
    """WanS2VTransformer3DModel.__init__ (the defaults are the release's wan_s2v_14B.py): diffusers' Wan
    with S2V's modules beside its blocks."""
    wan_init(self, locals())
    dim = num_attention_heads * attention_head_dim
    if cond_dim:
        self.cond_encoder = nn.Conv3d(cond_dim, dim, kernel_size=patch_size, stride=patch_size)
    self.casual_audio_encoder = CausalAudioEncoder(audio_dim, audio_layers, dim, num_audio_token, enable_adain)
    self.audio_injector = AudioInjector(dim, num_attention_heads, len(audio_inject_layers), enable_adain)
    self.trainable_cond_mask = nn.Embedding(3, dim)
    self.frame_packer = FramePackMotioner(in_channels, dim, framepack_buckets)
    self._inject_at = {int(b): i for i, b in enumerate(audio_inject_layers)}


# WanS2VTransformer3DModel: ``S2VDenoiser``'s methods on diffusers' WanTransformer3DModel, its ``__init__``
# registered as its config, made when first asked for
__getattr__ = lazy_denoiser(__name__, "WanS2VTransformer3DModel", lambda: S2VDenoiser, _init)


class S2VDenoiser:
    """Wan S2V's denoiser: diffusers' Wan blocks with S2V's audio, reference, motion and pose inputs
    (the methods of WanS2VTransformer3DModel)."""

    @property
    def lat_motion_frames(self) -> int:
        """Latent frames of the motion frames (speech2video.py: (motion_frames + 3) // 4)."""
        return (int(self.config.motion_frames) + 3) // 4

    def rotary(self, positions: torch.Tensor, device):
        """(cos, sin) [1, n, 1, head_dim] for (frame, row, column) positions, from diffusers' Wan tables
        (a negative position: the conjugate rotation, as rope_precompute's .conj())."""
        r = self.rope
        cos_t = r.freqs_cos.split([r.t_dim, r.h_dim, r.w_dim], dim=1)
        sin_t = r.freqs_sin.split([r.t_dim, r.h_dim, r.w_dim], dim=1)
        cos, sin = [], []
        for axis in range(3):
            p = positions[:, axis].to(cos_t[axis].device)
            cos.append(cos_t[axis][p.abs()])
            sin.append(sin_t[axis][p.abs()] * p.sign().where(p != 0, torch.ones_like(p))[:, None])
        return torch.cat(cos, -1)[None, :, None].to(device), torch.cat(sin, -1)[None, :, None].to(device)

    def audio_tokens(self, audio_input: torch.Tensor):
        """(global [B, F, 1, D] or None, local [B, F, n, D]) audio tokens per latent frame: the window's
        features [B, layers, C, T] with the first repeated over the motion frames in front, encoded, the
        motion frames' latent frames cut off (model_s2v.py forward)."""
        m, lat_m = int(self.config.motion_frames), self.lat_motion_frames
        a = torch.cat([audio_input[..., :1].expand(*audio_input.shape[:-1], m), audio_input], dim=-1)
        res = self.casual_audio_encoder(a)
        if self.config.enable_adain:
            return res[0][:, lat_m:], res[1][:, lat_m:]
        return None, res[:, lat_m:]

    def _inject(self, i: int, hs: torch.Tensor, n: int, glo, loc) -> torch.Tensor:
        """model_s2v.py after_transformer_block: each latent frame's video tokens attend to its audio tokens."""
        b, frames = loc.shape[0], loc.shape[1]
        x = hs[:, :n].reshape(b * frames, n // frames, -1)
        inj = self.audio_injector
        if glo is not None:
            x = inj.injector_adain_layers[i](x, temb=glo.reshape(b * frames, -1).to(x.dtype))
        else:
            x = inj.injector_pre_norm_feat[i](x)
        out = inj.injector[i](x, loc.reshape(b * frames, loc.shape[2], -1).to(x.dtype))
        hs = hs.clone()
        hs[:, :n] = hs[:, :n] + out.reshape(b, n, -1)
        return hs

    def _tokens(self, hidden_states, ref_latents, motion_latents, cond_states, drop_motion):
        """(tokens [B, L, D], rotary positions [L, 3], kinds [L] (0 noisy, 1 reference, 2 motion), noisy count)."""
        x = self.patch_embedding(hidden_states)
        if cond_states is not None and hasattr(self, "cond_encoder"):
            x = x + self.cond_encoder(cond_states.to(x.dtype))
        _, _, f, h, w = x.shape
        x = x.flatten(2).transpose(1, 2)
        ref = self.patch_embedding(ref_latents).flatten(2).transpose(1, 2)
        pos = [grid_positions((0, 0, 0), (f, h, w), (f, h, w)),
               grid_positions((REF_FRAME, 0, 0), (REF_FRAME + 1, h, w), (1, h, w))]
        parts = [x, ref]
        if not drop_motion:
            parts.append(self.frame_packer(motion_latents.to(x.dtype)))
            pos.append(self.frame_packer.positions(motion_latents.shape[3], motion_latents.shape[4]))
        kinds = torch.cat([torch.full((x.shape[1],), 0), torch.full((ref.shape[1],), 1),
                           torch.full((sum(p.shape[1] for p in parts[2:]),), 2)]).to(x.device)
        return torch.cat(parts, dim=1), torch.cat(pos), kinds, x.shape[1]

    def forward(self, hidden_states, timestep, encoder_hidden_states, ref_latents=None, motion_latents=None,
                cond_states=None, audio_input=None, drop_motion_frames: bool = False, return_dict: bool = True,
                attention_kwargs=None, **_):
        """One S2V window (model_s2v.py WanModel_S2V.forward, frame packing and zero timestep as released):
        ``hidden_states`` [B, C, F, H, W] noisy latents; ``ref_latents`` [B, C, 1, H, W]; ``motion_latents``
        [B, C, Tm, H, W] (the frames before the window, encoded); ``cond_states`` [B, cond_dim, F, H, W]
        (the pose clip's latents, zeros without one); ``audio_input`` [B, layers, C_a, 4F] wav2vec2 features
        per video frame; ``drop_motion_frames``: the first window of a take has no motion tokens."""
        b, _, frames, height, width = hidden_states.shape
        p_t, p_h, p_w = self.config.patch_size
        glo, loc = self.audio_tokens(audio_input)
        tokens, pos, kinds, n = self._tokens(hidden_states, ref_latents, motion_latents, cond_states,
                                             drop_motion_frames)
        tokens = tokens + self.trainable_cond_mask(kinds).to(tokens.dtype)[None]
        rotary = self.rotary(pos, tokens.device)
        t = timestep.reshape(-1)[:1].expand(b) if timestep.numel() == 1 else timestep.reshape(b)
        zero = torch.zeros_like(t) if self.config.zero_timestep else t
        temb, proj, text, _ = self.condition_embedder(torch.cat([t, zero]), encoder_hidden_states)
        proj = proj.unflatten(1, (6, -1))  # [2B, 6, D]
        seg = torch.zeros(tokens.shape[1], dtype=torch.long, device=tokens.device)
        seg[n:] = 1
        per_token = torch.stack([proj[:b], proj[b:]], dim=1)[:, seg]  # [B, L, 6, D]
        for i, block in enumerate(self.blocks):
            tokens = block(tokens, text, per_token, rotary)
            if i in self._inject_at:
                tokens = self._inject(self._inject_at[i], tokens, n, glo, loc)
        x = tokens[:, :n]
        shift, scale = (self.scale_shift_table.to(temb.device) + temb[:b].unsqueeze(1)).chunk(2, dim=1)
        x = (self.norm_out(x.float()) * (1 + scale) + shift).type_as(x)
        x = self.proj_out(x)
        x = x.reshape(b, frames // p_t, height // p_h, width // p_w, p_t, p_h, p_w, -1)
        out = x.permute(0, 7, 1, 4, 2, 5, 3, 6).flatten(6, 7).flatten(4, 5).flatten(2, 3)
        if not return_dict:
            return (out,)
        from diffusers.models.modeling_outputs import Transformer2DModelOutput
        return Transformer2DModelOutput(sample=out)
