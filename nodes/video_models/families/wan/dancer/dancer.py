"""Wan Dancer (Wan-AI/Wan-Dancer-14B, 'WanToDance'): a Wan 2.1 14B image-to-video denoiser that also
hears music, run twice: a *global* model draws a few keyframes over the whole song at a low frame rate
(7.5 fps), a *local* model (the same shapes, other weights) renders 30 fps segments between them.

After the released code, modelscope/DiffSynth-Studio@fed7b18 (Apache-2.0):

- ``diffsynth/models/wantodance.py`` (``WanToDanceRotaryEmbedding``, ``WanToDanceMusicEncoderLayer``):
  the music encoder, two pre-norm layers 256 wide (4 heads, GELU feed-forward 1024) whose queries and
  keys are the layer input rotated by a 256-wide interleaved rotary embedding *before* the attention's
  in-projection: :class:`MusicLayer`;
- ``diffsynth/models/wan_video_dit.py`` (``prepare_wantodance``, ``WanToDanceInjector``,
  ``wantodance_after_transformer_block``): ``music_projection`` (35 -> 256), ``music_injector`` (a
  cross-attention after blocks 0, 4, 8, 12, 16, 20, 24, 27: the video tokens split into 8 groups a
  latent frame, each group attending to its one music token), ``img_emb_refimage`` (the reference
  image's CLIP tokens, put before the context), ``patch_embedding_global`` / ``head_global`` (used when
  the frame rate is not 30): :class:`DancerParts`, its tensors under the release's names;
- ``diffsynth/pipelines/wan_video.py`` (``model_fn_wan_video``, ``wantodance_get_single_freqs``,
  ``WanVideoUnit_WanToDance_ProcessInputs.get_music_base_feature``): the music tokens interpolated to
  149 x 4800 then to (8 x latent frames) x width (bilinear, twice: :func:`music_tokens`); at a frame
  rate other than 30 the time rotary positions are those of 30 fps frames, ``30 / fps`` apart, the
  last at ``round(30 / fps * f) - 1`` (:func:`time_positions`); the context is
  ``[reference tokens, first-frame CLIP tokens, text]`` and each block's image cross-attention reads
  only the first 257 (the reference's), the first frame's CLIP tokens going with the text
  (:class:`SplitImageProcessor`); the negative call of the global model skips block 9.

ComfyUI (comfy/ldm/wan/model_wandancer.py) differs from the release in three places, read and not
followed here: it rotates the music queries per head after the projection, interpolates the music
tokens once, and gives the image cross-attention both CLIP token sets.

diffusers' ``WanTransformer3DModel`` is the rest of the denoiser: :class:`dancer_applied` hooks the
music injection after the blocks, the reference tokens into the condition embedder's output, the
split into each block's cross-attention, and for the global rate swaps in the global patch embedding
and head and the rotary time positions, for one call, so the loaded model is left as it was."""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ....base.errors import ModelError
from .dancer_words import AMPLITUDES, STYLES

MUSIC_FEATURES, MUSIC_DIM, MUSIC_HEADS, MUSIC_FF, MUSIC_LAYERS = 35, 256, 4, 1024, 2
INJECT_LAYERS = (0, 4, 8, 12, 16, 20, 24, 27)
SKIP_BLOCK = 9  # the global model's negative call skips it (model_fn_wan_video skip_9th_layer)
GROUPS = 8  # music tokens a latent frame
KEY_FRAMES, KEY_WIDTH = 149, 4800  # the release's first interpolation of the music tokens
BASE_FPS, HOP, FEATURE_SR = 30, 512, 22050  # get_music_base_feature: loaded at 30 x 512 Hz, analysed as 22050
IMAGE_TOKENS = 257  # CLIP ViT-H/14's tokens: the image cross-attention reads the first 257 of the context
MARKERS = ("music_projection.", "music_encoder.", "music_injector.", "img_emb_refimage.", "patch_embedding_global.",
           "head_global.")


# -- the music features, as get_music_base_feature computes them -------------------------------------------

