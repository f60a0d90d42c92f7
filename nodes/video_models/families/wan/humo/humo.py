"""HuMo (ByteDance, Phantom-video/HuMo, Apache-2.0): a Wan 2.1 denoiser that also hears a voice.

After the released code at commit 17094e9 (github.com/Phantom-video/HuMo):

- ``humo/models/audio/audio_proj.py`` (``AudioProjModel``): each latent frame's window of 8 Whisper
  frames x 5 layer groups x 1280 flattened, two ReLU linears to 512, one to 16 tokens of 1536, a
  LayerNorm: :class:`AudioProjection`;
- ``humo/models/wan_modules/model_humo.py`` (``WanAttentionBlock`` with ``use_audio``,
  ``AudioCrossAttentionWrapper``, ``WanT2VCrossAttentionGather``): after each block's text
  cross-attention, ``x = x + o(attn(q(norm1_audio(x)), k(audio), v(audio)))`` where the video tokens
  of latent frame f attend only to that frame's 16 audio tokens (q, k RMS-normed across heads, no
  rotary positions): :class:`AudioAttention`;
- ``humo/utils/audio_processor_whisper.py`` (``audio_emb_enc``, ``get_audio_emb_window``): Whisper
  large-v3's 33 hidden states averaged in groups [0:8], [8:16], [16:24], [24:32] and [32]
  (:func:`whisper_groups`), and each latent frame's window of video frames (:func:`audio_windows`).

diffusers' ``WanTransformer3DModel`` is the rest of the denoiser, unchanged: the audio step is added
by hooks on each block's text cross-attention (its input captured before ``norm2``, the audio
attention's output added to ``attn2``'s, so the block's residual is ``x + attn2 + audio``), for one
call (:class:`audio_applied`), so a cached Wan model is left as it was; :func:`humo_transformer_class`
gives the same as a class of its own (HumoWanTransformer3DModel, built from a config: the tests' tiny models).

Key names: ComfyUI's ``humo_17B_*.safetensors`` and the release keep the original's
(``blocks.N.audio_cross_attn_wrapper.audio_cross_attn.q``, ``.norm1_audio``,
``audio_proj.audio_proj_glob_1.layer``...); :func:`audio_state` maps them to this module's
(``blocks.N.attn.to_q``, ``blocks.N.norm``, ``proj.linear_1``...), any prefix before them dropped
(ComfyUI's ``model.diffusion_model.``)."""
from __future__ import annotations

import functools
import re

import torch
import torch.nn.functional as F
from torch import nn

from ....base.errors import ModelError
from ..cross_hooks import after_text_attention

TOKENS, WINDOW, GROUPS = 16, 8, 5  # audio tokens a latent frame; Whisper frames a window; layer groups
AUDIO_DIM, HIDDEN = 1536, 512  # the tokens' width; the projection's hidden width
WHISPER_STATES = 33  # Whisper large-v3: the embeddings' output and 32 layers
MARKERS = ("audio_proj.", "audio_cross_attn_wrapper.")  # a HuMo file's own tensors (any prefix before them)
_BLOCK = re.compile(r"(?:^|.*?\.)blocks\.(\d+)\.audio_cross_attn_wrapper\.(.+)$")
_ATTN = {"q": "to_q", "k": "to_k", "v": "to_v", "o": "to_out", "norm_q": "norm_q", "norm_k": "norm_k"}


