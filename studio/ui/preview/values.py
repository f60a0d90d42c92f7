"""What a value shows as, without Qt: its kind (which viewer), its text when it has no picture, and the
audio features (loudness, onsets, beats) the timeline draws under it."""
from __future__ import annotations

from typing import Any

import numpy as np

from studio.core.values import Audio, CameraPath, Features, Keypoints, Latent, ModelRef
from studio.engine.clip import Clip
from studio.ui.preview.pixels import similarity_of


def classify(value: Any) -> str:
    if isinstance(value, Clip):
        return {2: "flow", 1: "mask"}.get(value.channels, "video")
    if isinstance(value, np.ndarray) and value.ndim in (2, 3) and min(value.shape[:2]) > 1:
        c = 1 if value.ndim == 2 else value.shape[2]
        return {2: "flow_image", 1: "mask_image"}.get(c, "image")
    if isinstance(value, Audio):
        return "audio"
    if isinstance(value, Features):
        return "similarity" if similarity_of(value) is not None else "features"
    if isinstance(value, Keypoints):
        return "keypoints"
    return "text"


AUDIO_FEATURE_KEYS = ("loudness", "onset", "beat")


def audio_features_of(value: Any) -> dict | None:
    """{loudness, onset, beat} per frame from an Audio Encoder's Features extras, else None."""
    if not isinstance(value, Features) or not value.per_frame:
        return None
    ex = value.extras or {}
    got = {k: ex.get(k) for k in AUDIO_FEATURE_KEYS}
    if all(v is None for v in got.values()):
        return None
    return got


def analyse_audio(audio: Audio, n_frames: int, fps: float) -> dict | None:
    """Loudness (dB), onsets and beats of ``audio`` per video frame; None when silent."""
    from nodes.encoders.audio import analyse
    try:
        with np.errstate(all="ignore"):  # the beat tracker's log of a zero-width window
            a = analyse(audio, max(1, n_frames), fps, n_mels=32, n_mfcc=1)
    except ValueError:  # silent, or no frames
        return None
    per = a["per_frame"]
    return {k: per[k][:, 0].numpy() for k in AUDIO_FEATURE_KEYS}


def describe(value: Any) -> str:
    """The text a value shows as when it has no picture: a model's summary, numbers, text."""
    if isinstance(value, ModelRef):
        import json
        lines = [value.summary(), "", "config:", json.dumps(value.config, indent=2, default=repr), ""]
        mod = value.module
        if hasattr(mod, "named_children"):
            lines.append(repr(mod))
        return "\n".join(lines)
    if isinstance(value, Latent):
        d = value.data
        return (f"Latent {tuple(d.shape)} {getattr(d, 'dtype', '')}\n"
                f"mean {float(d.float().mean()):.4f}  std {float(d.float().std()):.4f}\n{value.info}")
    if hasattr(value, "detach") and hasattr(value, "shape"):
        t = value.detach().float().cpu()
        return (f"Tensor {tuple(value.shape)} {value.dtype}\n"
                f"min {float(t.min()):.4g}  max {float(t.max()):.4g}  mean {float(t.mean()):.4g}")
    if isinstance(value, (bool, int, float, np.integer, np.floating)):
        return f"{value}"
    if isinstance(value, CameraPath):
        at = [f"  frame {i}: position {np.round(value.c2w[i, :3, 3], 3).tolist()}"
              for i in sorted({0, value.n_frames // 2, value.n_frames - 1})]
        return "\n".join([f"camera path: {value.label or 'given'}, {value.n_frames} frames",
                          f"lens fx {value.fx:g} fy {value.fy:g} cx {value.cx:g} cy {value.cy:g}", *at])
    if value is None:
        return "(nothing)"
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        return f"array {value.shape} {value.dtype}\n{np.array2string(value, threshold=200)}"
    return repr(value)


def summary(value: Any) -> str:
    """One line on what a value is, for the viewer's title: "72 frames 320x240x3 @ 24 fps", ..."""
    if isinstance(value, Clip):
        return value.describe()
    if isinstance(value, np.ndarray):
        return f"image {value.shape[1]}x{value.shape[0]}x{1 if value.ndim == 2 else value.shape[2]}"
    if isinstance(value, Audio):
        return f"audio {value.duration:.2f} s, {value.rate} Hz, {value.channels} ch"
    if isinstance(value, Features):
        return f"features {tuple(value.data.shape)}" + (" per frame" if value.per_frame else "")
    if isinstance(value, Keypoints):
        return f"{value.n_points} points over {value.n_frames} frames"
    if isinstance(value, CameraPath):
        return f"camera path ({value.label or 'given'}) over {value.n_frames} frames"
    return type(value).__name__