def music_features(wave, sample_rate: int) -> np.ndarray:
    """[T, 35] float32: onset envelope, 20 MFCCs, 12 CENS chroma, onset peaks and beats (one-hot), one row
    per 512 samples at 15360 Hz (30 a second). ``wave``: [samples] or [channels, samples] floats in
    [-1, 1], averaged to mono as librosa.load does; resampled with librosa's default (soxr_hq), as
    librosa.load(path, sr=15360) and librosa.load(path) (22050 Hz, for the starting tempo) resample."""
    import librosa
    y = np.asarray(wave, np.float32)
    y = y.mean(axis=0) if y.ndim == 2 else y
    data = y if sample_rate == BASE_FPS * HOP else librosa.resample(y, orig_sr=sample_rate, target_sr=BASE_FPS * HOP)
    sr = FEATURE_SR  # the release analyses the 15360 Hz samples as if they were 22050 Hz
    envelope = librosa.onset.onset_strength(y=data, sr=sr)
    mfcc = librosa.feature.mfcc(y=data, sr=sr, n_mfcc=20).T
    chroma = librosa.feature.chroma_cens(y=data, sr=sr, hop_length=HOP, n_chroma=12).T
    peaks = librosa.onset.onset_detect(onset_envelope=envelope.flatten(), sr=sr, hop_length=HOP)
    peak_onehot = np.zeros_like(envelope, dtype=np.float32)
    peak_onehot[peaks] = 1.0
    y22 = y if sample_rate == FEATURE_SR else librosa.resample(y, orig_sr=sample_rate, target_sr=FEATURE_SR)
    start_bpm = librosa.feature.tempo(y=y22)[0]  # librosa.beat.tempo in the release (the same function)
    _, beats = librosa.beat.beat_track(onset_envelope=envelope, sr=sr, hop_length=HOP, start_bpm=start_bpm,
                                       tightness=100)
    beat_onehot = np.zeros_like(envelope, dtype=np.float32)
    beat_onehot[beats] = 1.0
    return np.concatenate([envelope[:, None], mfcc, chroma, peak_onehot[:, None], beat_onehot[:, None]],
                          axis=-1).astype(np.float32)


def frame_rate(feature_rows: int, frames: int) -> float:
    """The take's frame rate from the music's rows (30 a second) and its frames (ComfyUI's
    WanDancerEncodeAudio: 30 / round(rows / frames)); 0 when the music is under half a frame a row."""
    step = int(feature_rows / frames + 0.5)
    return BASE_FPS / step if step else 0.0


# -- the prompt, as the release's examples write it --------------------------------------------------------

# STYLES and AMPLITUDES: dancer_words.py (plain words, shared with the ComfyUI mapping)


def prompt_for(style: str, fps: float, amplitude: str | None = None) -> str:
    """The release's prompt (examples/wanvideo/model_inference/Wan-Dancer-14B-{global,local}.py): the
    dance ('style': a key of STYLES or words of one's own), for the local model the picture's clarity
    and the motion's amplitude, then the frame rate ('帧率是7.5000'; at 30: ', 帧率是30fps。')."""
    text = f"一个人正在跳舞，舞蹈种类是{STYLES.get(style, style)}"
    if amplitude:
        a = AMPLITUDES.get(amplitude, amplitude)
        text += f",图像清晰程度高,人物动作平均幅度{a},人物动作最大幅度{a}"
    if int(fps + 0.5) == BASE_FPS:
        return text + "。, 帧率是30fps。"
    return text + f"。帧率是{fps:.4f}"


# -- the modules --------------------------------------------------------------------------------------------

