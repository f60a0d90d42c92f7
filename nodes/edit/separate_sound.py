"""Separate Sound: a song's vocals, drums, bass and the rest ('other') apart, by Hybrid Demucs (demucs_net.py), as
ComfyUI's 'AudioSeparation' (christian-byrne/audio-separation-nodes-comfyui, src/separation.py, MIT) makes them with
torchaudio's HDEMUCS_HIGH_MUSDB_PLUS bundle: lip-sync workflows take its vocals before their speech encoder. The
weights are the bundle's file 'hdemucs_high_trained.pt' (torchaudio downloads it from
https://download.pytorch.org/torchaudio/models/hdemucs_high_trained.pt into the torch hub cache,
~/.cache/torch/hub/); Studio reads it from the user's models folders (their audio_separation/) or a path, as data
(studio.engine.torch_zip: never unpickled; a .safetensors copy of it is read too), and never downloads it.

As the pack does: the sound at 44.1 kHz stereo (a mono one doubled, one of more channels the mean of its first two doubled; resampled with a polyphase filter where its
rate differs, the pack uses torchaudio's Resample), normalised by its channels' mean's mean and deviation, cut into
chunks of chunk_seconds * (1 + overlap) samples-per-second (the pack's formula) that overlap by 'overlap' seconds,
each chunk's stems faded in and out over the overlap and added (the first chunk not faded in, the last not out, but
the first always faded out: a sound of one chunk ends its stems with a fade of 'overlap' seconds, as the pack's
do), then scaled back. The sound and the
stems stay in the computer's memory; the graph's device holds one chunk at a time."""
from __future__ import annotations

import math
import os

import numpy as np

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Path
from studio.core.spec import In, Node, Out
from studio.core.values import Audio

from ..model_file_checks import model_file_checks

FOLDER = "audio_separation"  # Studio's folder for the file (the pack has none: torchaudio downloads it)
FILE = "hdemucs_high_trained.pt"
RATE = 44100  # the bundle's
STEMS = ("vocals", "drums", "bass", "other")  # Studio's outputs
FADES = ("linear", "half_sine", "logarithmic", "exponential")  # the pack's fade shapes (torchaudio's Fade)


class SeparateSoundError(StudioError):
    pass


def find_model(name: str, base_dir: str | None = None, dirs: list[str] | None = None) -> str:
    path = model_paths.model_file(name, base_dir, dirs, FOLDER, SeparateSoundError, "Hybrid Demucs file",
                                  ".pt file (torchaudio's HDEMUCS_HIGH_MUSDB_PLUS weights, downloaded by torchaudio "
                                  "into ~/.cache/torch/hub/)", FILE, prefix="Separate Sound: ")
    if not path.lower().endswith((".pt", ".pth", ".ckpt", ".safetensors")):
        raise SeparateSoundError(f"Separate Sound: '{path}' is not a torch .pt / .pth file (the kind it reads) nor "
                                 "a .safetensors one")
    return path


def _safetensors(path: str) -> dict:
    from studio.core.checked_open import ReadRefused, library_path
    from studio.core.errors import ModelError
    from studio.core.safetensors_header import read_safetensors_header
    try:
        read_safetensors_header(path)
        from safetensors.torch import load_file
        with library_path(path, "Hybrid Demucs file") as opened:
            return load_file(opened, device="cpu")
    except (ModelError, ReadRefused) as e:
        raise SeparateSoundError(f"Separate Sound: {e}") from None
    except Exception as e:  # noqa: BLE001 - safetensors' own errors, said with the file
        raise SeparateSoundError(f"Separate Sound: '{path}': safetensors cannot read it ({e})") from None


def read_model(path: str):
    """Hybrid Demucs from the torch zip file ``path`` (read as data only, never unpickled) or a .safetensors copy of
    it, loaded strictly."""
    from studio.engine.torch_zip import TorchFileError, read_torch_file

    from . import demucs_net
    if path.lower().endswith(".safetensors"):
        sd = _safetensors(path)
    else:
        try:
            sd = read_torch_file(path, "Separate Sound: Hybrid Demucs file")
        except TorchFileError as e:
            raise SeparateSoundError(str(e)) from None
    if not isinstance(sd, dict) or not all(hasattr(v, "float") for v in sd.values()):
        raise SeparateSoundError(f"Separate Sound: '{path}' is not a table of tensors (a state dict)")
    try:
        return demucs_net.load({k: v.float() for k, v in sd.items()})
    except (KeyError, ValueError, IndexError) as e:
        raise SeparateSoundError(f"Separate Sound: '{os.path.basename(path)}' is not Hybrid Demucs' weights "
                                 f"({e})") from None


def fade_curve(n: int, shape: str, rising: bool):
    """torchaudio's Fade curves over ``n`` samples (the pack's fade shapes), rising or falling."""
    import torch
    t = torch.linspace(0, 1, n)
    if shape == "exponential":
        return torch.pow(2, (t - 1) * 5) if rising else torch.pow(2, -t * 5)
    if shape == "logarithmic":
        return torch.log10(0.1 + t) + 1 if rising else torch.log10(1.1 - t) + 1
    if shape == "half_sine":
        return torch.sin(t * math.pi - math.pi / 2) / 2 + 0.5 if rising else torch.sin(t * math.pi + math.pi / 2) / 2 + 0.5
    return t if rising else 1 - t


