"""Speech Features: a voice as the voice-driven video models read it (issue 58, item 1).

The talking-portrait models condition on a speech encoder's hidden states, one vector per video
frame: InfiniteTalk / MultiTalk and Wan S2V on wav2vec2's, HuMo on Whisper's encoder. Both come
from the user's models folder as a Hugging Face folder (Load Preprocessor, kind 'speech') and run
through transformers' own classes (``Wav2Vec2Model``, ``WhisperModel``'s encoder) and feature
extractors, so the features are the library's, bit for bit, for the same samples.

The sound is mixed to mono and resampled to the extractor's rate (16 kHz), encoded in windows of
at most 30 s (Whisper's own window; wav2vec2 the same, so memory stays bounded on long takes),
and the encoder's frames (50 a second for both) are linearly interpolated to the video's frames,
as MultiTalk's reference does it (MeiGen-AI/MultiTalk, ``src/audio_analysis/wav2vec2.py``,
``linear_interpolation``: ``F.interpolate(features.transpose(1, 2), size=seq_len,
align_corners=True, mode='linear')``; seq_len = seconds x fps). ``layers='all'`` stacks every
hidden state (the embeddings' output and each layer's), as InfiniteTalk and S2V read them.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio, Features

from ..edit.audio import resample
from ..preprocess.hf import model_input

WINDOW_S = 30.0  # Whisper's window; wav2vec2 is encoded in windows as long
ENCODER_HZ = 50  # hidden states a second: wav2vec2's conv stack (stride 320 at 16 kHz), Whisper's encoder
MAX_SECONDS = 3600.0


class SpeechFeaturesError(StudioError):
    pass


def mono_at(audio: Audio, rate: int) -> np.ndarray:
    """The sound mixed to one channel at ``rate`` Hz, float32."""
    a = resample(audio, rate) if audio.rate != rate else audio
    x = a.samples
    return (x.mean(axis=1) if x.shape[1] > 1 else x[:, 0]).astype(np.float32, copy=False)


def encode_window(model, extractor, samples: np.ndarray, layers: str) -> torch.Tensor:
    """One window's hidden states, [n, D] (``layers='last'``) or [n, L+1, D] (``'all'``), as
    transformers' model called on the extractor's output gives them."""
    dev = next(model.parameters()).device
    dtype = next(model.parameters()).dtype
    rate = extractor.sampling_rate
    kind = type(model).__name__
    with torch.no_grad():
        if kind.startswith("Whisper"):
            inp = extractor(samples, sampling_rate=rate, return_tensors="pt")
            enc = model.get_encoder() if hasattr(model, "get_encoder") else model
            out = enc(inp.input_features.to(dev, dtype), output_hidden_states=layers == "all")
            n = max(1, int(math.ceil(len(samples) / rate * ENCODER_HZ)))  # the window's speech, not its padding
        else:
            inp = extractor(samples, sampling_rate=rate, return_tensors="pt")
            out = model(inp.input_values.to(dev, dtype), output_hidden_states=layers == "all")
            n = out.last_hidden_state.shape[1]
    h = torch.stack(out.hidden_states, dim=2)[0] if layers == "all" else out.last_hidden_state[0]
    return h[:n].float().cpu()


def to_frames(h: torch.Tensor, seconds: float, fps: float, frames: int) -> torch.Tensor:
    """Encoder frames [n, ...] linearly interpolated to ``frames`` video frames (MultiTalk's
    alignment: seq_len video frames over the same span, corners aligned)."""
    n = h.shape[0]
    flat = h.reshape(n, -1).T[None]  # [1, D', n]
    out = F.interpolate(flat, size=frames, mode="linear", align_corners=True) if n > 1 else flat.expand(1, -1, frames)
    return out[0].T.reshape(frames, *h.shape[1:]).contiguous()


class SpeechFeatures(Node):
    """A voice as the talking-portrait models read it: a speech encoder's hidden states (wav2vec2 or
    Whisper, from Load Preprocessor's 'speech' kind) for each video frame. Connect a Load Audio (its
    in/out range is what is encoded) and a video (or set fps and frames). Two speakers: one node per
    voice."""
    id = "encode.speech"
    title = "Speech Features"
    category = "Encode"
    timing = CLIP
    code_version = 1
    keywords = ("voice", "wav2vec2", "whisper", "lip sync", "talking")
    inputs = (In("model", "Model", help="a speech encoder from Load Preprocessor (kind 'speech')"),
              In("audio", "Audio", optional=True, help="the voice; default: the video's own sound"),
              In("video", "Video", optional=True, help="gives the frame count and fps to align to"))
    outputs = (Out("features", "Features", help="[T, D] per video frame (layers 'all': [T, (L+1) x D])"),)
    params = (Choice("layers", "last", choices=("last", "all"),
                     help="last: the encoder's last hidden state; all: every hidden state stacked "
                          "(InfiniteTalk and Wan S2V read all of wav2vec2's)"),
              Float("fps", 25.0, min=1.0, max=240.0, help="frames per second when no video is connected"),
              Int("frames", 0, min=0, max=10_000_000, special="the audio's length",
                  help="frame count when no video is connected; 0: the audio's length"))

    def run(self, ctx, model=None, audio=None, video=None):
        p = ctx.params
        ref = model_input(model, "speech", self.title)
        if audio is None and video is not None:
            audio = video.audio
        if audio is None:
            raise SpeechFeaturesError(f"{self.title}: no voice: connect an Audio input or a video that has sound")
        if audio.n_samples == 0:
            raise SpeechFeaturesError(f"{self.title}: the sound is empty (0 samples)")
        if audio.duration > MAX_SECONDS:
            raise SpeechFeaturesError(f"{self.title}: the sound lasts {audio.duration:.0f} s; at most "
                                      f"{MAX_SECONDS:.0f} s are encoded in one take")
        fps = float(video.fps) if video is not None else float(p.fps)
        frames = int(video.n_frames) if video is not None else (
            int(p.frames) or max(1, int(math.ceil(audio.duration * fps - 1e-9))))
        extractor = ref.processor
        rate = int(extractor.sampling_rate)
        x = mono_at(audio, rate)
        if not np.isfinite(x).all():
            raise SpeechFeaturesError(f"{self.title}: the sound holds NaN or infinite samples")
        take_s = frames / fps
        voice_frames = min(frames, int(round(audio.duration * fps)))  # frames the voice covers (half a frame kept)
        if audio.duration + 0.5 / fps < take_s:
            ctx.info(f"the voice lasts {audio.duration:.2f} s, the take {take_s:.2f} s: the frames past the voice "
                     "are given silence")
            x = np.concatenate([x, np.zeros(int(round(take_s * rate)) - len(x), np.float32)])
        elif audio.duration > take_s + 0.5 / fps:
            ctx.info(f"the voice lasts {audio.duration:.2f} s, the take {take_s:.2f} s: the first {take_s:.2f} s "
                     "are encoded")
            x = x[:int(round(take_s * rate))]
        silent = float(np.abs(x).max(initial=0.0)) < 1e-4
        if silent:
            ctx.info("the voice is silent (no sample above -80 dBFS): the model is driven by silence")
        win = int(WINDOW_S * rate)
        parts = []
        for i, a in enumerate(range(0, len(x), win)):
            ctx.check_cancelled()  # Stop ends the node (nothing half-encoded is given on)
            parts.append(encode_window(ref.module, extractor, x[a:a + win], p.layers))
            ctx.progress(i + 1, -(-len(x) // win))
        h = torch.cat(parts, dim=0)
        data = to_frames(h, len(x) / rate, fps, frames)
        per_frame = data.reshape(frames, -1)
        names = [f"h{i}" for i in range(per_frame.shape[1])]
        extras = {"encoder": type(ref.module).__name__, "layers": int(data.shape[1]) if data.ndim == 3 else 1,
                  "width": int(data.shape[-1]), "encoder_frames": int(h.shape[0]),
                  "voice_frames": voice_frames, "silent": silent}  # read by the voice-driven nodes (HuMo)
        ctx.info(f"{extras['encoder']}: {h.shape[0]} encoder frames ({len(x) / rate:.2f} s) to {frames} video "
                 f"frames at {fps:g} fps" + (f", {extras['layers']} hidden states" if p.layers == "all" else ""))
        return {"features": Features(per_frame, per_frame=True, fps=fps, names=names, extras=extras)}