def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    """Interleaved pairs (x1, x2) -> (-x2, x1) (wantodance.py rotate_half)."""
    x1, x2 = x.unflatten(-1, (-1, 2)).unbind(-1)
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def music_rotary(x: torch.Tensor, theta: float = 10000.0) -> torch.Tensor:
    """WanToDanceRotaryEmbedding.rotate_queries_or_keys over the whole width of ``x`` [..., S, D]."""
    s, d = x.shape[-2], x.shape[-1]
    inv = 1.0 / (theta ** (torch.arange(0, d, 2, device=x.device)[: d // 2].float() / d))
    ang = torch.einsum("i,f->if", torch.arange(s, device=x.device).float(), inv).repeat_interleave(2, -1).to(x)
    return x * ang.cos() + _rotate_half(x) * ang.sin()


class MusicLayer(nn.Module):
    """WanToDanceMusicEncoderLayer (norm_first, GELU, batch_first; dropout off at inference)."""

    def __init__(self, dim: int = MUSIC_DIM, heads: int = MUSIC_HEADS, ff: int = MUSIC_FF):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.linear1, self.linear2 = nn.Linear(dim, ff), nn.Linear(ff, dim)
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        qk = music_rotary(h)
        x = x + self.self_attn(qk, qk, h, need_weights=False)[0]
        return x + self.linear2(F.gelu(self.linear1(self.norm2(x))))


def _rms(x: torch.Tensor, w: torch.Tensor, eps: float) -> torch.Tensor:
    """The release's RMSNorm (computed in float32, then times the weight)."""
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype) * w


class InjectAttention(nn.Module):
    """The release's CrossAttention without image input (wan_video_dit.py): q, k RMS-normed over the width."""

    def __init__(self, dim: int, heads: int, eps: float = 1e-6):
        super().__init__()
        self.heads, self.eps = heads, eps
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim) for _ in range(4))
        self.norm_q, self.norm_k = _Weight(dim), _Weight(dim)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        n = self.heads
        q = _rms(self.q(x), self.norm_q.weight, self.eps).unflatten(-1, (n, -1)).transpose(1, 2)
        k = _rms(self.k(y), self.norm_k.weight, self.eps).unflatten(-1, (n, -1)).transpose(1, 2)
        v = self.v(y).unflatten(-1, (n, -1)).transpose(1, 2)
        return self.o(F.scaled_dot_product_attention(q, k, v).transpose(1, 2).flatten(2))


class _Weight(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))


class MusicInjector(nn.Module):
    """WanToDanceInjector: one cross-attention an injected block (its two parameter-free LayerNorms kept
    in the release's lists; only ``injector_pre_norm_feat`` is used)."""

    def __init__(self, dim: int, heads: int, count: int, eps: float = 1e-6):
        super().__init__()
        self.injector = nn.ModuleList([InjectAttention(dim, heads, eps) for _ in range(count)])
        self.injector_pre_norm_feat = nn.ModuleList([nn.LayerNorm(dim, eps=1e-6, elementwise_affine=False)
                                                     for _ in range(count)])
        self.injector_pre_norm_vec = nn.ModuleList([nn.LayerNorm(dim, eps=1e-6, elementwise_affine=False)
                                                    for _ in range(count)])


class GlobalHead(nn.Module):
    """The release's Head as ``head_global``: its linear (``head``) and its [1, 2, dim] modulation."""

    def __init__(self, dim: int, out: int):
        super().__init__()
        self.head = nn.Linear(dim, out)
        self.modulation = nn.Parameter(torch.zeros(1, 2, dim))


