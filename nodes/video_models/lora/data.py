"""Training data for a video LoRA: the clips cut to a bucket the family accepts, and their VAE
latents and text embeddings computed once and cached on disk (safetensors), so training steps
never run the VAE or the text encoder.

The cache is one file beside the LoRA (``name.latents.safetensors``) whose header holds the key it
was made for: the dataset's hash, the model's files, the family, the bucket and the clips' fps.
Anything else and it is made again. It holds each clip's VAE posterior (mean and std, in the
denoiser's space: a fresh latent is drawn from it every step) and its caption's tokens."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from studio.core.errors import StudioError

from ..base.family import Family

CACHE_VERSION = 1
TEXT_CHUNK = 8  # captions per text-encoder call


@dataclass(frozen=True)
class Bucket:
    frames: int
    height: int
    width: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}, {self.frames} frames"


def choose_bucket(fam: Family, dataset, frames: int = 0, width: int = 0, height: int = 0) -> tuple[Bucket, list[str]]:
    """The clip size training uses: asked (0: the dataset's), sizes rounded down to the family's
    multiple, frames cut down to a count it accepts (k * a + b, at most the clips' length).
    Returns the bucket and what was changed, in words."""
    notes = []
    w, h = width or dataset.width, height or dataset.height
    m = fam.size_multiple
    w2, h2 = max(m, w // m * m), max(m, h // m * m)
    if (w2, h2) != (w, h):
        notes.append(f"{fam.title} needs sizes in multiples of {m}: training at {w2}x{h2} (asked {w}x{h})")
    n = min(frames or dataset.n_frames, dataset.n_frames)
    if frames > dataset.n_frames:
        notes.append(f"{frames} frames asked but the dataset's clips have {dataset.n_frames}: using at most "
                     f"{dataset.n_frames}")
    a, b = fam.frame_multiple
    n2 = n if a <= 1 else max(b, (n - b) // a * a + b)
    if n2 > dataset.n_frames:
        raise StudioError(f"{fam.title} needs clips of {a}k+{b} frames; the dataset's clips have {dataset.n_frames}: "
                          f"set the Dataset's frames to at least {b + a if b < 1 else b}")
    if n2 != n:
        notes.append(f"{fam.title} takes {a}k+{b} frames: training on the first {n2} of each clip")
    return Bucket(n2, h2, w2), notes


def clip_frames(dataset, i: int, bucket: Bucket) -> np.ndarray:
    """Clip i as float32 [T, H, W, 3] in [0, 1], cut and fitted (scale to cover, centre crop) to the bucket."""
    from nodes.generators.dataset import fit_frame
    f = dataset.frames(i)[:bucket.frames]
    if f.shape[1:3] != (bucket.height, bucket.width):
        f = np.stack([fit_frame(x, bucket.width, bucket.height, "fill") for x in f])
    return np.ascontiguousarray(f, np.float32)


def cache_key(dataset, model_signature: str, family: str, bucket: Bucket, fps: float) -> str:
    payload = [CACHE_VERSION, dataset.hash, model_signature, family, bucket.frames, bucket.height, bucket.width,
               round(float(fps), 4)]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:20]


def cache_path(lora_path: str) -> str:
    return os.path.splitext(lora_path)[0] + ".latents.safetensors"


@dataclass
class Encoded:
    """Per clip: VAE posterior mean and std [C, F, h, w] (denoiser space) and text tensors."""
    mean: list[torch.Tensor]
    std: list[torch.Tensor]
    text: list[dict[str, torch.Tensor]]
    captions: list[str]
    from_cache: bool = False


def _read_cache(path: str, key: str, n: int) -> dict[str, torch.Tensor] | None:
    from safetensors import safe_open
    from safetensors.torch import load_file
    if not os.path.isfile(path):
        return None
    try:
        with safe_open(path, framework="pt") as f:
            md = f.metadata() or {}
        if md.get("key") != key or int(md.get("clips", -1)) != n:
            return None
        return load_file(path)
    except Exception:  # noqa: BLE001 - a damaged cache is made again, never trusted
        return None


def encode_dataset(pipe, loss, dataset, idx: list[int], bucket: Bucket, key: str, path: str | None,
                   device, check: Callable[[], None], progress: Callable[[int, int], None]) -> Encoded:
    """Encode (or read from the cache) every clip in ``idx``: the VAE once per clip, the text
    encoder once per caption."""
    captions = [dataset.items[i].caption for i in idx]
    tensors = _read_cache(path, key, len(idx)) if path else None
    if tensors is not None:
        text = []
        for k in range(len(idx)):
            text.append({name.split(".", 2)[2]: t for name, t in tensors.items() if name.startswith(f"text.{k}.")})
        return Encoded([tensors[f"mean.{k}"] for k in range(len(idx))], [tensors[f"std.{k}"] for k in range(len(idx))],
                       text, captions, from_cache=True)
    vae = pipe.vae
    p = next(vae.parameters())
    means, stds = [], []
    total = len(idx) + 1
    with torch.no_grad():
        for k, i in enumerate(idx):
            check()
            x = torch.tensor(clip_frames(dataset, i, bucket)).permute(3, 0, 1, 2)[None]  # [1, 3, T, H, W]
            x = (x * 2 - 1).to(p.device, p.dtype)
            dist = vae.encode(x).latent_dist
            m, s = loss.normalise(dist.mean.float(), dist.std.float())
            means.append(m[0].cpu().contiguous())
            stds.append(s[0].cpu().contiguous())
            progress(k + 1, total)
        text = []
        for a in range(0, len(captions), TEXT_CHUNK):  # a few at a time: a big text encoder's peak stays small
            check()
            text += loss.encode_text(captions[a:a + TEXT_CHUNK], device)
    progress(total, total)
    if path:
        out = {}
        for k in range(len(idx)):
            out[f"mean.{k}"], out[f"std.{k}"] = means[k], stds[k]
            for name, t in text[k].items():
                out[f"text.{k}.{name}"] = t.contiguous()
        from safetensors.torch import save_file

        from studio.core.paths import atomic_path
        with atomic_path(path) as tmp:
            save_file(out, tmp, metadata={"key": key, "clips": str(len(idx)), "format": "studio-video-lora-latents",
                                          "bucket": str(bucket)})
    return Encoded(means, stds, text, captions)
