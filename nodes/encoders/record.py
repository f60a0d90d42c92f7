"""Record sound from a microphone with sounddevice, producing Audio like a loaded file.

For the UI: :func:`input_devices` lists the microphones (the device picker), :class:`Recorder`
records in the background (``start`` / ``stop``) and exposes ``level`` (RMS of the latest block,
0..1) for a level meter; ``stop`` returns the take, which :func:`write_wav` saves as the node's
``take`` file. The node loads its take when the file exists, else records ``seconds`` itself.

With no input device (or no PortAudio library, or ``STUDIO_NO_AUDIO_DEVICE=1``) every entry
point raises :class:`NoInputDevice` with a clear message; importing this module never fails,
so the rest of the graph keeps working.
"""
from __future__ import annotations

import os
import threading
import time
import wave

import numpy as np

from studio.core.errors import MediaError
from studio.core.params import Float, Int, Path, String
from studio.core.spec import SOURCE, Node, Out
from studio.core.values import Audio

NO_DEVICE_HINT = "connect a microphone, or use 'Load Audio' with a sound file"


class NoInputDevice(MediaError):
    """No microphone can be opened."""


def _sd():
    """The sounddevice module, or NoInputDevice when sound is disabled or PortAudio is missing."""
    if os.environ.get("STUDIO_NO_AUDIO_DEVICE", "") not in ("", "0"):
        raise NoInputDevice(f"no audio input device: sound devices are disabled (STUDIO_NO_AUDIO_DEVICE is set); "
                            f"{NO_DEVICE_HINT}")
    try:
        import sounddevice as sd  # noqa: PLC0415
    except (ImportError, OSError) as e:
        raise NoInputDevice(f"no audio input device: the sound library cannot load ({e}); "
                            f"install PortAudio (Debian: libportaudio2) or {NO_DEVICE_HINT}") from None
    return sd


def input_devices() -> list[dict]:
    """Microphones as dicts: index, name, channels, default_rate. Empty when there are none."""
    try:
        sd = _sd()
        devs = sd.query_devices()
    except Exception:  # noqa: BLE001 - no devices is a normal state here
        return []
    return [{"index": i, "name": d["name"], "channels": int(d["max_input_channels"]),
             "default_rate": int(d["default_samplerate"])}
            for i, d in enumerate(devs) if int(d.get("max_input_channels", 0)) > 0]


def resolve_device(device: str | int | None):
    """The sounddevice input for ``device`` (a name part, an index, or None for the system
    default); raises NoInputDevice when there is none."""
    devs = input_devices()
    if not devs:
        _sd()  # raises with the specific cause when sound is disabled or missing
        raise NoInputDevice(f"no audio input device found; {NO_DEVICE_HINT}")
    if device in (None, ""):
        return None  # the system default
    if isinstance(device, int) or (isinstance(device, str) and device.isdigit()):
        idx = int(device)
        if any(d["index"] == idx for d in devs):
            return idx
    for d in devs:
        if isinstance(device, str) and device.lower() in d["name"].lower():
            return d["index"]
    raise NoInputDevice(f"audio input device '{device}' not found (have: {', '.join(d['name'] for d in devs)})")


class Recorder:
    """Background capture: ``start()``, read ``level`` for a meter, ``stop()`` -> Audio."""

    def __init__(self, device: str | int | None = None, rate: int = 44100, channels: int = 1):
        self.device, self.rate, self.channels = device, int(rate), int(channels)
        self._blocks: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._stream = None
        self.level = 0.0
        self.status_messages: list[str] = []

    @property
    def recording(self) -> bool:
        return self._stream is not None

    @property
    def seconds(self) -> float:
        with self._lock:
            return sum(len(b) for b in self._blocks) / self.rate

    def _callback(self, indata, frames, time_info, status):  # called on PortAudio's thread
        if status:
            self.status_messages.append(str(status))
        block = np.array(indata, dtype=np.float32, copy=True)
        with self._lock:
            self._blocks.append(block)
        self.level = float(np.sqrt(np.mean(block ** 2))) if block.size else 0.0

    def start(self) -> None:
        if self._stream is not None:
            return
        sd = _sd()
        dev = resolve_device(self.device)
        with self._lock:
            self._blocks = []
        try:
            self._stream = sd.InputStream(device=dev, samplerate=self.rate, channels=self.channels,
                                          dtype="float32", callback=self._callback)
            self._stream.start()
        except Exception as e:  # noqa: BLE001 - PortAudio errors become one clear message
            self._stream = None
            raise NoInputDevice(f"cannot open the audio input device: {e}") from None

    def stop(self) -> Audio:
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            finally:
                self._stream = None
        with self._lock:
            data = np.concatenate(self._blocks) if self._blocks else np.zeros((0, self.channels), np.float32)
        self.level = 0.0
        return Audio(data, self.rate)


def write_wav(path: str, audio: Audio) -> None:
    """16-bit PCM WAV (atomic: a temporary file renamed into place)."""
    from studio.core.paths import atomic_path
    pcm = (np.clip(audio.samples, -1, 1) * 32767).round().astype("<i2")
    with atomic_path(path) as tmp, wave.open(tmp, "wb") as w:
        w.setnchannels(audio.channels)
        w.setsampwidth(2)
        w.setframerate(audio.rate)
        w.writeframes(pcm.tobytes())


def read_wav(path: str) -> Audio:
    try:
        with wave.open(path, "rb") as w:
            if w.getsampwidth() != 2:
                raise MediaError(f"take '{os.path.basename(path)}' is not 16-bit PCM")
            ch, rate = w.getnchannels(), w.getframerate()
            data = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32767.0
    except (wave.Error, EOFError) as e:
        raise MediaError(f"cannot read take '{os.path.basename(path)}': {e}") from None
    return Audio(data.reshape(-1, ch), rate)


class RecordAudio(Node):
    """Sound from a microphone. Record and stop in the viewer (the take is saved to the
    'take' file and reused); without a take, running the node records 'seconds' of sound."""
    id = "audio.record"
    title = "Record Audio"
    category = "Input"
    timing = SOURCE
    outputs = (Out("audio", "Audio"),)
    params = (Path("take", "", mode="save", filters="WAV (*.wav)",
                   help="the recorded take; loaded when it exists, written after recording"),
              String("device", "", help="input device name or index; empty: the system default"),
              Float("seconds", 5.0, min=0.1, max=3600.0, help="length to record when there is no take"),
              Int("rate", 44100, min=8000, max=192000, help="sample rate in Hz"),
              Int("channels", 1, min=1, max=8, help="1 mono, 2 stereo"))

    def run(self, ctx, **_):
        p = ctx.params
        if p.take and os.path.isfile(p.take):
            a = read_wav(p.take)
            if a.n_samples == 0:
                raise MediaError(f"take '{os.path.basename(p.take)}' is empty: record again")
            return a
        rec = Recorder(p.device or None, p.rate, p.channels)
        rec.start()
        try:
            t0 = time.perf_counter()
            while (el := time.perf_counter() - t0) < p.seconds:
                ctx.progress(int(el * 10), int(p.seconds * 10), level=rec.level,
                             message=f"recording {el:.1f} / {p.seconds:g} s")
                time.sleep(0.05)
        finally:
            audio = rec.stop()
        if audio.n_samples == 0:
            raise MediaError("the input device gave no sound: check the microphone")
        audio = Audio(audio.samples[: int(p.seconds * p.rate)], audio.rate)
        if p.take:
            write_wav(p.take, audio)
        return audio
