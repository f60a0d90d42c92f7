"""Isolate Voice: the voice of a song or a noisy clip separated from the rest by a Mel-Band RoFormer vocal model
(KimberleyJensen's, as kijai's ComfyUI-MelBandRoFormer loads it from ``diffusion_models/``), the step lip-sync
workflows take before their audio encoder. The model file is a ``.safetensors`` (or a torch ``.ckpt`` / ``.pth``,
read by studio.engine.torch_zip without unpickling it) from the user's models folders, checked before it is read,
never downloaded (voice_model.py reads its layout, voice_net.py is the network).

As the pack does: the sound is taken to 44.1 kHz stereo (a mono one doubled), cut into overlapping chunks of 8 s
(352,800 samples) stepping half a chunk, each chunk's voice faded in and out over a tenth of a chunk and the
overlaps averaged (the long sound reflected past its ends first), so memory stays that of one chunk. 'voice' is the
model's estimate; 'rest' is the input less it (the accompaniment), both at 44.1 kHz."""
from __future__ import annotations

import os

import numpy as np

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Path
from studio.core.spec import In, Node, Out
from studio.core.values import Audio

from ..model_file_checks import model_file_checks
from . import voice_model

FOLDER = "diffusion_models"  # where kijai's loader lists the file (its 'model_name')
CHUNK = 352_800  # samples at 44.1 kHz per model call (the pack's), stepped by half
FADE_SHARE = 10  # fades over a tenth of a chunk (the pack's)
SAFETENSORS = (".safetensors", ".sft")
TORCH_FILES = (".ckpt", ".pth", ".pt")


class IsolateVoiceError(StudioError):
    pass


def find_voice_model(name: str, base_dir: str | None = None, dirs: list[str] | None = None) -> str:
    path = model_paths.model_file(name, base_dir, dirs, FOLDER, IsolateVoiceError, "vocal separation model",
                                  ".safetensors (or .ckpt) file",
                                  "MelBandRoformer_fp16.safetensors", prefix="Isolate Voice: ")
    if not path.lower().endswith(SAFETENSORS + TORCH_FILES):
        raise IsolateVoiceError(f"Isolate Voice: '{path}' is neither a .safetensors file nor a torch .ckpt / .pth "
                                "(the kinds it reads)")
    return path


def _torch_file(path: str) -> dict:
    """A torch zip file's tensors read without unpickling it (a Lightning checkpoint's 'state_dict' table)."""
    from studio.engine.torch_zip import TorchFileError, read_torch_file
    try:
        sd = read_torch_file(path, "Isolate Voice: vocal separation model")
    except TorchFileError as e:
        raise IsolateVoiceError(str(e)) from None
    if isinstance(sd, dict) and isinstance(sd.get("state_dict"), dict):
        sd = sd["state_dict"]
    if not isinstance(sd, dict):
        raise IsolateVoiceError(f"Isolate Voice: '{path}' holds a {type(sd).__name__}, not a table of tensors")
    return sd


def read_model(path: str):
    """The network in ``path``: a safetensors header checked against the file (a truncated or garbled file is named
    before any tensor is read), a torch file read as data only; its layout read from its tensors' names and shapes,
    loaded strictly."""
    from studio.core.checked_open import ReadRefused, library_path
    from studio.core.errors import ModelError
    from studio.core.safetensors_header import read_safetensors_header
    if path.lower().endswith(TORCH_FILES):
        return _checked(_torch_file(path), path)
    try:
        read_safetensors_header(path)
    except ModelError as e:
        raise IsolateVoiceError(f"Isolate Voice: {e}") from None
    from safetensors.torch import load_file
    try:
        with library_path(path, "vocal separation model") as opened:
            sd = load_file(opened, device="cpu")
    except ReadRefused as e:
        raise IsolateVoiceError(f"Isolate Voice: {e}") from None
    except Exception as e:  # noqa: BLE001 - safetensors' own errors, said with the file
        raise IsolateVoiceError(f"Isolate Voice: '{path}': safetensors cannot read it ({e})") from None
    return _checked(sd, path)


def _checked(sd: dict, path: str):
    try:
        return voice_model.load({k: v.float() for k, v in sd.items() if hasattr(v, "float")})
    except (KeyError, ValueError) as e:
        raise IsolateVoiceError(f"Isolate Voice: '{os.path.basename(path)}' is not a Mel-Band RoFormer vocal "
                                f"model ({e})") from None


