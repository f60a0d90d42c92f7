"""A node's outputs as arrays and a small JSON description, and back: what the disk cache
(studio.engine.disk_cache) stores. Nothing is pickled: clips (Video, Flow, Mask) are their frames
[T, H, W, C] float32 as made (so a clip read back is bit for bit the clip made) and their sound,
Audio its samples, Keypoints their points and visibility, numpy arrays and torch tensors
themselves (on the CPU), numbers, text and None in the JSON. Anything else (a model, features,
a report object) cannot be stored, and says so (:class:`Unstorable`)."""
from __future__ import annotations

import sys
from typing import Any, Iterator

import numpy as np

from studio.core.values import Audio, Keypoints

from .clip import ArrayClip, Clip

# safetensors' dtype names for the numpy dtypes stored
DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "U8": np.uint8, "I8": np.int8,
          "I16": np.int16, "I32": np.int32, "I64": np.int64, "BOOL": np.bool_}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}
CLIP_CHUNK = 16  # frames pulled at once while a clip is written


class Unstorable(Exception):
    """An output the disk cache cannot hold (its port and what it is)."""


class Array:
    """One array to store: its name, dtype name, shape, and its bytes in order (``chunks()``)."""

    def __init__(self, name: str, dtype: str, shape: tuple[int, ...], source: Any):
        self.name, self.dtype, self.shape, self.source = name, dtype, tuple(int(x) for x in shape), source

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(DTYPES[self.dtype]).itemsize

    def chunks(self) -> Iterator[bytes]:
        if isinstance(self.source, Clip):  # pulled a few frames at a time: never the whole clip twice
            for _, block in self.source.chunks(CLIP_CHUNK):
                yield np.ascontiguousarray(block, np.float32).tobytes()
        else:
            yield np.ascontiguousarray(self.source).tobytes()


def _array(name: str, a: np.ndarray) -> Array:
    dt = NAMES.get(a.dtype)
    if dt is None:
        raise Unstorable(f"'{name}' is an array of {a.dtype}")
    return Array(name, dt, a.shape, a)


def _source_clip(clip: Clip) -> Clip:
    """The clip whose frames to store: past the engine's frame-cache view (studio.engine.cache),
    so writing it does not fill the frame cache."""
    src = getattr(clip, "src", None)
    return src if type(clip).__name__ == "CachedClip" and isinstance(src, Clip) else clip


def encode(outs: dict[str, Any]) -> tuple[list[Array], dict[str, Any]]:
    """(arrays, description) of a node's outputs; raises :class:`Unstorable` naming the first
    output that cannot be stored."""
    arrays: list[Array] = []
    desc: dict[str, Any] = {}
    torch = sys.modules.get("torch")
    for port, v in outs.items():
        if v is None or isinstance(v, (bool, int, float, str)):
            desc[port] = {"kind": "json", "value": v}
        elif isinstance(v, Clip):
            src = _source_clip(v)
            d = {"kind": "clip", "fps": v.fps}
            # made at 'preview size' (its words) or not (''): still said so when read back (studio/engine/previews.py);
            # an entry without it was written before Studio recorded it (previews.UNKNOWN)
            d["preview"] = str(v.preview or "")
            arrays.append(Array(f"{port}.frames", "F32", (v.n_frames, v.height, v.width, v.channels), src))
            audio = v.audio
            if isinstance(audio, Audio):
                arrays.append(_array(f"{port}.audio", audio.samples))
                d["audio_rate"] = audio.rate
            desc[port] = d
        elif isinstance(v, Audio):
            arrays.append(_array(f"{port}.samples", v.samples))
            desc[port] = {"kind": "audio", "rate": v.rate}
        elif isinstance(v, Keypoints):
            arrays += [_array(f"{port}.points", v.points), _array(f"{port}.visible", v.visible)]
            desc[port] = {"kind": "keypoints", "width": v.width, "height": v.height, "fps": v.fps}
        elif isinstance(v, np.ndarray):
            arrays.append(_array(port, v))
            desc[port] = {"kind": "array"}
        elif torch is not None and isinstance(v, torch.Tensor) and v.layout == torch.strided:
            t = v.detach().to("cpu")
            if t.dtype == torch.bfloat16:  # numpy has no bfloat16: its bits, as int16
                arrays.append(Array(port, "I16", tuple(t.shape), t.view(torch.int16).numpy()))
                desc[port] = {"kind": "tensor", "bfloat16": True}
            else:
                arrays.append(_array(port, t.numpy()))
                desc[port] = {"kind": "tensor"}
        else:
            raise Unstorable(f"'{port}' is a {type(v).__name__}")
    return arrays, desc


def decode(desc: dict[str, Any], arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """A node's outputs from their description and arrays (memory maps of the file: a clip's
    frames are read from the disk as they are pulled). Raises KeyError/ValueError when the
    description and the arrays disagree (the caller calls the entry corrupt)."""
    outs: dict[str, Any] = {}
    for port, d in desc.items():
        kind = d["kind"]
        if kind == "json":
            outs[port] = d["value"]
        elif kind == "clip":
            audio = Audio(arrays[f"{port}.audio"], d["audio_rate"]) if "audio_rate" in d else None
            outs[port] = ArrayClip(arrays[f"{port}.frames"], float(d["fps"]), audio)
            outs[port].preview = str(d.get("preview") or "")
            outs[port].preview_recorded = "preview" in d  # False: written before preview or final was recorded
        elif kind == "audio":
            outs[port] = Audio(arrays[f"{port}.samples"], d["rate"])
        elif kind == "keypoints":
            outs[port] = Keypoints(np.asarray(arrays[f"{port}.points"]), np.asarray(arrays[f"{port}.visible"]),
                                   int(d["width"]), int(d["height"]), float(d["fps"]))
        elif kind == "array":
            outs[port] = arrays[port]
        elif kind == "tensor":
            import torch
            t = torch.from_numpy(np.array(arrays[port]))  # a copy: tensors are writable
            outs[port] = t.view(torch.bfloat16) if d.get("bfloat16") else t
        else:
            raise ValueError(f"unknown kind {kind!r}")
    return outs
