"""Speech Features: a voice as the voice-driven video models read it (issue 58, item 1).

The talking-portrait models condition on a speech encoder's hidden states, one vector per video
frame: InfiniteTalk / MultiTalk and Wan S2V on wav2vec2's, HuMo on Whisper's encoder. Both come
from the user's models folder as a Hugging Face folder (Load Preprocessor, kind 'speech') or as ComfyUI's
single file in audio_encoders/ ('encoder': speech_file.py infers its config) and run
through transformers' own classes (``Wav2Vec2Model``, ``WhisperModel``'s encoder) and feature
extractors, so the features are the library's, bit for bit, for the same samples.

The sound is mixed to mono and resampled to the extractor's rate (16 kHz), encoded in windows of
at most 30 s (Whisper's own window; wav2vec2 the same, so memory stays bounded on long takes),
and the encoder's frames (50 a second for both) are linearly interpolated to the video's frames
(``linear_interpolation`` of MeiGen-AI/MultiTalk's ``src/audio_analysis/wav2vec2.py``:
``F.interpolate(features.transpose(1, 2), size=seq_len, align_corners=True, mode='linear')``; seq_len =
seconds x fps). MultiTalk and InfiniteTalk apply it to wav2vec2's convolution features, before its
transformer layers: ``align='encoder input'`` does that (wav2vec2 only); the default interpolates the
hidden states. ``layers='all'`` stacks every hidden state (the embeddings' output and each layer's),
as InfiniteTalk and S2V read them.
"""
from __future__ import annotations

import math
import os

import numpy as np
import torch
import torch.nn.functional as F

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Path
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio, Features
from studio.engine.voice_budget import VOICE_SPAN, heard_after

from ..edit.audio import resample
from ..model_file_checks import model_file_checks
from ..preprocess.hf import model_input
from .speech_file import FOLDER, SpeechFileError, find_encoder, read_encoder

WINDOW_S = 30.0  # Whisper's window; wav2vec2 is encoded in windows as long
ENCODER_HZ = 50  # hidden states a second: wav2vec2's conv stack (stride 320 at 16 kHz), Whisper's encoder
MAX_SECONDS = 3600.0
ALIGNS = ("hidden states", "encoder input")


class SpeechFeaturesError(StudioError):
    pass


def mono_at(audio: Audio, rate: int) -> np.ndarray:
    """The sound mixed to one channel at ``rate`` Hz, float32."""
    a = resample(audio, rate) if audio.rate != rate else audio
    x = a.samples
    return (x.mean(axis=1) if x.shape[1] > 1 else x[:, 0]).astype(np.float32, copy=False)