def to_model_rate(audio: Audio) -> np.ndarray:
    """[2, n] float32 at 44.1 kHz: resampled with a polyphase filter (scipy) where the rate differs; mono
    doubled, more than two channels cut to the first two."""
    x = audio.samples
    if audio.rate != voice_model.RATE:
        from math import gcd

        from scipy.signal import resample_poly
        g = gcd(audio.rate, voice_model.RATE)
        x = resample_poly(x, voice_model.RATE // g, audio.rate // g, axis=0).astype(np.float32)
    x = np.repeat(x, 2, axis=1) if x.shape[1] == 1 else x[:, :2]
    return np.ascontiguousarray(x.T, dtype=np.float32)


def separate(model, wave, chunk: int = CHUNK, progress=None):
    """The model's voice for ``wave`` ([channels, n] torch tensor on the model's device), chunk by chunk with
    overlap (see the module's docstring). Deterministic: the same sound gives the same voice."""
    import torch
    import torch.nn.functional as F
    n = wave.shape[-1]
    step, fade = chunk // 2, chunk // FADE_SHARE
    border = chunk - step
    padded = n > 2 * border and border > 0
    x = F.pad(wave[None], (border, border), mode="reflect")[0] if padded else wave
    total = x.shape[-1]
    ramp = torch.ones(chunk, device=wave.device)
    ramp[:fade] = torch.linspace(0, 1, fade, device=wave.device)
    ramp[-fade:] = torch.linspace(1, 0, fade, device=wave.device)
    acc = torch.zeros_like(x)
    weight = torch.zeros(total, device=wave.device)
    starts = list(range(0, total, step))
    with torch.inference_mode():
        for j, i in enumerate(starts):
            part = x[:, i:i + chunk]
            length = part.shape[-1]
            if length < chunk:
                mode = "reflect" if length > chunk // 2 + 1 else "constant"
                part = F.pad(part[None], (0, chunk - length), mode=mode)[0]
            y = model(part[None])[0, 0]
            if y.shape[-1] < chunk:  # the inverse STFT ends on the last whole hop
                y = F.pad(y, (0, chunk - y.shape[-1]))
            w = ramp.clone()
            if i == 0:
                w[:fade] = 1
            elif i + chunk >= total:
                w[-fade:] = 1
            acc[:, i:i + length] += y[:, :length] * w[:length]
            weight[i:i + length] += w[:length]
            if progress:
                progress(j + 1, len(starts))
    voice = acc / weight.clamp(min=1e-8)
    return voice[:, border:border + n] if padded else voice


class IsolateVoice(Node):
    """Separate the voice from the music or noise under it (a Mel-Band RoFormer vocal model): 'voice' and 'rest'
    (the input less the voice), at 44.1 kHz stereo, in overlapping 8 s chunks on the graph's device."""
    id = "edit.isolate_voice"
    title = "Isolate Voice"
    category = "Audio"
    keywords = ("vocals", "vocal separation", "stem", "stems", "karaoke", "instrumental", "dialogue", "roformer")
    inputs = (In("audio", "Audio"),)
    outputs = (Out("voice", "Audio", help="the voice alone"), Out("rest", "Audio", help="the input less the voice"))
    params = (Path("model", "MelBandRoformer_fp16.safetensors", lookup=True,
                   filters="Mel-Band RoFormer (*.safetensors *.sft *.ckpt *.pth)",
                   help=f"a Mel-Band RoFormer vocal model (.safetensors, .ckpt), or its name in a models folder's {FOLDER}/"),
              Float("chunk_seconds", 8.0, min=1.0, max=60.0,
                    help="seconds through the model at once (the pack's 8); half a chunk overlaps the next"),
              Choice("device", "auto", choices=("auto", "cuda", "mps", "cpu"), help="auto: the graph's device"))

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """Its sounds last as long as the one given (where foreseen: Load Audio's seconds), as Speech Features and
        the take's length read them."""
        seconds = (inputs.get("audio") or {}).get("seconds")
        return {k: {"seconds": float(seconds)} for k in ("voice", "rest")} if seconds else {}

    preflight, signature_files = model_file_checks(
        lambda cls, params, base_dir: find_voice_model(params.get("model") or "", base_dir), IsolateVoiceError)

    def run(self, ctx, audio):
        import torch

        from studio.engine.device import resolve_device
        p = ctx.params
        path = find_voice_model(p.model, getattr(ctx.options.get("graph"), "base_dir", None))
        if audio is None:
            raise IsolateVoiceError("Isolate Voice: no sound is given on 'audio'")
        device = ctx.device if p.device == "auto" else resolve_device(p.device)
        model = read_model(path).to(device)
        x = to_model_rate(audio)
        chunk = int(round(p.chunk_seconds * voice_model.RATE))
        ctx.info(f"Mel-Band RoFormer '{os.path.basename(path)}' on {device}: {audio.duration:.2f} s at "
                 f"{audio.rate} Hz, {audio.channels} channel(s) -> 44100 Hz stereo, chunks of {chunk:,} samples")
        wave = torch.from_numpy(x).to(device)
        voice = separate(model, wave, chunk)
        rest = wave - voice
        return {"voice": Audio(voice.T.cpu().numpy(), voice_model.RATE),
                "rest": Audio(rest.T.cpu().numpy(), voice_model.RATE)}
