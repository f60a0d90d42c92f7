"""A long sound file is decoded only where it is read (issue 101 item 4): Load Audio gives a long file's sound as a
FileSound whose spans hold the very samples a whole decode gives, decoded as a node asks for them; Speech Features
decodes the take and a second past it (a 59-minute mp3 for a 5-frame take had been decoded whole: 2.9 GB). A sound
whose header says 1 Hz is refused in words (it had been "has no samples")."""
from __future__ import annotations

import wave

import numpy as np
import pytest

from studio.core.errors import MediaError
from studio.engine import sound_file, sound_spans
from studio.engine.sound_spans import FileSound, open_sound

RATE = 8000


def _wav(path, seconds: float, rate: int = RATE, channels: int = 2) -> str:
    rng = np.random.default_rng(0)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(rng.integers(-20_000, 20_000, (int(seconds * rate), channels), dtype=np.int16).tobytes())
    return str(path)


@pytest.fixture
def long_wav(tmp_path, monkeypatch):
    """40 s of 8 kHz stereo, made 'long' for the test: anything past 1 s of it is read span by span."""
    monkeypatch.setattr(sound_spans, "EAGER_BYTES", RATE * 2 * 4)
    return _wav(tmp_path / "talk.wav", 40.0)


def test_a_long_sounds_spans_are_the_whole_decodes(long_wav):
    whole = sound_file.load_audio(long_wav).samples
    sound = open_sound(long_wav)
    assert isinstance(sound, FileSound) and sound.n_samples == len(whole) == 40 * RATE and sound.channels == 2
    for a, b in [(0, 100), (100, 9000), (9000, 9001), (RATE * 10, RATE * 12), (50, 70),  # on, a jump, back again
                 (len(whole) - 10, len(whole))]:
        assert np.array_equal(sound.slice_samples(a, b), whole[a:b]), (a, b)
    blocks = [sound.slice_samples(i, i + RATE) for i in range(0, len(whole), RATE)]  # as Save Video writes it
    assert np.array_equal(np.concatenate(blocks), whole)
    assert np.array_equal(sound.samples, whole) and sound._c is None
    mono = open_sound(long_wav, rate=16_000, mono=True)
    assert np.array_equal(mono.slice_samples(0, 32_000), sound_file.load_audio(long_wav, 16_000, True).samples[:32_000])


def test_speech_features_decodes_only_the_take_and_a_second(long_wav, tmp_path):
    import torch

    from nodes.encoders.speech import SpeechFeatures
    from nodes.io import LoadAudio
    from nodes.preprocess.hf import load
    from tests.encoders.test_speech import _wav2vec2
    from tests.node_run import Recorder, run_node
    ref = load(_wav2vec2(tmp_path / "w2v"), "speech", torch.device("cpu"))
    rec = Recorder()
    sound = run_node(LoadAudio, {"path": long_wav}, runtime=rec)
    assert isinstance(sound, FileSound) and 0 < sound.decoded < RATE  # its first block, no more
    out = run_node(SpeechFeatures, {"fps": 25.0, "frames": 5, "layers": "last"}, model=ref, audio=sound)["features"]
    assert out.data.shape[0] == 5
    assert sound.decoded < int(1.5 * RATE)  # 0.2 s of take, a second past it and the block that holds its end
    assert sound._samples is None


@pytest.mark.parametrize("rate, asked, words", [
    (1, None, "says it is sampled at 1 Hz; Studio reads sound sampled at 1,000 Hz or more"),
    (8000, 500, "cannot be resampled to 500 Hz: Studio makes sound of 1,000 Hz or more"),
])
def test_a_sound_at_a_rate_no_sound_has_is_refused_in_words(tmp_path, rate, asked, words):
    p = _wav(tmp_path / "odd.wav", 40 / rate, rate=rate, channels=1)
    for read in (sound_file.load_audio, open_sound):
        with pytest.raises(MediaError, match="odd.wav") as e:
            read(p, asked)
        assert words in str(e.value)


def test_a_long_sounds_length_is_its_packets_not_its_headers_word(tmp_path, monkeypatch):
    """A FLAC of 3 s whose header (STREAMINFO) says it holds 2^36 samples: its length is what the file holds (it had
    been months of silence to the nodes asking its length, Speech Features encoding an hour of it)."""
    import struct

    import av
    monkeypatch.setattr(sound_spans, "EAGER_BYTES", RATE * 2 * 4)
    p = str(tmp_path / "liar.flac")
    with av.open(p, "w") as c:
        s = c.add_stream("flac", rate=RATE)
        s.layout = "stereo"
        x = np.random.default_rng(0).integers(-3000, 3000, (1, 3 * RATE * 2), dtype=np.int16)
        fr = av.AudioFrame.from_ndarray(x, format="s16", layout="stereo")
        fr.sample_rate, fr.pts = RATE, 0
        for pk in [*s.encode(fr), *s.encode(None)]:
            c.mux(pk)
    with open(p, "r+b") as f:  # STREAMINFO's last 36 bits of the 8 bytes at 18: the samples it holds
        f.seek(18)
        v = struct.unpack(">Q", f.read(8))[0] | ((1 << 36) - 1)
        f.seek(18)
        f.write(struct.pack(">Q", v))
    assert sound_file.declared_seconds(p) > 1e6
    sound = open_sound(p)
    assert isinstance(sound, FileSound) and sound.n_samples == 3 * RATE
