"""A sound's size is known before it is decoded (issue 76 item 4): Load Audio estimates it from the
container's length and refuses past the limit in words, before a sample is decoded; Speech Features
refuses a take longer than it encodes before any array of the take's length, and mixes only the sound
the take needs."""
from __future__ import annotations

import wave

import numpy as np
import pytest

from studio.core.errors import MediaError
from studio.core.values import Audio
from studio.engine import sound_file


def _wav(path, seconds: float, rate: int = 8000) -> str:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.zeros((int(seconds * rate), 2), np.int16).tobytes())
    return str(path)


def test_a_sound_past_the_limit_is_refused_from_its_length_before_decoding(tmp_path, monkeypatch):
    p = _wav(tmp_path / "quiet.wav", 3.0)
    a = sound_file.load_audio(p)
    assert a.samples.shape == (24_000, 2) and a.rate == 8000
    decoded = []
    monkeypatch.setattr(sound_file.np, "empty", lambda *a, **k: decoded.append(a) or np.zeros(*a, **k))
    monkeypatch.setattr(sound_file, "MAX_AUDIO_BYTES", 4 * 2 * 8000 * 2)  # two seconds of 8 kHz stereo
    with pytest.raises(MediaError, match=r"quiet\.wav' is 0 minutes at 8,000 Hz, 0\.0 GB as 2 channels.*refused "
                                         r"before decoding it"):
        sound_file.load_audio(p)
    with pytest.raises(MediaError, match=r"at 192,000 Hz"):
        sound_file.load_audio(p, rate=192_000)  # the asked rate sizes it: refused before resampling
    assert decoded == []  # no buffer was made
    assert sound_file.load_audio(p, mono=True).samples.shape == (24_000, 1)  # mono fits: half the bytes


def test_speech_features_refuses_a_take_too_long_before_making_it():
    from nodes.encoders.speech import SpeechFeatures, SpeechFeaturesError
    from tests.node_run import run_node
    voice = Audio(np.zeros((1600, 1), np.float32), 16000)
    with pytest.raises(SpeechFeaturesError, match=r"a take of 1,000,000 frames at 25 fps lasts 40000 s; at most "
                                                  r"3600 s"):
        run_node(SpeechFeatures, {"encoder": "none.safetensors", "fps": 25.0, "frames": 1_000_000}, audio=voice)


def _raw_wav(path, fmt_tag: int, bits: int, data: bytes) -> str:
    block = max(bits, 8) // 8
    fmt = __import__("struct").pack("<HHIIHH", fmt_tag, 1, 8000, 8000 * block, block, bits)
    body = b"WAVEfmt " + len(fmt).to_bytes(4, "little") + fmt + b"data" + len(data).to_bytes(4, "little") + data
    with open(path, "wb") as f:
        f.write(b"RIFF" + len(body).to_bytes(4, "little") + body)
    return str(path)


@pytest.mark.parametrize("fmt_tag, bits, data, words", [
    (1, 0, b"\0" * 100, "has an audio stream Studio cannot decode (no sample format or rate"),
    (3, 32, np.full(800, np.nan, np.float32).tobytes(), "holds NaN or infinite samples"),
])
def test_a_wav_of_no_bits_or_of_nan_is_refused_in_words(tmp_path, fmt_tag, bits, data, words):
    p = _raw_wav(tmp_path / "odd.wav", fmt_tag, bits, data)
    with pytest.raises(MediaError, match=r"odd\.wav") as e:
        sound_file.load_audio(p)
    assert words in str(e.value)