def encode_window(model, extractor, samples: np.ndarray, layers: str, frames: int | None = None) -> torch.Tensor:
    """One window's hidden states, [n, D] (``layers='last'``) or [n, L+1, D] (``'all'``), as
    transformers' model called on the extractor's output gives them. ``frames`` (wav2vec2 only): its
    convolution features interpolated to that many frames before its transformer layers (a forward
    hook on ``feature_extractor``), as InfiniteTalk's and MultiTalk's wav2vec2 runs (MeiGen-AI/
    InfiniteTalk@0107cd9 ``src/audio_analysis/wav2vec2.py``: ``linear_interpolation`` of
    ``extract_features`` to ``seq_len``); n is then ``frames``."""
    if frames is not None:
        # Hook: torch's own, not diffusers' registry: a part of transformers' wav2vec2, not a diffusers module
        hook = model.feature_extractor.register_forward_hook(
            lambda m, a, out: F.interpolate(out, size=frames, mode="linear", align_corners=True))
        try:
            return encode_window(model, extractor, samples, layers)
        finally:
            hook.remove()
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
    Whisper, from Load Preprocessor's 'speech' kind, or ComfyUI's single file in audio_encoders/ set as
    'encoder') for each video frame. Connect a Load Audio (its in/out range is what is encoded) and a
    video (or set fps and frames). Two speakers: one node per voice."""
    id = "encode.speech"
    title = "Speech Features"
    category = "Encode"
    timing = CLIP
    code_version = 1
    spans_downstream = True  # encodes only the seconds the takes it drives read (studio.engine.voice_budget)
    keywords = ("voice", "wav2vec2", "whisper", "lip sync", "talking")
    inputs = (In("model", "Model", optional=True,
                 help="a speech encoder from Load Preprocessor (kind 'speech'); or set 'encoder' to a file"),
              In("audio", "Audio", optional=True, help="the voice; default: the video's own sound"),
              In("video", "Video", optional=True, help="gives the frame count and fps to align to"))
    outputs = (Out("features", "Features", help="[T, D] per video frame (layers 'all': [T, (L+1) x D])"),)
    params = (Path("encoder", "", lookup=True, filters="Audio encoder (*.safetensors)",
                   help=f"without a model input: ComfyUI's single-file audio encoder, or its name in a models "
                        f"folder's {FOLDER}/ (wav2vec2_large_english_fp16.safetensors for Wan S2V, "
                        "wav2vec2-chinese-base_fp16.safetensors for InfiniteTalk, whisper_large_v3_fp16.safetensors "
                        "for HuMo)"),
              Choice("layers", "last", choices=("last", "all"),
                     help="last: the encoder's last hidden state; all: every hidden state stacked "
                          "(InfiniteTalk and Wan S2V read all of wav2vec2's)"),
              Float("fps", 25.0, min=1.0, max=240.0, help="frames per second when no video is connected"),
              Int("frames", 0, min=0, max=10_000_000, special="the audio's length",
                  help="frame count when no video is connected; 0: the audio's length"),
              Choice("align", "hidden states", choices=ALIGNS,
                     help="hidden states: the encoder runs at its own 50 frames a second and its states are "
                          "interpolated to the video's frames; encoder input (wav2vec2): its convolution features "
                          "are interpolated to the video's frames before its transformer layers, as InfiniteTalk "
                          "and MultiTalk were trained"))

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """The frames it will encode and those the voice covers, from the length Load Audio's file declares (no
        sound read), as run() counts them: what a talking-portrait node's time before F5 is made of (InfiniteTalk
        said 7 s for a 3 s voice and took 54 s, timed as the model's default length: issue 104's walk)."""
        seconds = float((inputs.get("audio") or {}).get("seconds") or 0.0)
        if inputs.get("video") is not None or seconds <= 0:
            return {}  # the video's own length and sound: not foreseen
        fps = float(params.get("fps") or 25.0)
        frames = int(params.get("frames") or 0) or max(1, int(math.ceil(min(seconds, MAX_SECONDS + 1) * fps - 1e-9)))
        return {"features": {"frames": frames, "voice_frames": min(frames, int(round(seconds * fps))), "fps": fps}}

    # no 'encoder' named: nothing to find (the model input, or the run's own words on neither)
    preflight, signature_files = model_file_checks(
        lambda cls, params, base_dir: find_encoder(params["encoder"], base_dir, cls.title)
        if (params.get("encoder") or "").strip() else None, SpeechFileError)

    def _encoder(self, ctx, model):
        """The speech encoder: the model input (Load Preprocessor), or the 'encoder' file read here."""
        name = (ctx.params.encoder or "").strip()
        if model is not None and name:
            raise SpeechFeaturesError(f"{self.title}: both a model input and the 'encoder' file '{name}' are given: "
                                      "disconnect the model or clear 'encoder'")
        if model is not None or not name:
            if model is None:
                raise SpeechFeaturesError(f"{self.title}: no speech encoder: connect a Load Preprocessor (kind "
                                          f"'speech') or set 'encoder' to an audio encoder file ({FOLDER}/)")
            return model_input(model, "speech", self.title)
        path = find_encoder(name, getattr(ctx.options.get("graph"), "base_dir", None), self.title)
        ref = read_encoder(path, ctx.device, self.title)
        ctx.info(f"'{os.path.basename(path)}' read as transformers' {type(ref.module).__name__}")
        return ref

    def run(self, ctx, model=None, audio=None, video=None):
        p = ctx.params
        if audio is None and video is not None:
            audio = video.audio
        if audio is None:
            raise SpeechFeaturesError(f"{self.title}: no voice: connect an Audio input or a video that has sound")
        if audio.n_samples == 0:
            raise SpeechFeaturesError(f"{self.title}: the sound is empty (0 samples)")
        fps = float(video.fps) if video is not None else float(p.fps)
        frames = int(video.n_frames) if video is not None else (
            int(p.frames) or max(1, int(math.ceil(min(audio.duration, MAX_SECONDS + 1) * fps - 1e-9))))
        span = p.get(VOICE_SPAN)  # the seconds the takes it drives read (the plan's: studio.engine.voice_budget)
        if span and frames > math.ceil(float(span) * fps):
            used = max(1, int(math.ceil(float(span) * fps)))
            ctx.info(f"the takes it drives read {float(span):.2f} s of the voice: {used} of its {frames} frames are "
                     "encoded")
            frames = used
        take_s = frames / fps
        if take_s > MAX_SECONDS:  # before any array of the take's length (10^6 frames: 2.4 GB of silence)
            raise SpeechFeaturesError(f"{self.title}: a take of {frames:,} frames at {fps:g} fps lasts {take_s:.0f} s; "
                                      f"at most {MAX_SECONDS:.0f} s are encoded in one take")
        ref = self._encoder(ctx, model)
        extractor = ref.processor
        rate = int(extractor.sampling_rate)
        # only the sound the take needs is mixed and resampled (a second past it: the interpolation's edge);
        # an hour of voice for a 0.2 s take cost 3 GB and a minute
        keep = min(audio.n_samples, int(math.ceil((take_s + 1.0) * audio.rate)))
        # (a long file's sound, studio.engine.sound_file, is decoded for that span alone)
        x = mono_at(audio if keep == audio.n_samples else Audio(audio.slice_samples(0, keep), audio.rate), rate)
        if not np.isfinite(x).all():
            raise SpeechFeaturesError(f"{self.title}: the sound holds NaN or infinite samples")
        voice_frames = min(frames, int(round(audio.duration * fps)))  # frames the voice covers (half a frame kept)
        if audio.duration + 0.5 / fps < take_s:
            ctx.info(f"the voice lasts {audio.duration:.2f} s, the take {take_s:.2f} s: the frames past the voice "
                     "are given silence")
            x = np.concatenate([x, np.zeros(int(round(take_s * rate)) - len(x), np.float32)])
        elif audio.duration > take_s + 0.5 / fps:
            ctx.info(f"the voice lasts {audio.duration:.2f} s, the take {take_s:.2f} s: the first {take_s:.2f} s "
                     "are encoded")
            x = x[:int(round(take_s * rate))]
        # silent: nothing heard in the take, nor in the voice past the span read (one speaker of a dialogue may
        # speak after a short take's end: read a block at a time, stopping at the first sound)
        past = int(round(take_s * audio.rate))
        silent = float(np.abs(x).max(initial=0.0)) < 1e-4 and not (past < audio.n_samples
                                                                   and heard_after(audio, past, 1e-4))
        if silent:
            ctx.info("the voice is silent (no sample above -80 dBFS): the model is driven by silence")
        before = p.align == "encoder input"
        if before and type(ref.module).__name__.startswith("Whisper"):
            raise SpeechFeaturesError(f"{self.title}: align 'encoder input' is wav2vec2's (its convolution features "
                                      "at the video's frames); Whisper's encoder reads 30 s of mel frames: use "
                                      "'hidden states'")
        win = int(WINDOW_S * rate)
        parts = []
        for i, a in enumerate(range(0, len(x), win)):
            ctx.check_cancelled()  # Stop ends the node (nothing half-encoded is given on)
            at = (int(round(a / rate * fps)), min(frames, int(round(min(a + win, len(x)) / rate * fps))))
            at = (at[0], frames) if a + win >= len(x) else at  # the last window ends at the take's end
            parts.append(encode_window(ref.module, extractor, x[a:a + win], p.layers,
                                       max(1, at[1] - at[0]) if before else None))
            ctx.progress(i + 1, -(-len(x) // win))
        h = torch.cat(parts, dim=0)
        data = h[:frames] if before else to_frames(h, len(x) / rate, fps, frames)
        per_frame = data.reshape(frames, -1)
        names = [f"h{i}" for i in range(per_frame.shape[1])]
        extras = {"encoder": type(ref.module).__name__, "layers": int(data.shape[1]) if data.ndim == 3 else 1,
                  "align": p.align, "width": int(data.shape[-1]), "encoder_frames": int(h.shape[0]),
                  "voice_frames": voice_frames, "silent": silent}  # read by the voice-driven nodes (HuMo, InfiniteTalk)
        ctx.info(f"{extras['encoder']}: " + (f"its convolution features at the {frames} video frames before its layers"
                                             if before else f"{h.shape[0]} encoder frames to {frames} video frames")
                 + f" ({len(x) / rate:.2f} s at {fps:g} fps)"
                 + (f", {extras['layers']} hidden states" if p.layers == "all" else ""))
        return {"features": Features(per_frame, per_frame=True, fps=fps, names=names, extras=extras)}
