"""Encoder and fusion timings, each against a baseline measured in the same run.

    .venv/bin/python benchmarks/bench_encoders.py

* text: load all-MiniLM-L6-v2 (our BERT over tokenizers + safetensors) and encode 100 prompts,
  batched vs one prompt at a time (baseline);
* audio: 60 s of audio to per-frame features; the mel spectrogram against a plain numpy
  framing + rfft implementation (baseline) and against librosa when it is importable;
* image: frames per second of the ResNet encoder, chunks of 16 vs one frame at a time;
* fusion: one forward of each fusion network over 240 frames.
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from studio.core.values import Audio  # noqa: E402
from nodes.encoders import audio as A  # noqa: E402
from nodes.encoders import image as I  # noqa: E402
from nodes.encoders import text as T  # noqa: E402
from nodes.encoders.common import seeded  # noqa: E402
from nodes.fusion import modules as M  # noqa: E402


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def bench_text():
    if not T.default_model_available():
        print("text: default model not installed, skipped")
        return
    t = time.perf_counter()
    enc = T.load_sentence_encoder()
    load = time.perf_counter() - t
    colors, shapes, dirs = ["red", "green", "blue", "yellow", "white"], ["circle", "square", "triangle", "star"], \
        ["left", "right", "up", "down", "in circles"]
    prompts = [f"a {c} {s} moving {d}" for c in colors for s in shapes for d in dirs][:100]
    batched = timed(lambda: enc.encode(prompts))
    single = timed(lambda: [enc.encode([p]) for p in prompts], repeat=1)
    print(f"text: load {load:.3f} s (weights sha256 checked), 100 prompts batched {batched:.3f} s, "
          f"one at a time {single:.3f} s (baseline) -> {single / batched:.1f}x")


def numpy_mel(y: np.ndarray, rate: int, n_fft: int = 2048, hop: int = 512, n_mels: int = 128) -> np.ndarray:
    yp = np.pad(y, n_fft // 2)
    frames = np.lib.stride_tricks.sliding_window_view(yp, n_fft)[::hop]
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    spec = np.abs(np.fft.rfft(frames * win, axis=1)) ** 2
    return A.mel_filterbank(rate, n_fft, n_mels).numpy() @ spec.T


def bench_audio():
    rate = 22050
    y = (np.random.default_rng(0).standard_normal(60 * rate) * 0.1).astype(np.float32)
    yt = torch.from_numpy(y)
    ours = timed(lambda: A.melspectrogram(yt, rate))
    base = timed(lambda: numpy_mel(y, rate))
    diff = np.abs(A.melspectrogram(yt, rate).numpy() - numpy_mel(y, rate)).max()
    full = timed(lambda: A.analyse(Audio(y, rate), 60 * 24, 24.0), repeat=2)
    print(f"audio: 60 s mel torch.stft {ours:.3f} s, numpy rfft {base:.3f} s (baseline) -> {base / ours:.1f}x "
          f"(max diff {diff:.1e}); all features per video frame (mel, MFCC, onsets, beats, loudness) {full:.3f} s")
    try:
        import librosa  # noqa: PLC0415
    except ImportError:
        print("audio: librosa not installed, comparison skipped")
        return
    t = time.perf_counter()
    librosa.feature.melspectrogram(y=y, sr=rate)
    first = time.perf_counter() - t
    warm = timed(lambda: librosa.feature.melspectrogram(y=y, sr=rate))
    print(f"audio: librosa mel first call {first:.2f} s, warm {warm:.3f} s -> ours {warm / ours:.1f}x of warm")


def bench_image():
    m = seeded(lambda: I.ResNetEncoder(32, 128), 0).eval()
    frames = np.random.default_rng(0).random((32, 240, 320, 3), dtype=np.float32)
    with torch.no_grad():
        chunked = timed(lambda: [m(I.prepare(frames[a:a + 16], 128, 96)) for a in range(0, 32, 16)], repeat=2)
        single = timed(lambda: [m(I.prepare(frames[a:a + 1], 128, 96)) for a in range(32)], repeat=2)
    print(f"image: 32 frames 320x240 -> 128x96, chunks of 16 {32 / chunked:.0f} fps, "
          f"one at a time {32 / single:.0f} fps (baseline) -> {single / chunked:.1f}x")


def bench_fusion():
    xs = [torch.randn(1, 240, 128), torch.randn(1, 12, 384), torch.randn(1, 240, 88), None]
    kinds = ["frame", "seq", "frame", None]
    base = None
    for kind, cls in M.MODULES.items():
        kw = {"heads": 4} if kind == "cross_attention" else {}
        m = seeded(lambda: cls([128, 384, 88, None], 64, list("abcd"), **kw), 0).eval()
        with torch.no_grad():
            dt = timed(lambda: m(xs, kinds))
        base = base or dt
        print(f"fusion: {kind:15s} 240 frames {dt * 1000:6.1f} ms ({dt / base:.1f}x concat)")


if __name__ == "__main__":
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    bench_text()
    bench_audio()
    bench_image()
    bench_fusion()