class AudioProjection(nn.Module):
    """AudioProjModel (audio_proj.py): [B, F, window, groups, C] -> [B, F, tokens, out_dim]."""

    def __init__(self, window: int = WINDOW, groups: int = GROUPS, channels: int = 1280, hidden: int = HIDDEN,
                 out_dim: int = AUDIO_DIM, tokens: int = TOKENS):
        super().__init__()
        self.tokens, self.out_dim = tokens, out_dim
        self.linear_1 = nn.Linear(window * groups * channels, hidden)
        self.linear_2 = nn.Linear(hidden, hidden)
        self.linear_3 = nn.Linear(hidden, tokens * out_dim)
        self.norm = nn.LayerNorm(out_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, f = x.shape[:2]
        h = torch.relu(self.linear_1(x.reshape(b * f, -1)))
        h = torch.relu(self.linear_2(h))
        return self.norm(self.linear_3(h).reshape(b * f, self.tokens, self.out_dim)).reshape(b, f, self.tokens, -1)


class AudioAttention(nn.Module):
    """WanT2VCrossAttentionGather: the tokens of each latent frame attend to that frame's audio tokens."""

    def __init__(self, dim: int, heads: int, kv_dim: int = AUDIO_DIM, eps: float = 1e-6):
        super().__init__()
        self.heads = heads
        self.to_q, self.to_k, self.to_v = nn.Linear(dim, dim), nn.Linear(kv_dim, dim), nn.Linear(kv_dim, dim)
        self.to_out = nn.Linear(dim, dim)
        self.norm_q, self.norm_k = nn.RMSNorm(dim, eps=eps), nn.RMSNorm(dim, eps=eps)

    def forward(self, x: torch.Tensor, audio: torch.Tensor, frames: int) -> torch.Tensor:
        """x [B, F*HW, dim] (frame-major), audio [B, F*tokens, kv_dim] -> [B, F*HW, dim]."""
        b, n = x.shape[0], self.heads
        q = self.norm_q(self.to_q(x))
        k = self.norm_k(self.to_k(audio))
        v = self.to_v(audio)
        d = q.shape[-1] // n
        q = q.reshape(b * frames, -1, n, d).transpose(1, 2)
        k = k.reshape(b * frames, -1, n, d).transpose(1, 2)
        v = v.reshape(b * frames, -1, n, d).transpose(1, 2)
        out = F.scaled_dot_product_attention(q, k, v)
        return self.to_out(out.transpose(1, 2).reshape(b, -1, n * d))


class FP32LayerNorm(nn.LayerNorm):
    """A LayerNorm computed in float32 (the release's WanLayerNorm, diffusers' FP32LayerNorm)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.weight.float() if self.weight is not None else None
        b = self.bias.float() if self.bias is not None else None
        return F.layer_norm(x.float(), self.normalized_shape, w, b, self.eps).to(x.dtype)


class AudioBlock(nn.Module):
    """AudioCrossAttentionWrapper: ``norm1_audio`` (a LayerNorm with weights, in fp32) and the attention."""

    def __init__(self, dim: int, heads: int, kv_dim: int = AUDIO_DIM, eps: float = 1e-6):
        super().__init__()
        self.norm = FP32LayerNorm(dim, eps, elementwise_affine=True)
        self.attn = AudioAttention(dim, heads, kv_dim, eps)

    def forward(self, x: torch.Tensor, audio: torch.Tensor, frames: int) -> torch.Tensor:
        return self.attn(self.norm(x), audio, frames)


class HumoAudio(nn.Module):
    """What HuMo adds to a Wan denoiser: the projection and one audio block per Wan block (the released
    sizes: Whisper's 1280 channels, 512 hidden, tokens 1536 wide; tiny test models smaller)."""

    def __init__(self, dim: int, heads: int, layers: int, channels: int = 1280, eps: float = 1e-6,
                 hidden: int = HIDDEN, audio_dim: int = AUDIO_DIM):
        super().__init__()
        self.proj = AudioProjection(channels=channels, hidden=hidden, out_dim=audio_dim)
        self.blocks = nn.ModuleList([AudioBlock(dim, heads, audio_dim, eps) for _ in range(layers)])

    @property
    def channels(self) -> int:
        return self.proj.linear_1.in_features // (WINDOW * GROUPS)

    def tokens(self, embeds: torch.Tensor) -> torch.Tensor:
        """[B, F, 8, 5, C] windows -> [B, F*16, 1536] tokens, frame-major (model_humo.py WanModel.forward)."""
        p = self.proj.linear_1.weight
        return self.proj(embeds.to(p.device, p.dtype)).flatten(1, 2)


def audio_state(tensors: dict) -> dict:
    """The HuMo tensors of a file (``name -> tensor``; others ignored) under :class:`HumoAudio`'s names."""
    out = {}
    for name, t in tensors.items():
        m = _BLOCK.match(name)
        if m:
            i, rest = m.groups()
            if rest.startswith("norm1_audio."):
                out[f"blocks.{i}.norm.{rest.split('.', 1)[1]}"] = t
                continue
            part, _, leaf = rest.removeprefix("audio_cross_attn.").rpartition(".")
            if part in _ATTN:
                out[f"blocks.{i}.attn.{_ATTN[part]}.{leaf}"] = t
            continue
        if "audio_proj." in name:
            rest = name.split("audio_proj.", 1)[1].replace(".layer.", ".")
            g = re.match(r"audio_proj_glob_(\d|norm)\.(weight|bias)$", rest)
            if g:
                out["proj." + ("norm" if g[1] == "norm" else f"linear_{g[1]}") + "." + g[2]] = t
    return out


def scales_applied(got: dict) -> dict:
    """ComfyUI's scaled fp8 (``scale_weight``) and mixed-precision (``weight_scale``) layers: each weight times
    its per-tensor scale, in float32; their input scales dropped (the layers run unquantised here)."""
    for k in [k for k in got if k.endswith((".scale_weight", ".weight_scale"))]:
        w = k.rsplit(".", 1)[0] + ".weight"
        scale = got.pop(k).float()
        if w in got and scale.numel() == 1:
            got[w] = got[w].float() * scale
    for k in [k for k in got if k.endswith((".scale_input", ".input_scale"))]:
        got.pop(k)
    return got


def load_audio(state: dict, dim: int, heads: int, layers: int, where: str, dtype=None) -> HumoAudio:
    """:class:`HumoAudio` from a file's tensors (:func:`audio_state`), checked against the denoiser."""
    got = scales_applied(audio_state(state))
    w = got.get("proj.linear_1.weight")
    if w is None:
        raise ModelError(f"model '{where}' is not a HuMo model: its file holds no audio projection (audio_proj)")
    channels, hidden = w.shape[1] // (WINDOW * GROUPS), w.shape[0]
    audio_dim = got["proj.linear_3.weight"].shape[0] // TOKENS if "proj.linear_3.weight" in got else AUDIO_DIM
    found = {int(k.split(".")[1]) for k in got if k.startswith("blocks.")}
    if found != set(range(layers)) or got.get("blocks.0.attn.to_q.weight", torch.empty(0)).shape != (dim, dim):
        raise ModelError(f"model '{where}': its HuMo audio attention ({len(found)} blocks) does not fit its Wan "
                         f"denoiser ({layers} blocks {dim} wide)")
    audio = HumoAudio(dim, heads, layers, channels, hidden=hidden, audio_dim=audio_dim)
    dtype = dtype or torch.float32
    try:
        audio.load_state_dict({k: v.to(dtype) for k, v in got.items()}, strict=True)
    except RuntimeError as e:
        raise ModelError(f"model '{where}': its HuMo audio tensors are not the released ones: "
                         f"{str(e).splitlines()[0]}") from None
    return audio.to(dtype).eval().requires_grad_(False)


class audio_applied:
    """HuMo's audio step in every block of ``transformer`` (a diffusers WanTransformer3DModel) for the
    block's duration: ``set(embeds)`` gives the windows of the next calls ([B, F, 8, 5, C], F the
    latent frames with the reference's), ``None`` none. Hooks removed however it ends."""

    def __init__(self, transformer, audio: HumoAudio):
        self.tr, self.audio = transformer, audio
        self._handles: list = []
        self._tokens: torch.Tensor | None = None
        self._made: dict = {}

    def set(self, embeds: torch.Tensor | None) -> None:
        if embeds is None:
            self._tokens = None
            return
        key = id(embeds)
        if key not in self._made:
            with torch.no_grad():
                self._made[key] = (embeds, self.audio.tokens(embeds))  # the windows kept: their id stays theirs
        self._tokens = self._made[key][1]

    def _add_audio(self, i: int, x, out):
        """``out`` of block ``i``'s text cross-attention with HuMo's audio attention added (``x``: the
        block's hidden states after that cross-attention)."""
        if self._tokens is None:
            return out
        frames = self._tokens.shape[1] // TOKENS
        if x.shape[1] % frames:
            raise ModelError(f"HuMo: {self._tokens.shape[1] // TOKENS} latent frames of audio for "
                             f"{x.shape[1]} video tokens")
        a = self.audio.blocks[i]
        a.to(out.device)
        tok = self._tokens.to(out.device, a.attn.to_k.weight.dtype)
        return out + a(x.to(a.attn.to_q.weight.dtype), tok, frames).to(out.dtype)

    def __enter__(self):
        for i, block in enumerate(self.tr.blocks):
            self._handles.extend(after_text_attention(i, block, self._add_audio))
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles.clear()
        self._made.clear()
        self._tokens = None
        return False


@functools.cache
def humo_transformer_class():
    """HumoWanTransformer3DModel: diffusers' WanTransformer3DModel with HuMo's audio projection and
    attention (``audio``), ``forward(..., audio_embeds=[B, F, 8, 5, C])``. Made on first use: diffusers is
    imported only when a model runs (node discovery imports this module)."""
    from diffusers import WanTransformer3DModel
    from diffusers.configuration_utils import register_to_config

    class HumoWanTransformer3DModel(WanTransformer3DModel):
        @register_to_config
        def __init__(self, patch_size=(1, 2, 2), num_attention_heads=40, attention_head_dim=128, in_channels=36,
                     out_channels=16, text_dim=4096, freq_dim=256, ffn_dim=13824, num_layers=40, cross_attn_norm=True,
                     qk_norm="rms_norm_across_heads", eps=1e-6, image_dim=None, added_kv_proj_dim=None,
                     rope_max_seq_len=1024, pos_embed_seq_len=None, audio_channels: int = 1280,
                     audio_hidden: int = HIDDEN, audio_dim: int = AUDIO_DIM):
            super().__init__(patch_size, num_attention_heads, attention_head_dim, in_channels, out_channels,
                             text_dim, freq_dim, ffn_dim, num_layers, cross_attn_norm, qk_norm, eps, image_dim,
                             added_kv_proj_dim, rope_max_seq_len, pos_embed_seq_len)
            self.audio = HumoAudio(num_attention_heads * attention_head_dim, num_attention_heads, num_layers,
                                   audio_channels, eps, audio_hidden, audio_dim)

        def forward(self, hidden_states, timestep, encoder_hidden_states, encoder_hidden_states_image=None,
                    return_dict=True, attention_kwargs=None, audio_embeds=None):
            with audio_applied(self, self.audio) as applied:
                applied.set(audio_embeds)
                return super().forward(hidden_states, timestep, encoder_hidden_states, encoder_hidden_states_image,
                                       return_dict, attention_kwargs)
    return HumoWanTransformer3DModel


# -- conditioning, as the release computes it ------------------------------------------------------

def whisper_groups(states: torch.Tensor) -> torch.Tensor:
    """[T, 33, C] Whisper hidden states -> [T, 5, C]: the means of layers [0:8], [8:16], [16:24],
    [24:32] and layer 32 (audio_emb_enc)."""
    return torch.stack([states[:, 0:8].mean(1), states[:, 8:16].mean(1), states[:, 16:24].mean(1),
                        states[:, 24:32].mean(1), states[:, 32]], dim=1)


def audio_windows(emb: torch.Tensor, frames: int, shift: int = 2) -> torch.Tensor:
    """[T, 5, C] per video frame -> [(frames-1)//4 + 1, 8, 5, C], one window a latent frame
    (get_audio_emb_window, frame0_idx 0): the first latent frame's is 3 zeros and video frames -2..2,
    latent frame i's video frames 4(i-1)+1-shift .. 4i+shift; frames outside the voice are zeros."""
    zero = torch.zeros_like(emb[0])

    def at(i):
        return emb[i] if 0 <= i < emb.shape[0] else zero
    out = [torch.stack([zero] * 3 + [at(i) for i in range(-2, 3)])]
    for lt in range(1, 1 + (frames - 1) // 4):
        out.append(torch.stack([at(i) for i in range(1 + 4 * (lt - 1) - shift, 1 + 4 * lt + shift)]))
    return torch.stack(out)


def condition(zero_latents: torch.Tensor, ref: torch.Tensor | None) -> torch.Tensor:
    """The 20 channels beside the noise (generate.py ``inference``): 4 mask channels, 1 on the last
    (reference) latent frame, 0 elsewhere, then the latents of a blank (zero) video with the
    reference's latent in its last frame (``y_c``), or the blank's in every frame (``ref`` None: ``y_null``)."""
    y = zero_latents.clone()
    if ref is not None:
        y[:, :, -1:] = ref
    mask = torch.zeros_like(y[:, :4])
    mask[:, :, -1:] = 1
    return torch.cat([mask, y], dim=1)


def guided(out: dict, scale_t: float, scale_a: float, t: float, step_change: float = 980.0):
    """The release's guidance (generate.py ``forward_tia`` / ``forward_ta``). ``out``: the denoiser's
    predictions 'tia' (text, image, audio), 'ti', and 'i' (no text, the image) above ``step_change``
    or 'null' (no text, no image) below it; without an image 'ta', 't', 'null'."""
    if "tia" in out:
        if t > step_change:
            return scale_a * (out["tia"] - out["ti"]) + scale_t * (out["ti"] - out["i"]) + out["i"]
        return scale_a * (out["tia"] - out["ti"]) + (scale_t - 2.0) * (out["ti"] - out["null"]) + out["null"]
    return scale_a * (out["ta"] - out["t"]) + scale_t * (out["t"] - out["null"]) + out["null"]


def passes(image: bool, t: float, step_change: float = 980.0) -> tuple[str, ...]:
    """The predictions :func:`guided` needs at timestep ``t``."""
    if not image:
        return ("ta", "t", "null")
    return ("tia", "ti", "i") if t > step_change else ("tia", "ti", "null")