class RefImageMLP(nn.Module):
    """The release's MLP (LayerNorm, Linear, GELU, Linear, LayerNorm) as ``img_emb_refimage``."""

    def __init__(self, clip_dim: int, dim: int):
        super().__init__()
        self.proj = nn.Sequential(nn.LayerNorm(clip_dim), nn.Linear(clip_dim, clip_dim), nn.GELU(),
                                  nn.Linear(clip_dim, dim), nn.LayerNorm(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)


class DancerParts(nn.Module):
    """What Wan Dancer adds to a Wan 2.1 I2V denoiser, under the release's tensor names."""

    def __init__(self, dim: int, heads: int, in_channels: int, out_channels: int, patch_size=(1, 2, 2),
                 inject_layers=INJECT_LAYERS, clip_dim: int = 1280, eps: float = 1e-6, skip_block: int = SKIP_BLOCK):
        super().__init__()
        self.inject_layers = tuple(int(i) for i in inject_layers)
        self.skip_block = skip_block  # left out of the global model's negative call
        self.music_projection = nn.Linear(MUSIC_FEATURES, MUSIC_DIM)
        self.music_encoder = nn.ModuleList([MusicLayer() for _ in range(MUSIC_LAYERS)])
        self.music_injector = MusicInjector(dim, heads, len(self.inject_layers), eps)
        self.img_emb_refimage = RefImageMLP(clip_dim, dim)
        self.patch_embedding_global = nn.Conv3d(in_channels, dim, kernel_size=patch_size, stride=patch_size)
        self.head_global = GlobalHead(dim, out_channels * math.prod(patch_size))

    def music(self, features: torch.Tensor) -> torch.Tensor:
        """[T, 35] -> [1, T, 256]: the projection and the two encoder layers."""
        w = self.music_projection.weight
        x = self.music_projection(features.to(w.device, w.dtype))
        x = x.unsqueeze(0) if x.ndim == 2 else x
        for layer in self.music_encoder:
            x = layer(x)
        return x


def music_tokens(encoded: torch.Tensor, latent_frames: int, dim: int) -> torch.Tensor:
    """[1, T, 256] encoded music -> [1, 8 x latent_frames, dim] (model_fn_wan_video: bilinear to 149 x 4800,
    then bilinear to 8 f x dim)."""
    x = F.interpolate(encoded.unsqueeze(1), size=(KEY_FRAMES, KEY_WIDTH), mode="bilinear")
    return F.interpolate(x, size=(GROUPS * latent_frames, dim), mode="bilinear").squeeze(1)


def inject(parts: DancerParts, j: int, x: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    """wantodance_after_transformer_block for injector ``j``: x [B, L, dim] in groups of L / N tokens,
    each attending to its one music token (tokens [B, N, dim])."""
    b, n = x.shape[0], tokens.shape[1]
    if x.shape[1] % n:
        raise ModelError(f"Wan Dancer: {x.shape[1]} video tokens do not split into {n} music groups (8 a latent "
                         "frame): choose a size whose latent grid (height/16 x width/16) is a multiple of 8")
    a = parts.music_injector
    g = x.reshape(b * n, x.shape[1] // n, x.shape[2])
    tokens = tokens.to(x.device, x.dtype).expand(b, -1, -1)
    out = a.injector[j](a.injector_pre_norm_feat[j](g), tokens.reshape(b * n, 1, -1))
    return x + out.reshape(x.shape)


def time_positions(frames: int, fps: float) -> tuple[list[int], list[float]]:
    """wantodance_get_single_freqs: for each latent frame the two 30 fps positions and the second's weight
    (the first frame at 0, the last at round(30 / fps x frames) - 1, the others at i x 30 / fps)."""
    interval = BASE_FPS / (fps + 1e-6)
    total = int(interval * frames + 0.5)
    low, weight = [0] * frames, [0.0] * frames
    for i in range(1, frames - 1):
        pos = i * interval
        low[i], weight[i] = int(pos), pos - int(pos)
    low[-1], weight[-1] = total - 1, 0.0
    return low, weight


def _time_table(table: torch.Tensor, frames: int, fps: float) -> torch.Tensor:
    low, weight = time_positions(frames, fps)
    if max(low) + 1 >= table.shape[0]:
        raise ModelError(f"Wan Dancer: {frames} latent frames at {fps:g} fps reach rotary position {max(low) + 1}, "
                         f"past the model's {table.shape[0]}")
    lo = table[torch.tensor(low, device=table.device)]
    hi = table[torch.tensor([min(i + 1, table.shape[0] - 1) for i in low], device=table.device)]
    w = torch.tensor(weight, device=table.device, dtype=table.dtype).unsqueeze(1)
    return lo * (1 - w) + hi * w


def global_rope(rope, hidden_states: torch.Tensor, fps: float):
    """diffusers' WanRotaryPosEmbed output with the time positions of :func:`time_positions`."""
    _, _, f, h, w = hidden_states.shape
    pt, ph, pw = rope.patch_size
    f, h, w = f // pt, h // ph, w // pw
    sizes = [rope.t_dim, rope.h_dim, rope.w_dim]
    out = []
    for table in (rope.freqs_cos, rope.freqs_sin):
        t, hh, ww = table.split(sizes, dim=1)
        t = _time_table(t, f, fps)
        grid = torch.cat([t.view(f, 1, 1, -1).expand(f, h, w, -1), hh[:h].view(1, h, 1, -1).expand(f, h, w, -1),
                          ww[:w].view(1, 1, w, -1).expand(f, h, w, -1)], dim=-1)
        out.append(grid.reshape(1, f * h * w, 1, -1))
    return tuple(out)


# -- the file's tensors -------------------------------------------------------------------------------------

def parts_state(tensors: dict) -> dict:
    """The Wan Dancer tensors of a file (``name -> tensor``; others ignored) under :class:`DancerParts`' names:
    any prefix before them dropped (ComfyUI's ``model.diffusion_model.``); a music attention stored as
    separate ``q_proj`` / ``k_proj`` / ``v_proj`` (ComfyUI's module names) put together as the release's
    ``in_proj``."""
    out = {}
    for name, t in tensors.items():
        for m in MARKERS:
            at = name.find(m)
            if at == 0 or (at > 0 and name[at - 1] == "."):
                out[name[at:]] = t
                break
    for i in range(MUSIC_LAYERS):
        p = f"music_encoder.{i}.self_attn."
        for leaf in ("weight", "bias"):
            split = [out.pop(f"{p}{x}_proj.{leaf}", None) for x in "qkv"]
            if all(s is not None for s in split):
                out[f"{p}in_proj_{leaf}"] = torch.cat(split)
    return out


def injected_layers(count: int, blocks: int) -> tuple[tuple[int, ...], int]:
    """(the blocks the music is injected after, the block the global negative call skips): the release's
    (blocks 0, 4, ... 27; block 9) for its 8 injections in 40 blocks; a model of another size (the tests'
    tiny ones) the first ``count`` blocks and its last block; () when they do not fit."""
    if count == len(INJECT_LAYERS) and blocks > max(INJECT_LAYERS):
        return INJECT_LAYERS, SKIP_BLOCK
    if 0 < count <= blocks < 10:
        return tuple(range(count)), blocks - 1
    return (), SKIP_BLOCK


def load_parts(tensors: dict, transformer, where: str, dtype=None) -> DancerParts:
    """:class:`DancerParts` from a file's tensors (:func:`parts_state`), checked against the denoiser
    (diffusers' WanTransformer3DModel), in ``dtype`` on the denoiser's device."""
    from ..humo.humo import scales_applied
    got = scales_applied(parts_state(tensors))
    c = transformer.config
    dim, heads = c.num_attention_heads * c.attention_head_dim, c.num_attention_heads
    q = got.get("music_injector.injector.0.q.weight")
    if q is None or "music_projection.weight" not in got:
        raise ModelError(f"model '{where}' is not a Wan Dancer model: its file holds no music encoder and injector "
                         "(music_projection, music_injector)")
    if tuple(q.shape) != (dim, dim):
        raise ModelError(f"model '{where}': its music injector is {q.shape[0]} wide, its Wan denoiser {dim}")
    count = len({k.split(".")[2] for k in got if k.startswith("music_injector.injector.")})
    layers, skip = injected_layers(count, c.num_layers)
    if not layers:
        raise ModelError(f"model '{where}': {count} music injections do not fit its {c.num_layers} Wan blocks")
    clip_dim = got["img_emb_refimage.proj.1.weight"].shape[0] if "img_emb_refimage.proj.1.weight" in got else 1280
    parts = DancerParts(dim, heads, c.in_channels, c.out_channels, tuple(c.patch_size), layers, clip_dim, c.eps,
                        skip)
    dtype = dtype or torch.float32
    try:
        parts.load_state_dict({k: v.to(dtype) for k, v in got.items()}, strict=True)
    except RuntimeError as e:
        raise ModelError(f"model '{where}': its Wan Dancer tensors are not the released ones: "
                         f"{str(e).splitlines()[0]}") from None
    dev = next(transformer.parameters()).device
    return parts.to(dev, dtype).eval().requires_grad_(False)
