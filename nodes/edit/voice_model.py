"""Mel-Band RoFormer: the vocal separator behind Isolate Voice, written for Studio after the MIT reference
(lucidrains/BS-RoFormer, bs_roformer/mel_band_roformer.py @ 4056daf5, 2023-10-18) with the parameter names and
shapes of the checkpoints kijai's ComfyUI-MelBandRoFormer loads (KimberleyJensen's vocal model,
'MelBandRoformer_fp16.safetensors'), so such a file loads strictly into it.

The model: a stereo clip's STFT (n_fft 2048, hop 441, window 2048, Hann, at 44.1 kHz) split into overlapping mel
bands (a frequency bin belongs to every band whose Slaney mel triangle covers it, as librosa's ``filters.mel``
draws them: :func:`mel_bands` writes that formula, no librosa), each band's bins (both channels, real and
imaginary) projected to ``dim`` features, then ``depth`` pairs of transformers (over time, then over bands;
rotary positions, gated attention), and one mask estimator per stem giving a complex mask per bin (averaged
where bands overlap) that multiplies the STFT before the inverse STFT.

The shape of the network (dim, depth, heads, bands, stems, the mask estimator's depth) is read from the file's
tensors (:func:`config_from_state_dict`); the STFT settings are the pack's (facts of kijai's loader: dim 384,
depth 6, 60 bands, 8 heads of 64, mask estimator depth 2, n_fft 2048, hop 441, 44100 Hz). The network's modules
are in voice_net.py (torch imported there, when a model is built); this module is plain numpy."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .state_fit import loaded_strictly

RATE = 44100
N_FFT = 2048
HOP = 441
WIN = 2048


@dataclass(frozen=True)
class VoiceConfig:
    dim: int
    depth: int
    heads: int
    dim_head: int
    num_bands: int
    stereo: bool = True
    num_stems: int = 1
    time_depth: int = 1
    freq_depth: int = 1
    mask_depth: int = 2
    n_fft: int = N_FFT  # the STFT (the pack's settings; no checkpoint holds them)
    hop: int = HOP
    win: int = WIN


def _hz_to_mel(f):
    """Slaney's mel scale (librosa's default, htk=False): linear below 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0
    lin = f / f_sp
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, lin)


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_bands(num_bands: int, rate: int = RATE, n_fft: int = N_FFT) -> np.ndarray:
    """[num_bands, n_fft // 2 + 1] booleans: which STFT bins each band holds. A bin is in a band where the
    band's triangular Slaney mel filter (fmin 0, fmax rate / 2) is above zero there; the first bin is given to
    the first band and the last bin to the last (the reference does so: the triangles leave them out)."""
    n_bins = n_fft // 2 + 1
    fft_f = np.linspace(0.0, rate / 2, n_bins)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(rate / 2), num_bands + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_f[None, :]
    w = np.zeros((num_bands, n_bins), dtype=np.float32)  # float32 as librosa keeps the weights
    for i in range(num_bands):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = np.maximum(0.0, np.minimum(lower, upper))
    bands = w > 0
    bands[0, 0] = True
    bands[-1, -1] = True
    if not bands.any(axis=0).all():
        raise ValueError(f"{num_bands} mel bands leave STFT bins uncovered (n_fft {n_fft}): not a Mel-Band "
                         "RoFormer layout")
    return bands


def build(cfg: VoiceConfig):
    """The network for ``cfg`` (voice_net.py: torch is imported there, when a model is built)."""
    from .voice_net import MelBandRoformer
    return MelBandRoformer(cfg, mel_bands(cfg.num_bands, RATE, cfg.n_fft))


_LAYER = re.compile(r"^layers\.(\d+)\.(\d)\.layers\.(\d+)\.")


def config_from_state_dict(sd: dict) -> VoiceConfig:
    """The network's shape read from a checkpoint's tensors (KeyError/ValueError where it is not a Mel-Band
    RoFormer: the caller says so)."""
    nb = len({k.split(".")[2] for k in sd if k.startswith("band_split.to_features.")})
    if not nb:
        raise ValueError("no 'band_split.to_features.*' tensors: not a Mel-Band RoFormer")
    dim = sd["band_split.to_features.0.1.weight"].shape[0]
    first_in = sd["band_split.to_features.0.1.weight"].shape[1]
    bins0 = int(mel_bands(nb)[0].sum())
    if first_in == 4 * bins0:
        stereo = True
    elif first_in == 2 * bins0:
        stereo = False
    else:
        raise ValueError(f"its first band takes {first_in} inputs; {nb} mel bands of a {N_FFT}-point STFT give "
                         f"{4 * bins0} (stereo) or {2 * bins0} (mono)")
    depth = time_depth = freq_depth = 0
    for k in sd:
        m = _LAYER.match(k)
        if m:
            depth = max(depth, int(m[1]) + 1)
            if m[2] == "0":
                time_depth = max(time_depth, int(m[3]) + 1)
            else:
                freq_depth = max(freq_depth, int(m[3]) + 1)
    heads = sd["layers.0.0.layers.0.0.to_gates.weight"].shape[0]
    dim_head = sd["layers.0.0.layers.0.0.to_qkv.weight"].shape[0] // (3 * heads)
    stems = len({k.split(".")[1] for k in sd if k.startswith("mask_estimators.")})
    linears = len({k.split(".")[5] for k in sd if k.startswith("mask_estimators.0.to_freqs.0.0.")})
    return VoiceConfig(dim=dim, depth=depth, heads=heads, dim_head=dim_head, num_bands=nb, stereo=stereo,
                       num_stems=stems, time_depth=time_depth, freq_depth=freq_depth, mask_depth=max(1, linears - 1))


def load(sd: dict):
    """The network with ``sd`` loaded strictly (rotary frequencies may be absent: they are computed)."""
    return loaded_strictly(build(config_from_state_dict(sd)), sd, "a Mel-Band RoFormer",
                           computed=lambda k: k.endswith("rotary_embed.freqs"))
