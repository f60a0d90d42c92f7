"""Audio features aligned with video frames: mel spectrogram, MFCC, onset strength, onsets,
beats and loudness, and a small trainable 1-D CNN over the log-mel.

Implemented in torch/numpy after librosa's definitions (Slaney mel scale and filter norm,
periodic Hann window, centred frames with zero padding, ``power_to_db`` with ``top_db=80``,
orthonormal DCT-II for MFCC, spectral-flux onset strength on the dB mel with librosa's
``lag + n_fft // (2 hop)`` leading zeros, ``peak_pick`` onsets and Ellis' dynamic-programming
beat tracker). librosa itself costs ~30 s of numba compilation on its first call and 428 MB of
dependencies; tests compare with it where it is installed.

Time alignment: the audio is cut or zero-padded to the video's duration (T / fps), analysed
with a hop of at most half a video frame, and audio frame k (centred at k * hop / rate) is
averaged into video frame floor(k * hop / rate * fps); onset strength takes the maximum.
"""
from __future__ import annotations

import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from studio.core.params import Choice, Float, Int, Path, Seed
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio, Features, ModelRef

from .common import load_state, read_checkpoint, save_checkpoint, seeded

AMIN = 1e-10
TOP_DB = 80.0


# ------------------------------------------------------------------------------------------
# librosa-compatible primitives (1-D float tensors)
def hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney mel scale (librosa's default, htk=False)."""
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0
    lin = f / f_sp
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-12) / min_log_hz) / logstep, lin)


def mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filterbank(rate: int, n_fft: int, n_mels: int = 128, fmin: float = 0.0,
                   fmax: float | None = None) -> torch.Tensor:
    """[n_mels, 1 + n_fft // 2] triangular filters with Slaney area normalisation (librosa.filters.mel)."""
    fmax = rate / 2.0 if fmax is None else fmax
    fftfreqs = np.linspace(0, rate / 2.0, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fftfreqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    w = np.maximum(0, np.minimum(lower, upper))
    w *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return torch.from_numpy(w.astype(np.float32))


def power_spectrogram(y: torch.Tensor, n_fft: int = 2048, hop: int = 512) -> torch.Tensor:
    """|STFT|^2, [1 + n_fft // 2, frames], centred frames, zero padding, periodic Hann."""
    win = torch.hann_window(n_fft, periodic=True, dtype=y.dtype, device=y.device)
    if y.shape[-1] < n_fft // 2 + 1:  # reflect-free short input: pad so the centred frame fits
        y = F.pad(y, (0, n_fft // 2 + 1 - y.shape[-1]))
    s = torch.stft(y, n_fft, hop, window=win, center=True, pad_mode="constant", return_complex=True)
    return s.real ** 2 + s.imag ** 2


def melspectrogram(y: torch.Tensor, rate: int, n_fft: int = 2048, hop: int = 512, n_mels: int = 128) -> torch.Tensor:
    """Mel power spectrogram [n_mels, frames] (librosa.feature.melspectrogram)."""
    fb = mel_filterbank(rate, n_fft, n_mels).to(y.device, y.dtype)
    return fb @ power_spectrogram(y, n_fft, hop)


def power_to_db(s: torch.Tensor, top_db: float | None = TOP_DB) -> torch.Tensor:
    """10 log10(S) with ref 1.0, floored at ``max - top_db`` (librosa.power_to_db)."""
    db = 10.0 * torch.log10(torch.clamp(s, min=AMIN))
    if top_db is not None:
        db = torch.maximum(db, db.max() - top_db)
    return db


def dct_matrix(n_out: int, n_in: int) -> torch.Tensor:
    """Orthonormal DCT-II [n_out, n_in] (scipy.fft.dct(norm='ortho'))."""
    k = np.arange(n_out)[:, None]
    n = np.arange(n_in)[None, :]
    m = np.cos(np.pi * k * (2 * n + 1) / (2 * n_in)) * math.sqrt(2.0 / n_in)
    m[0] /= math.sqrt(2.0)
    return torch.from_numpy(m.astype(np.float32))


def mfcc(mel_db: torch.Tensor, n_mfcc: int = 20) -> torch.Tensor:
    """[n_mfcc, frames] from a dB mel spectrogram (librosa.feature.mfcc)."""
    return dct_matrix(n_mfcc, mel_db.shape[0]).to(mel_db) @ mel_db


def onset_strength(mel_db: torch.Tensor, n_fft: int = 2048, hop: int = 512, lag: int = 1) -> torch.Tensor:
    """Spectral flux: mean over bands of max(0, S[t] - S[t - lag]), padded like librosa
    (``lag + n_fft // (2 hop)`` leading zeros, cut to the spectrogram's length)."""
    diff = torch.clamp(mel_db[:, lag:] - mel_db[:, :-lag], min=0).mean(0)
    pad = lag + n_fft // (2 * hop)
    return F.pad(diff, (pad, 0))[: mel_db.shape[1]]


def rms(y: torch.Tensor, frame_length: int = 2048, hop: int = 512) -> torch.Tensor:
    """Root mean square per centred frame (librosa.feature.rms with zero padding)."""
    yp = F.pad(y, (frame_length // 2, frame_length // 2))
    if yp.shape[-1] < frame_length:
        yp = F.pad(yp, (0, frame_length - yp.shape[-1]))
    frames = yp.unfold(-1, frame_length, hop)
    return torch.sqrt((frames ** 2).mean(-1))


def peak_pick(x: np.ndarray, pre_max: int, post_max: int, pre_avg: int, post_avg: int,
              delta: float, wait: int) -> np.ndarray:
    """Indices n where x[n] is the maximum of x[n-pre_max : n+post_max], at least ``delta`` above
    the mean of x[n-pre_avg : n+post_avg], and ``wait`` after the previous one (librosa.util.peak_pick)."""
    n = len(x)
    if n == 0:
        return np.zeros(0, np.int64)
    from numpy.lib.stride_tricks import sliding_window_view as sw
    padm = np.pad(x, (pre_max, post_max - 1), constant_values=-np.inf)
    mov_max = sw(padm, pre_max + post_max).max(-1)[:n]
    c = np.concatenate([[0.0], np.cumsum(x)])
    lo = np.clip(np.arange(n) - pre_avg, 0, n)
    hi = np.clip(np.arange(n) + post_avg, 0, n)
    mov_avg = (c[hi] - c[lo]) / np.maximum(hi - lo, 1)
    cand = np.flatnonzero((x == mov_max) & (x >= mov_avg + delta))
    out, last = [], -np.inf
    for i in cand:  # few candidates: the greedy wait is cheap
        if i > last + wait:
            out.append(i)
            last = i
    return np.asarray(out, np.int64)


def detect_onsets(env: np.ndarray, rate: int, hop: int) -> np.ndarray:
    """Onset frame indices of an onset-strength envelope (librosa.onset.onset_detect defaults)."""
    if env.size == 0 or env.max() <= env.min():
        return np.zeros(0, np.int64)
    e = (env - env.min()) / (env.max() - env.min())
    fr = rate / hop
    return peak_pick(e, pre_max=max(1, int(0.03 * fr)), post_max=int(0.0 * fr) + 1,
                     pre_avg=int(0.10 * fr), post_avg=int(0.10 * fr) + 1, delta=0.07, wait=int(0.03 * fr))


def estimate_tempo(env: np.ndarray, rate: int, hop: int, start_bpm: float = 120.0,
                   max_bpm: float = 320.0) -> float:
    """Beats per minute: autocorrelation of the onset envelope (up to 8 s of lag) weighted by a
    log-normal prior around ``start_bpm`` (as librosa.feature.tempo)."""
    fr = rate / hop
    n = len(env)
    if n < 4 or not np.any(env > 0):
        return 0.0
    e = env - env.mean()
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spec = np.fft.rfft(e, size)
    ac = np.fft.irfft(spec * np.conj(spec), size)[: min(n, int(8 * fr) + 1)]
    lags = np.arange(1, len(ac))
    bpm = 60.0 * fr / lags
    prior = -0.5 * ((np.log2(bpm) - np.log2(start_bpm)) / 1.0) ** 2
    score = np.log1p(1e6 * np.maximum(ac[1:], 0) / max(ac[0], 1e-12)) + prior
    score[bpm > max_bpm] = -np.inf
    return float(bpm[int(np.argmax(score))])


def track_beats(env: np.ndarray, rate: int, hop: int, bpm: float, tightness: float = 100.0) -> np.ndarray:
    """Beat frame indices by Ellis' dynamic programming (librosa.beat.beat_track's tracker)."""
    if bpm <= 0 or len(env) < 2 or not np.any(env > 0):
        return np.zeros(0, np.int64)
    fr = rate / hop
    period = max(1, int(round(60.0 * fr / bpm)))
    sd = env.std(ddof=1)
    norm = env / sd if sd > 0 else env
    win = np.exp(-0.5 * (np.arange(-period, period + 1) * 32.0 / period) ** 2)
    local = np.convolve(norm, win, "same")
    n = len(local)
    window = np.arange(-2 * period, -max(1, int(round(period / 2))) + 1)  # lags >= 1 (a 1-frame period: log 0)
    txwt = -tightness * np.log(-window / period) ** 2
    cum = np.zeros(n)
    back = np.full(n, -1, np.int64)
    first, thresh = True, 0.01 * local.max()
    for i in range(n):
        z = max(0, min(-window[0], len(window)))
        cand = txwt.copy()
        cand[z:] += cum[window[z:]]
        j = int(np.argmax(cand))
        cum[i] = local[i] + cand[j]
        if first and local[i] < thresh:
            back[i] = -1
        else:
            back[i] = window[j]
            first = False
        window = window + 1
    # last beat: the last local maximum of the cumulative score above half their median
    peaks = np.flatnonzero((cum[1:-1] > cum[:-2]) & (cum[1:-1] >= cum[2:])) + 1
    if peaks.size == 0:
        return np.zeros(0, np.int64)
    med = np.median(cum[peaks])
    last = int(peaks[cum[peaks] >= 0.5 * med].max())
    beats = [last]
    while back[beats[-1]] >= 0:
        beats.append(int(back[beats[-1]]))
    beats = np.asarray(beats[::-1], np.int64)
    # trim weak beats at the ends (librosa's __trim_beats)
    sm = np.convolve(local[beats], np.hanning(5), "same")
    th = 0.5 * np.sqrt((sm ** 2).mean())
    keep = np.flatnonzero(sm >= th)
    return beats[keep.min():keep.max() + 1] if keep.size else beats


# ------------------------------------------------------------------------------------------
def frames_of(n_audio_frames: int, hop: int, rate: int, fps: float, n_frames: int) -> np.ndarray:
    """The video frame under each audio frame (centre k * hop / rate)."""
    t = np.arange(n_audio_frames) * hop / rate
    return np.floor(t * fps + 1e-9).astype(np.int64).clip(0, n_frames)  # n_frames = past the end


def to_video_frames(x: torch.Tensor, hop: int, rate: int, fps: float, n_frames: int,
                    reduce: str = "mean") -> torch.Tensor:
    """[C, K] audio-frame features -> [T, C] per video frame (mean or max), differentiable.
    A video frame no audio frame falls in (fps above rate / hop) takes the nearest audio frame."""
    c, k = x.shape
    v = torch.from_numpy(frames_of(k, hop, rate, fps, n_frames)).to(x.device)
    inside = v < n_frames
    xs, vs = x[:, inside].T, v[inside]
    if reduce == "max":
        out = torch.full((n_frames, c), float("-inf"), dtype=x.dtype, device=x.device)
        out = out.scatter_reduce(0, vs[:, None].expand(-1, c), xs, "amax", include_self=True)
        counts = torch.bincount(vs, minlength=n_frames)
    else:
        out = torch.zeros(n_frames, c, dtype=x.dtype, device=x.device).index_add(0, vs, xs)
        counts = torch.bincount(vs, minlength=n_frames)
        out = out / counts.clamp_min(1)[:, None].to(x.dtype)
    empty = counts == 0
    if bool(empty.any()):
        centre = ((torch.arange(n_frames, device=x.device) + 0.5) / fps * rate / hop).round().long().clamp(0, k - 1)
        out = torch.where(empty[:, None], x[:, centre].T, out)
    return out


def events_to_frames(times: np.ndarray, fps: float, n_frames: int) -> torch.Tensor:
    col = torch.zeros(n_frames)
    idx = np.floor(np.asarray(times) * fps + 1e-9).astype(np.int64)
    idx = idx[(idx >= 0) & (idx < n_frames)]
    col[torch.from_numpy(idx)] = 1.0
    return col


def check_audio(audio: Audio) -> np.ndarray:
    """Mono float32 samples, or a clear error for empty, silent or broken audio."""
    if audio is None:
        raise ValueError("no audio: connect an Audio input (or a video with sound)")
    if audio.n_samples == 0:
        raise ValueError("the audio has no samples (zero length)")
    if not np.isfinite(audio.samples).all():  # before mixing down: inf - inf would warn, then fail
        raise ValueError("the audio contains NaN or infinite samples")
    with np.errstate(over="ignore"):  # float32 channels near the float limit overflow when summed
        y = audio.samples.astype(np.float64).mean(axis=1)
    if not np.all(np.isfinite(y)) or float(np.abs(y).max()) > 1e6:
        raise ValueError("the audio's samples are far outside [-1, 1] (not sound data?)")
    if float(np.abs(y).max()) < 1e-6:
        raise ValueError("the audio is silent (every sample is zero): nothing to analyse")
    return y.astype(np.float32, copy=False)


def analyse(audio: Audio, n_frames: int, fps: float, n_mels: int = 64, n_mfcc: int = 20,
            n_fft: int = 2048) -> dict:
    """Every hand-made feature per video frame, plus event times. See the module docstring."""
    if n_frames <= 0:
        raise ValueError("the video has no frames")
    y = check_audio(audio)
    rate = audio.rate
    want = int(round(n_frames / fps * rate))
    y = y[:want] if len(y) >= want else np.pad(y, (0, want - len(y)))
    if not np.abs(y).max() > 1e-6:
        raise ValueError("the audio is silent under the video's frames")
    hop = int(max(32, min(512, rate / fps / 2)))
    n_fft = int(min(n_fft, 1 << int(np.ceil(np.log2(max(64, 4 * hop))))))
    yt = torch.from_numpy(np.ascontiguousarray(y))
    mel_db = power_to_db(melspectrogram(yt, rate, n_fft, hop, n_mels))
    mf = mfcc(mel_db, n_mfcc)
    env = onset_strength(mel_db, n_fft, hop)
    loud = 20.0 * torch.log10(torch.clamp(rms(yt, n_fft, hop), min=1e-5))[: mel_db.shape[1]]
    env_np = env.numpy().astype(np.float64)
    onset_t = detect_onsets(env_np, rate, hop) * hop / rate
    bpm = estimate_tempo(env_np, rate, hop)
    beat_t = track_beats(env_np, rate, hop, bpm) * hop / rate
    per = dict(
        mel=to_video_frames(mel_db, hop, rate, fps, n_frames),
        mfcc=to_video_frames(mf, hop, rate, fps, n_frames),
        onset_strength=to_video_frames(env[None], hop, rate, fps, n_frames, "max"),
        onset=events_to_frames(onset_t, fps, n_frames)[:, None],
        beat=events_to_frames(beat_t, fps, n_frames)[:, None],
        loudness=to_video_frames(loud[None], hop, rate, fps, n_frames),
    )
    return {"per_frame": per, "onset_times": onset_t, "beat_times": beat_t, "tempo": bpm,
            "hop": hop, "n_fft": n_fft, "mel_db": mel_db}


# ------------------------------------------------------------------------------------------
class AudioCNN(nn.Module):
    """A small 1-D CNN over the log-mel: [B, n_mels, K] -> [B, dim, K] (same length)."""

    def __init__(self, n_mels: int = 64, dim: int = 64, layers: int = 3, kernel: int = 5):
        super().__init__()
        self.config = {"kind": "audio.cnn", "n_mels": n_mels, "dim": dim, "layers": layers, "kernel": kernel}
        mods, c = [], n_mels
        for i in range(layers):
            mods += [nn.Conv1d(c, dim, kernel, padding=kernel // 2, dilation=1), nn.GroupNorm(1, dim), nn.GELU()]
            c = dim
        self.net = nn.Sequential(*mods)
        self.out = nn.Conv1d(dim, dim, 1)

    def forward(self, mel_db: torch.Tensor) -> torch.Tensor:
        x = (mel_db + 40.0) / 40.0  # dB around a usable range
        return self.out(self.net(x))


class AudioEncoder(Node):
    """Audio into per-video-frame features: log-mel, MFCC, onset strength, onsets, beats and
    loudness (mode 'features'), or a trainable 1-D CNN over the log-mel (mode 'cnn').
    Frame t of the output belongs to video frame t at the video's fps."""
    id = "encode.audio"
    title = "Audio Encoder"
    category = "Encode"
    timing = CLIP
    code_version = 1
    inputs = (In("audio", "Audio", optional=True, help="the sound; default: the video's own"),
              In("video", "Video", optional=True, help="gives the frame count and fps to align to"))
    outputs = (Out("features", "Features", help="[T, D] per video frame; names label the columns"),
               Out("mel", "Features", help="[T, n_mels] log-mel (dB) per video frame"),
               Out("model", "Model", help="the CNN (mode 'cnn')"))
    params = (Choice("mode", "features", choices=("features", "cnn"),
                     help="features: hand-made features; cnn: a trainable 1-D CNN over the log-mel"),
              Float("fps", 24.0, min=1.0, max=240.0, help="frames per second when no video is connected"),
              Int("frames", 0, min=0, max=10_000_000, help="frame count when no video is connected; 0: the audio's length"),
              Int("mels", 64, min=8, max=256, help="mel bands"),
              Int("mfcc", 20, min=1, max=64, help="MFCC coefficients"),
              Int("dim", 64, min=4, max=1024, help="CNN feature size"),
              Path("checkpoint", "", mode="open", filters="Safetensors (*.safetensors)",
                   help="trained CNN weights; empty: initialised from the seed"),
              Seed("seed", 0, help="initialises the CNN"))

    @classmethod
    def model_families(cls) -> list[dict]:
        """The audio encoder it reads (main.py families, Help > Model families)."""
        return [{"kind": "audio encoder", "family": "studio-audio-cnn", "name": "Studio's audio CNN",
                 "variants": ["features: log-mel, MFCC, onsets, beats, loudness (no model)",
                              "cnn: a 1-D CNN over the log-mel, trained in Studio"],
                 "tasks": ["sound"], "inputs": {"sound": ["audio"]},
                 "formats": ["Studio's own checkpoint of the CNN (.safetensors)"]}]

    def run(self, ctx, audio=None, video=None):
        p = ctx.params
        if audio is None and video is not None:
            audio = video.audio
        if audio is None:
            raise ValueError("no audio: connect an Audio input or a video that has sound")
        if p.mfcc > p.mels:
            raise ValueError(f"mfcc ({p.mfcc}) cannot exceed mels ({p.mels})")
        fps = video.fps if video is not None else p.fps
        n = video.n_frames if video is not None else (p.frames or max(1, int(math.ceil(audio.duration * fps - 1e-9))))
        a = analyse(audio, n, fps, p.mels, p.mfcc)
        per = a["per_frame"]
        extras = {"onset_times": a["onset_times"].tolist(), "beat_times": a["beat_times"].tolist(),
                  "tempo": a["tempo"], "onset_strength": per["onset_strength"][:, 0],
                  "loudness": per["loudness"][:, 0], "onset": per["onset"][:, 0], "beat": per["beat"][:, 0]}
        mel = Features(per["mel"], per_frame=True, fps=fps, names=[f"mel{i}" for i in range(p.mels)],
                       extras={"kind": "mel_db"})
        module, config = None, {}
        if p.mode == "cnn":
            if p.checkpoint:
                config, state = read_checkpoint(p.checkpoint, "audio.cnn")
                module = AudioCNN(**{k: v for k, v in config.items() if k != "kind"})
                load_state(module, state, p.checkpoint)
                if config["n_mels"] != p.mels:
                    raise ValueError(f"the checkpoint expects {config['n_mels']} mel bands, the node makes {p.mels}")
            else:
                module = seeded(lambda: AudioCNN(p.mels, p.dim), ctx.seed)
            module = module.to(ctx.device).eval()
            with torch.no_grad():
                h = module(a["mel_db"][None].to(ctx.device))[0].cpu()
            if not torch.isfinite(h).all():
                raise ValueError("the CNN gives NaN or infinite features"
                                 + (f" (are the weights in {os.path.basename(p.checkpoint)} corrupt?)"
                                    if p.checkpoint else ""))
            data = to_video_frames(h, a["hop"], audio.rate, fps, n)
            names = [f"cnn{i}" for i in range(data.shape[1])]
            config = module.config
        else:
            cols = [("mel", p.mels), ("mfcc", p.mfcc), ("onset_strength", 1), ("onset", 1), ("beat", 1), ("loudness", 1)]
            data = torch.cat([per[k] for k, _ in cols], dim=1)
            names, spans, at = [], {}, 0
            for k, w in cols:
                names += [k if w == 1 else f"{k}{i}" for i in range(w)]
                spans[k] = (at, at + w)
                at += w
            extras["columns"] = spans
        feats = Features(data.float(), per_frame=True, fps=fps, names=names, extras=extras)
        return {"features": feats, "mel": mel, "model": ModelRef(module, config, "audio.cnn") if module is not None else None}


def save_audio_cnn(module: AudioCNN, path: str) -> None:
    save_checkpoint(module, module.config, path)