def separate(model, mix, sources: int, segment: float = 10.0, overlap: float = 0.1, shape: str = "linear",
             device=None, progress=None):
    """[sources, channels, n] stems of ``mix`` ([channels, n], CPU) at 44.1 kHz: the pack's chunks (module
    docstring), each through ``model`` on ``device``, added on the CPU."""
    import torch
    device = device or mix.device
    length = mix.shape[-1]
    chunk = int(RATE * segment * (1 + overlap))
    ov = int(overlap * RATE)
    out = torch.zeros(sources, *mix.shape)
    starts, start, end = [], 0, chunk
    while start < length - overlap * RATE:  # the pack's walk: the first chunk steps chunk - overlap, the rest chunk
        starts.append((start, end))
        start += chunk - ov if start == 0 else chunk
        end += chunk
    with torch.inference_mode():
        for j, (a, b) in enumerate(starts):
            part = mix[:, a:b]
            y = model(part[None].to(device))[0].float().cpu()
            n = y.shape[-1]
            w = torch.ones(n)
            fout = ov if j == 0 or b < length else 0  # the pack fades the first chunk out even where it is the last
            if j and ov:
                w[:ov] *= fade_curve(ov, shape, True)
            if fout:
                w[n - fout:] *= fade_curve(fout, shape, False)
            out[..., a:a + n] += y * w
            if progress:
                progress(j + 1, len(starts))
    return out


def to_model_rate(audio: Audio) -> np.ndarray:
    """[2, n] float32 at 44.1 kHz (a polyphase filter where the rate differs; mono doubled; more than two channels:
    the mean of the first two, doubled, as the pack's ensure_stereo makes it)."""
    x = audio.samples
    if audio.rate != RATE:
        from math import gcd

        from scipy.signal import resample_poly
        g = gcd(audio.rate, RATE)
        x = resample_poly(x, RATE // g, audio.rate // g, axis=0).astype(np.float32)
    if x.shape[1] > 2:
        x = x[:, :2].mean(axis=1, keepdims=True)
    x = np.repeat(x, 2, axis=1) if x.shape[1] == 1 else x
    return np.ascontiguousarray(x.T, dtype=np.float32)


def stems(model, wave, segment: float, overlap: float, shape: str, device=None, progress=None) -> dict:
    """{stem: [channels, n] tensor} of the 44.1 kHz ``wave`` ([channels, n], CPU), normalised as the pack does."""
    from .demucs_net import SOURCES
    if wave.shape[-1] <= overlap * RATE:
        raise SeparateSoundError(f"Separate Sound: the sound ({wave.shape[-1] / RATE:.3f} s) is not longer than "
                                 f"the chunks' overlap ({overlap} s): set 'overlap' lower")
    ref = wave.mean(0)
    mean, std = ref.mean(), ref.std()
    if not float(std) > 0:
        raise SeparateSoundError("Separate Sound: the sound is silent (or one constant value): nothing to separate")
    out = separate(model, (wave - mean) / std, model.cfg.sources, segment, overlap, shape, device, progress)
    out = out * std + mean
    return dict(zip(SOURCES, out))


class SeparateSound(Node):
    """A song's vocals, drums, bass and the rest apart (Hybrid Demucs: torchaudio's HDEMUCS_HIGH_MUSDB_PLUS
    weights), at 44.1 kHz stereo, in overlapping chunks on the graph's device."""
    id = "edit.separate_sound"
    title = "Separate Sound"
    category = "Audio"
    keywords = ("demucs", "hybrid demucs", "stems", "vocals", "drums", "bass", "source separation", "music")
    inputs = (In("audio", "Audio"),)
    outputs = tuple(Out(s, "Audio", help=f"the {s}" if s != "other" else "the rest (neither vocals, drums nor bass)")
                    for s in STEMS)
    params = (Path("model", FILE, lookup=True, filters="Hybrid Demucs (*.pt *.pth *.safetensors)",
                   help=f"torchaudio's HDEMUCS_HIGH_MUSDB_PLUS weights ({FILE}; torchaudio downloads it into "
                        f"~/.cache/torch/hub/), or its name in a models folder's {FOLDER}/; never downloaded"),
              Float("chunk_seconds", 10.0, min=1.0, max=60.0, help="seconds of each chunk (the pack's 10)"),
              Float("overlap", 0.1, min=0.0, max=0.9,
                    help="seconds two chunks overlap (the pack's 0.1); it also lengthens each chunk by that share"),
              Choice("fade", "linear", choices=FADES, help="the fade over the overlaps (the pack's shapes)"),
              Choice("device", "auto", choices=("auto", "cuda", "mps", "cpu"), help="auto: the graph's device"))

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """Its sounds last as long as the one given (where foreseen)."""
        seconds = (inputs.get("audio") or {}).get("seconds")
        return {k: {"seconds": float(seconds)} for k in STEMS} if seconds else {}

    preflight, signature_files = model_file_checks(
        lambda cls, params, base_dir: find_model(params.get("model") or "", base_dir), SeparateSoundError)

    def run(self, ctx, audio):
        import torch

        from studio.engine.device import resolve_device
        p = ctx.params
        if audio is None:
            raise SeparateSoundError("Separate Sound: no sound is given on 'audio'")
        path = find_model(p.model, getattr(ctx.options.get("graph"), "base_dir", None))
        device = ctx.device if p.device == "auto" else resolve_device(p.device)
        model = read_model(path).to(device)
        ctx.info(f"Hybrid Demucs '{os.path.basename(path)}' on {device}: {audio.duration:.2f} s at {audio.rate} Hz, "
                 f"{audio.channels} channel(s) -> 44100 Hz stereo, chunks of {p.chunk_seconds:g} s "
                 f"(+{p.overlap:g} s overlap, {p.fade} fades)")
        got = stems(model, torch.from_numpy(to_model_rate(audio)), p.chunk_seconds, p.overlap, p.fade, device)
        return {s: Audio(got[s].T.contiguous().numpy(), RATE) for s in STEMS}
