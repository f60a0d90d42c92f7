"""Hybrid Demucs (Défossez 2021): a waveform U-Net and a spectrogram U-Net joined at their deepest layers, the
network behind ComfyUI's 'AudioSeparation' (torchaudio's HDEMUCS_HIGH_MUSDB_PLUS bundle). Written for Studio after
the MIT reference pytorch/audio src/torchaudio/models/_hdemucs.py @ d8d9315c997f7dca7981630affdda15754ca72bd, with
its modules' names and shapes, so the bundle's 'hdemucs_high_trained.pt' loads strictly into it. The shape of the
network (channels, growth, depth, n_fft, stems, where norms, LSTMs and attention start) is read from the file's
tensors (:func:`config_from_state_dict`); the strides and contexts are the reference's defaults (no file holds them).
Imported only when a model is built (torch)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .state_fit import loaded_strictly

SOURCES = ("drums", "bass", "other", "vocals")  # the bundle's stems, in its order


@dataclass(frozen=True)
class DemucsConfig:
    sources: int = 4
    audio_channels: int = 2
    channels: int = 48
    growth: int = 2
    nfft: int = 4096
    depth: int = 6
    freq_emb: bool = True
    kernel_size: int = 8
    norm_starts: int = 4
    dconv_depth: int = 2
    dconv_comp: int = 4
    dconv_attn: int = 4
    dconv_lstm: int = 4
    stride: int = 4  # the reference's defaults from here (hdemucs_high)
    time_stride: int = 2
    context: int = 1
    context_enc: int = 0
    norm_groups: int = 4
    emb_scale: float = 10.0
    emb_weight: float = 0.2


class Embedding(nn.Module):
    """The frequency embedding (its table scaled by ``scale``)."""
    def __init__(self, n: int, d: int, scale: float):
        super().__init__()
        self.embedding = nn.Embedding(n, d)
        self.scale = scale

    def forward(self, idx):
        return self.embedding(idx) * self.scale


class LayerScale(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.scale = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return self.scale[:, None] * x


class BLSTM(nn.Module):
    """A two-layer bidirectional LSTM over time, in half-overlapping windows of 200 steps on longer inputs (the
    middle halves kept), its input added back."""
    MAX_STEPS = 200

    def __init__(self, dim: int):
        super().__init__()
        self.lstm = nn.LSTM(input_size=dim, hidden_size=dim, num_layers=2, bidirectional=True)
        self.linear = nn.Linear(2 * dim, dim)

    def _run(self, x):  # [B, C, T]
        return self.linear(self.lstm(x.permute(2, 0, 1))[0]).permute(1, 2, 0)

    def forward(self, x):
        b, c, t = x.shape
        if t <= self.MAX_STEPS:
            return x + self._run(x)
        width, stride = self.MAX_STEPS, self.MAX_STEPS // 2
        n = math.ceil(t / stride)
        padded = F.pad(x, (0, (n - 1) * stride + width - t))
        frames = padded.unfold(-1, width, stride)[:, :, :n]  # [B, C, n, width]
        y = self._run(frames.permute(0, 2, 1, 3).reshape(-1, c, width)).reshape(b, n, c, width)
        lim = stride // 2
        parts = [y[:, k, :, (lim if k else 0):(width - lim if k < n - 1 else width)] for k in range(n)]
        return x + torch.cat(parts, -1)[..., :t]


class LocalState(nn.Module):
    """Attention over time with a learnt decay of distance (no positions), each step blind to itself."""
    def __init__(self, channels: int, heads: int = 4, ndecay: int = 4):
        super().__init__()
        self.heads, self.ndecay = heads, ndecay
        self.content = nn.Conv1d(channels, channels, 1)
        self.query = nn.Conv1d(channels, channels, 1)
        self.key = nn.Conv1d(channels, channels, 1)
        self.query_decay = nn.Conv1d(channels, heads * ndecay, 1)
        self.proj = nn.Conv1d(channels, channels, 1)

    def forward(self, x):
        b, c, t = x.shape
        h = self.heads
        idx = torch.arange(t, device=x.device, dtype=x.dtype)
        delta = idx[:, None] - idx[None, :]
        q = self.query(x).view(b, h, -1, t)
        k = self.key(x).view(b, h, -1, t)
        dots = torch.einsum("bhct,bhcs->bhts", k, q) / math.sqrt(k.shape[2])
        decays = torch.arange(1, self.ndecay + 1, device=x.device, dtype=x.dtype)
        dq = torch.sigmoid(self.query_decay(x).view(b, h, -1, t)) / 2
        kernel = -decays.view(-1, 1, 1) * delta.abs() / math.sqrt(self.ndecay)
        dots = dots + torch.einsum("fts,bhfs->bhts", kernel, dq)
        dots = dots.masked_fill(torch.eye(t, device=x.device, dtype=torch.bool), -100)
        w = torch.softmax(dots, dim=2)
        out = torch.einsum("bhts,bhct->bhcs", w, self.content(x).view(b, h, -1, t)).reshape(b, -1, t)
        return x + self.proj(out)


def _norm(on: bool, groups: int, d: int) -> nn.Module:
    return nn.GroupNorm(groups, d) if on else nn.Identity()


class DConv(nn.Module):
    """Residual branches of dilated convolutions (dilation 2^d), squeezed to channels / comp, with an LSTM and
    attention where asked."""
    def __init__(self, channels: int, depth: int, comp: int, norm: bool, lstm: bool, attn: bool):
        super().__init__()
        hidden = int(channels / comp)
        self.layers = nn.ModuleList()
        for d in range(depth):
            dil = 2 ** d
            mods = [nn.Conv1d(channels, hidden, 3, dilation=dil, padding=dil), _norm(norm, 1, hidden), nn.GELU(),
                    nn.Conv1d(hidden, 2 * channels, 1), _norm(norm, 1, 2 * channels), nn.GLU(1), LayerScale(channels)]
            if attn:
                mods.insert(3, LocalState(hidden))
            if lstm:
                mods.insert(3, BLSTM(hidden))
            self.layers.append(nn.Sequential(*mods))

    def forward(self, x):
        for layer in self.layers:
            x = x + layer(x)
        return x


class EncLayer(nn.Module):
    def __init__(self, chin, chout, ker, stride, freq, pad, norm, groups, context, empty=False, dconv=None):
        super().__init__()
        self.freq, self.stride, self.empty = freq, stride, empty
        p = ker // 4 if pad else 0
        if freq:
            self.conv = nn.Conv2d(chin, chout, (ker, 1), (stride, 1), (p, 0))
        else:
            self.conv = nn.Conv1d(chin, chout, ker, stride, p)
        conv = nn.Conv2d if freq else nn.Conv1d
        self.norm1 = _norm(norm, groups, chout)
        if not empty:
            self.rewrite = conv(chout, 2 * chout, 1 + 2 * context, 1, context)
            self.norm2 = _norm(norm, groups, 2 * chout)
            self.dconv = DConv(chout, **dconv)

    def forward(self, x, inject=None):
        if not self.freq and x.dim() == 4:
            x = x.reshape(x.shape[0], -1, x.shape[-1])
        if not self.freq and x.shape[-1] % self.stride:
            x = F.pad(x, (0, self.stride - x.shape[-1] % self.stride))
        y = self.conv(x)
        if self.empty:
            return y
        if inject is not None:
            if inject.shape[-1] != y.shape[-1]:
                raise ValueError("the time branch's length does not meet the spectrogram's (a layout not Demucs')")
            y = y + (inject[:, :, None] if inject.dim() == 3 and y.dim() == 4 else inject)
        y = F.gelu(self.norm1(y))
        if self.freq:
            b, c, fr, t = y.shape
            y = self.dconv(y.permute(0, 2, 1, 3).reshape(-1, c, t)).view(b, fr, c, t).permute(0, 2, 1, 3)
        else:
            y = self.dconv(y)
        return F.glu(self.norm2(self.rewrite(y)), dim=1)


class DecLayer(nn.Module):
    def __init__(self, chin, chout, ker, stride, freq, pad, norm, groups, context, last=False, empty=False):
        super().__init__()
        self.freq, self.last, self.empty, self.chin = freq, last, empty, chin
        self.pad = (ker - stride) // 2 if pad else 0
        if freq:
            self.conv_tr = nn.ConvTranspose2d(chin, chout, (ker, 1), (stride, 1))
        else:
            self.conv_tr = nn.ConvTranspose1d(chin, chout, ker, stride)
        self.norm2 = _norm(norm, groups, chout)
        if not empty:
            self.rewrite = (nn.Conv2d if freq else nn.Conv1d)(chin, 2 * chin, 1 + 2 * context, 1, context)
            self.norm1 = _norm(norm, groups, 2 * chin)

    def forward(self, x, skip, length):
        if self.freq and x.dim() == 3:
            x = x.view(x.shape[0], self.chin, -1, x.shape[-1])
        y = x if self.empty else F.glu(self.norm1(self.rewrite(x + skip)), dim=1)
        z = self.norm2(self.conv_tr(y))
        if self.freq:
            z = z[..., self.pad:-self.pad, :] if self.pad else z
        else:
            z = z[..., self.pad:self.pad + length]
        return (z if self.last else F.gelu(z)), y


class HDemucs(nn.Module):
    """[batch, channels, samples] -> [batch, stems, channels, samples]."""
    def __init__(self, cfg: DemucsConfig):
        super().__init__()
        self.cfg = cfg
        self.freq_encoder, self.freq_decoder = nn.ModuleList(), nn.ModuleList()
        self.time_encoder, self.time_decoder = nn.ModuleList(), nn.ModuleList()
        self.freq_emb = None
        chin, chout = cfg.audio_channels, cfg.channels
        chin_z, chout_z, freqs = 2 * chin, cfg.channels, cfg.nfft // 2
        for index in range(cfg.depth):
            norm = index >= cfg.norm_starts
            dconv = {"depth": cfg.dconv_depth, "comp": cfg.dconv_comp, "norm": True,
                     "lstm": index >= cfg.dconv_lstm, "attn": index >= cfg.dconv_attn}
            freq, stri, ker = freqs > 1, cfg.stride, cfg.kernel_size
            if not freq:
                ker, stri = 2 * cfg.time_stride, cfg.time_stride
            pad, last_freq = True, False
            if freq and freqs <= cfg.kernel_size:
                ker, pad, last_freq = freqs, False, True
                chout_z = chout = max(chout, chout_z)
            common = {"norm": norm, "groups": cfg.norm_groups}
            self.freq_encoder.append(EncLayer(chin_z, chout_z, ker, stri, freq, pad, context=cfg.context_enc,
                                              dconv=dconv, **common))
            tker, tstride = cfg.kernel_size, cfg.stride
            if freq and last_freq and cfg.nfft == 2048:
                tker, tstride = 4, 2
            if freq:
                self.time_encoder.append(EncLayer(chin, chout, tker, tstride, False, True, context=cfg.context_enc,
                                                  empty=last_freq, dconv=dconv, **common))
            if index == 0:
                chin = cfg.audio_channels * cfg.sources
                chin_z = 2 * chin
            self.freq_decoder.insert(0, DecLayer(chout_z, chin_z, ker, stri, freq, pad, context=cfg.context,
                                                 last=index == 0, **common))
            if freq:
                self.time_decoder.insert(0, DecLayer(chout, chin, tker, tstride, False, True, context=cfg.context,
                                                     last=index == 0, empty=last_freq, **common))
            chin, chin_z = chout, chout_z
            chout, chout_z = int(cfg.growth * chout), int(cfg.growth * chout_z)
            if freq:
                freqs = 1 if freqs <= cfg.kernel_size else freqs // cfg.stride
            if index == 0 and cfg.freq_emb:
                self.freq_emb = Embedding(freqs, chin_z, cfg.emb_scale)

    def _spec(self, x):
        hl, nfft = self.cfg.nfft // 4, self.cfg.nfft
        le = math.ceil(x.shape[-1] / hl)
        pad = hl // 2 * 3
        right = pad + le * hl - x.shape[-1]
        if x.shape[-1] <= max(pad, right):  # too short to reflect: zeros first (the reference's _pad1d)
            x = F.pad(x, (0, max(pad, right) - x.shape[-1] + 1))
        x = F.pad(x, (pad, right), mode="reflect")
        flat = x.reshape(-1, x.shape[-1])
        z = torch.stft(flat, nfft, hl, window=torch.hann_window(nfft).to(x), win_length=nfft, normalized=True,
                       center=True, return_complex=True, pad_mode="reflect")
        z = z.view(*x.shape[:-1], *z.shape[-2:])[..., :-1, :]
        return z[..., 2:2 + le]

    def _ispec(self, z, length):
        hl = self.cfg.nfft // 4
        z = F.pad(F.pad(z, [0, 0, 0, 1]), [2, 2])
        pad = hl // 2 * 3
        le = hl * math.ceil(length / hl) + 2 * pad
        freqs, frames = z.shape[-2:]
        n_fft = 2 * freqs - 2
        x = torch.istft(z.reshape(-1, freqs, frames), n_fft, hl, window=torch.hann_window(n_fft).to(z.real),
                        win_length=n_fft, normalized=True, length=le, center=True)
        return x.view(*z.shape[:-2], -1)[..., pad:pad + length]

    def forward(self, mix):
        if mix.ndim != 3 or mix.shape[1] != self.cfg.audio_channels:
            raise ValueError(f"Hybrid Demucs takes [batch, {self.cfg.audio_channels}, samples], not "
                             f"{list(mix.shape)}")
        length = mix.shape[-1]
        z = self._spec(mix)
        b, c, fr, t = z.shape
        x = torch.view_as_real(z).permute(0, 1, 4, 2, 3).reshape(b, 2 * c, fr, t)
        mean, std = x.mean(dim=(1, 2, 3), keepdim=True), x.std(dim=(1, 2, 3), keepdim=True)
        x = (x - mean) / (1e-5 + std)
        meant, stdt = mix.mean(dim=(1, 2), keepdim=True), mix.std(dim=(1, 2), keepdim=True)
        xt = (mix - meant) / (1e-5 + stdt)
        saved, saved_t, lengths, lengths_t = [], [], [], []
        for idx, encode in enumerate(self.freq_encoder):
            lengths.append(x.shape[-1])
            inject = None
            if idx < len(self.time_encoder):
                lengths_t.append(xt.shape[-1])
                tenc = self.time_encoder[idx]
                xt = tenc(xt)
                if tenc.empty:
                    inject = xt
                else:
                    saved_t.append(xt)
            x = encode(x, inject)
            if idx == 0 and self.freq_emb is not None:
                emb = self.freq_emb(torch.arange(x.shape[-2], device=x.device)).t()[None, :, :, None]
                x = x + self.cfg.emb_weight * emb.expand_as(x)
            saved.append(x)
        x = torch.zeros_like(x)
        xt = torch.zeros_like(x)
        offset = self.cfg.depth - len(self.time_decoder)
        for idx, decode in enumerate(self.freq_decoder):
            x, pre = decode(x, saved.pop(-1), lengths.pop(-1))
            if idx >= offset:
                tdec = self.time_decoder[idx - offset]
                if tdec.empty:
                    xt, _ = tdec(pre[:, :, 0], None, lengths_t.pop(-1))
                else:
                    xt, _ = tdec(xt, saved_t.pop(-1), lengths_t.pop(-1))
        s = self.cfg.sources
        x = x.view(b, s, -1, fr, t) * std[:, None] + mean[:, None]
        zout = torch.view_as_complex(x.view(b, s, -1, 2, fr, t).permute(0, 1, 2, 4, 5, 3).contiguous())
        spec = self._ispec(zout, length)
        return xt.view(b, s, -1, length) * stdt[:, None] + meant[:, None] + spec


def _first(sd: dict, depth: int, key: str, part: str = "") -> int:
    """The first encoder index with a tensor named from ``key`` ('{i}' its index) holding ``part``, else
    ``depth``."""
    return next((i for i in range(depth) if any(k.startswith(key.format(i=i)) and part in k for k in sd)), depth)


def config_from_state_dict(sd: dict) -> DemucsConfig:
    """The network's shape read from a state dict's tensors (KeyError / ValueError where it is not Hybrid
    Demucs': the caller says so)."""
    depth = len({k.split(".")[1] for k in sd if k.startswith("freq_encoder.")})
    if not depth:
        raise ValueError("no 'freq_encoder.*' tensors: not Hybrid Demucs")
    w0 = sd["freq_encoder.0.conv.weight"]
    channels, audio_channels, kernel = w0.shape[0], w0.shape[1] // 2, w0.shape[2]
    growth = sd["freq_encoder.1.conv.weight"].shape[0] // channels if depth > 1 else 2
    if growth < 1 or channels < 1:
        raise ValueError(f"its layers widen from {channels} channels by {growth}: not a Hybrid Demucs layout")
    out = sd[f"freq_decoder.{depth - 1}.conv_tr.weight"].shape[1]
    if out % (2 * audio_channels):
        raise ValueError(f"its last decoder gives {out} channels, not stems of {audio_channels} complex channels")
    emb = sd.get("freq_emb.embedding.weight")
    if emb is None:
        raise ValueError("no 'freq_emb.embedding.weight': the frequency embedding Hybrid Demucs' n_fft is read from")
    dconv_depth = len({k.split(".")[4] for k in sd if k.startswith("freq_encoder.0.dconv.layers.")})
    hidden = sd["freq_encoder.0.dconv.layers.0.0.weight"].shape[0]
    return DemucsConfig(sources=out // (2 * audio_channels), audio_channels=audio_channels, channels=channels,
                        growth=growth, nfft=emb.shape[0] * 2 * 4, depth=depth, kernel_size=kernel,
                        norm_starts=_first(sd, depth, "freq_encoder.{i}.norm1."), dconv_depth=dconv_depth,
                        dconv_comp=max(1, round(channels / hidden)),
                        dconv_attn=_first(sd, depth, "freq_encoder.{i}.dconv.layers.0.", ".content."),
                        dconv_lstm=_first(sd, depth, "freq_encoder.{i}.dconv.layers.0.", ".lstm."))


def load(sd: dict) -> HDemucs:
    """Hybrid Demucs with ``sd`` loaded strictly (every tensor named and shaped as the layout needs)."""
    return loaded_strictly(HDemucs(config_from_state_dict(sd)), sd, "Hybrid Demucs")
