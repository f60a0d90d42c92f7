"""Audio encoder: shapes, alignment with video frames, onsets and beats of a click track,
clear errors, the trainable CNN, and agreement with librosa where it is installed."""
import numpy as np
import pytest
import torch

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.values import Audio
from studio.engine.executor import Executor
from nodes.encoders import audio as A
from nodes.encoders.common import seeded
from tests.sources import registry_with, source

from .audio_synth import RATE, click_track


def run_audio(audio, params=None, video_frames=None):
    """encode.audio on an Audio value, through a graph with a source node holding it."""
    reg = registry_with()  # a fresh registry: the held value is this call's
    g = Graph(reg)
    h = g.add_node(source("test.hold_audio", "audio", "Audio", lambda p: audio, registry=reg))
    n = g.add_node("encode.audio", params or {})
    g.connect(h.id, "audio", n.id, "audio")
    if video_frames:
        v = g.add_node("source.shapes", {"frames": video_frames, "width": 32, "height": 32, "sound": False})
        g.connect(v.id, "video", n.id, "video")
    return Executor().run(g, targets=[n.id]).outputs[n.id]


def test_click_track_onsets_and_beats_on_the_right_frames():
    audio, times = click_track(4.0, bpm=120)
    fps = 24.0
    out = run_audio(audio, {"fps": fps})
    f = out["features"]
    assert f.per_frame and f.fps == fps and f.data.shape[0] == 96
    onset_frames = np.flatnonzero(f.extras["onset"].numpy())
    truth = np.floor(times * fps).astype(int)
    assert len(onset_frames) == len(truth)
    assert np.abs(onset_frames - truth).max() <= 1
    assert abs(f.extras["tempo"] - 120.0) < 3.0
    beats = np.asarray(f.extras["beat_times"])
    assert len(beats) >= len(truth) - 2
    assert np.abs(np.floor(beats * fps)[:, None] - truth[None]).min(axis=1).max() <= 1
    # onset strength peaks on the click frames
    s = f.extras["onset_strength"].numpy()
    assert s[truth].mean() > 5 * np.median(s)


def test_shapes_dtypes_names_and_video_alignment():
    audio, _ = click_track(2.0)
    out = run_audio(audio, {"mels": 32, "mfcc": 13}, video_frames=30)
    f, mel = out["features"], out["mel"]
    assert f.data.dtype == torch.float32 and f.data.shape == (30, 32 + 13 + 4)
    assert f.names[:2] == ["mel0", "mel1"] and f.names[-4:] == ["onset_strength", "onset", "beat", "loudness"]
    assert f.extras["columns"]["mfcc"] == (32, 45)
    assert mel.data.shape == (30, 32) and mel.per_frame
    assert out["model"] is None
    assert torch.isfinite(f.data).all()


def test_loudness_follows_the_signal_over_frames():
    t = np.arange(int(2.0 * RATE)) / RATE
    y = np.sin(2 * np.pi * 440 * t).astype(np.float32) * np.where(t < 1.0, 0.01, 0.5).astype(np.float32)
    f = run_audio(Audio(y, RATE), {"fps": 10.0})["features"]
    loud = f.extras["loudness"].numpy()
    assert f.data.shape[0] == 20
    assert loud[12:18].mean() - loud[2:8].mean() > 30  # 0.01 -> 0.5 is +34 dB


def test_bad_audio_gives_clear_errors():
    with pytest.raises(NodeExecutionError, match="no samples"):
        run_audio(Audio(np.zeros((0, 1), np.float32), RATE))
    with pytest.raises(NodeExecutionError, match="silent"):
        run_audio(Audio(np.zeros(RATE, np.float32), RATE))
    y = np.ones(RATE, np.float32)
    y[5] = np.nan
    with pytest.raises(NodeExecutionError, match="NaN"):
        run_audio(Audio(y, RATE))
    with pytest.raises(NodeExecutionError, match="cannot exceed"):
        run_audio(click_track(1.0)[0], {"mels": 10, "mfcc": 20})


def test_cnn_mode_is_seeded_and_trainable(tmp_path):
    audio, _ = click_track(1.0)
    a = run_audio(audio, {"mode": "cnn", "dim": 16, "seed": 1})
    b = run_audio(audio, {"mode": "cnn", "dim": 16, "seed": 1})
    c = run_audio(audio, {"mode": "cnn", "dim": 16, "seed": 2})
    assert a["features"].data.shape == (24, 16)
    assert torch.equal(a["features"].data, b["features"].data)
    assert not torch.allclose(a["features"].data, c["features"].data)
    path = str(tmp_path / "cnn.safetensors")
    A.save_audio_cnn(a["model"].module, path)
    d = run_audio(audio, {"mode": "cnn", "dim": 16, "seed": 5, "checkpoint": path})
    assert torch.allclose(d["features"].data, a["features"].data, atol=1e-6)
    # gradients flow from per-video-frame features back into the CNN
    m = seeded(lambda: A.AudioCNN(64, 8), 0)
    mel = torch.randn(64, 50) * 10 - 40
    out = A.to_video_frames(m(mel[None])[0], 256, RATE, 24.0, 12)
    out.sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in m.parameters())


def test_high_fps_frames_without_an_audio_frame_take_the_nearest():
    x = torch.arange(10.0)[None]  # one audio frame every 512 samples
    out = A.to_video_frames(x, 512, 22050, 120.0, 20)  # 120 fps: ~0.23 audio frames per video frame
    assert out.shape == (20, 1) and torch.isfinite(out).all()
    assert torch.all(out[1:, 0] >= out[:-1, 0])


def test_mel_filterbank_matches_librosa():
    librosa = pytest.importorskip("librosa")
    ours = A.mel_filterbank(22050, 2048, 64).numpy()
    ref = librosa.filters.mel(sr=22050, n_fft=2048, n_mels=64)
    assert np.allclose(ours, ref, atol=1e-6)


def test_features_match_librosa():
    librosa = pytest.importorskip("librosa")
    audio, _ = click_track(2.0)
    y = audio.mono()
    yt = torch.from_numpy(y)
    mel = A.melspectrogram(yt, RATE, 2048, 512, 64).numpy()
    ref = librosa.feature.melspectrogram(y=y, sr=RATE, n_fft=2048, hop_length=512, n_mels=64)
    assert np.allclose(mel, ref, rtol=1e-3, atol=1e-6 * ref.max())
    db = A.power_to_db(torch.from_numpy(ref))
    assert np.allclose(db.numpy(), librosa.power_to_db(ref), atol=1e-3)
    assert np.allclose(A.mfcc(db, 20).numpy(), librosa.feature.mfcc(S=librosa.power_to_db(ref), n_mfcc=20), atol=1e-2)
    env = A.onset_strength(db).numpy()
    ref_env = librosa.onset.onset_strength(S=librosa.power_to_db(ref), sr=RATE, hop_length=512)
    assert np.allclose(env, ref_env, atol=1e-3)
    assert np.allclose(A.rms(yt).numpy(), librosa.feature.rms(y=y, pad_mode="constant")[0], atol=1e-5)


def test_beat_tracker_at_a_one_frame_period_warns_of_nothing():
    """A tempo so fast that the beat period is one envelope frame (a fuzzed graph found it):
    the tracker's lag window must not reach lag 0 (log 0)."""
    import warnings

    from nodes.encoders.audio import track_beats
    env = np.abs(np.sin(np.arange(200) * 0.7)) + 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        beats = track_beats(env, 22050, 512, bpm=60.0 * 22050 / 512)  # period = 1 frame
    assert np.all((beats >= 0) & (beats < len(env))) and np.all(np.diff(beats) > 0)
