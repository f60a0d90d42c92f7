"""Isolate Voice: a tiny Mel-Band RoFormer built from a small layout, saved as safetensors, read back by the node
from the file and run on short synthetic sounds on the CPU."""
import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from nodes.edit import isolate_voice as IV
from nodes.edit import voice_model as VM
from studio.core.values import Audio
from tests.node_run import run_node

TINY = VM.VoiceConfig(dim=8, depth=1, heads=2, dim_head=4, num_bands=8)


def _save(model, path):
    save_file({k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}, str(path))
    return str(path)


def _tiny(tmp_path, seed=0, name="tiny.safetensors"):
    torch.manual_seed(seed)
    return _save(VM.build(TINY), tmp_path / name)


def _pass_through(tmp_path):
    """A tiny model whose mask is 1 on every bin (its last layers' weights zero, their biases set): its voice is
    its input, whatever the chunking, so chunked and whole runs can be compared exactly."""
    torch.manual_seed(1)
    m = VM.build(TINY)
    with torch.no_grad():
        for seq in m.mask_estimators[0].to_freqs:
            last = seq[0][-1]
            half = last.out_features // 2
            last.weight.zero_()
            last.bias.zero_()
            last.bias[:half:2] = 1.0  # real part 1, imaginary 0
            last.bias[half:] = 30.0  # the gate open
    return _save(m, tmp_path / "pass.safetensors")


def _sound(seconds, rate, ch=1, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    x = 0.3 * np.sin(2 * np.pi * 220 * t)[:, None] + 0.05 * rng.standard_normal((len(t), ch))
    return Audio(x.astype(np.float32), rate)


def test_mel_bands_follow_slaney_triangles():
    bands = VM.mel_bands(60)
    assert bands.shape == (60, 1025) and bands.any(axis=0).all()
    assert bands[0, 0] and bands[-1, -1]
    assert bands.sum() > 1025  # neighbouring bands share bins
    librosa = pytest.importorskip("librosa")
    ref = librosa.filters.mel(sr=44100, n_fft=2048, n_mels=60)
    ref[0, 0] = ref[-1, -1] = 1
    assert ((ref > 0) == bands).all()


def test_layout_read_from_the_file(tmp_path):
    path = _tiny(tmp_path)
    m = IV.read_model(path)
    from safetensors.torch import load_file
    assert VM.config_from_state_dict(load_file(path)) == TINY
    assert len(m.band_split.to_features) == 8


def test_voice_and_rest_add_up_to_the_input(tmp_path):
    path = _tiny(tmp_path)
    src = _sound(1.2, 22050, ch=1)
    out = run_node(IV.IsolateVoice, {"model": path, "chunk_seconds": 1.0}, audio=src)
    voice, rest = out["voice"], out["rest"]
    assert voice.rate == rest.rate == 44100
    assert voice.channels == rest.channels == 2
    assert voice.n_samples == rest.n_samples == 2 * src.n_samples
    x = IV.to_model_rate(src).T
    np.testing.assert_allclose(voice.samples + rest.samples, x, atol=1e-5)
    assert np.abs(voice.samples - x).max() > 1e-3  # a random model does change the sound
    again = run_node(IV.IsolateVoice, {"model": path, "chunk_seconds": 1.0}, audio=src)
    np.testing.assert_array_equal(again["voice"].samples, voice.samples)  # deterministic


def test_its_sounds_are_foreseen_as_long_as_the_one_given():
    assert IV.IsolateVoice.foresee({}, None, {"audio": {"seconds": 7.5}}) == {"voice": {"seconds": 7.5},
                                                                           "rest": {"seconds": 7.5}}
    assert IV.IsolateVoice.foresee({}, None, {}) == {}


def test_chunks_give_what_one_pass_gives(tmp_path):
    path = _pass_through(tmp_path)
    src = _sound(3.3, 44100, ch=2)
    whole = run_node(IV.IsolateVoice, {"model": path, "chunk_seconds": 4.0}, audio=src)["voice"]
    chunked = run_node(IV.IsolateVoice, {"model": path, "chunk_seconds": 1.0}, audio=src)["voice"]
    assert whole.n_samples == chunked.n_samples == src.n_samples
    np.testing.assert_allclose(chunked.samples, whole.samples, atol=1e-4)
    np.testing.assert_allclose(chunked.samples, src.samples, atol=1e-4)


def test_missing_or_wrong_file_is_named_before_anything_runs(tmp_path):
    src = _sound(0.5, 44100)
    with pytest.raises(IV.IsolateVoiceError, match="Isolate Voice: vocal separation model 'nope.safetensors' "
                                                   "not found"):
        run_node(IV.IsolateVoice, {"model": "nope.safetensors"}, audio=src)
    other = tmp_path / "other.safetensors"
    save_file({"weight": torch.zeros(3, 3)}, str(other))
    with pytest.raises(IV.IsolateVoiceError, match="Isolate Voice: 'other.safetensors' is not a Mel-Band RoFormer"):
        run_node(IV.IsolateVoice, {"model": str(other)}, audio=src)
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(open(_tiny(tmp_path), "rb").read()[:-100])
    with pytest.raises(IV.IsolateVoiceError, match="^Isolate Voice: "):
        run_node(IV.IsolateVoice, {"model": str(cut)}, audio=src)
    pickle = tmp_path / "m.ckpt"
    pickle.write_bytes(b"\x80\x04" + b"\x00" * 100)  # a legacy pickle: refused, never unpickled
    with pytest.raises(IV.IsolateVoiceError, match="^Isolate Voice: vocal separation model '.*m.ckpt'"):
        run_node(IV.IsolateVoice, {"model": str(pickle)}, audio=src)
    other_kind = tmp_path / "m.bin"
    other_kind.write_bytes(b"\x00" * 100)
    with pytest.raises(IV.IsolateVoiceError, match="neither a .safetensors file nor a torch .ckpt"):
        run_node(IV.IsolateVoice, {"model": str(other_kind)}, audio=src)


def test_a_torch_checkpoint_is_read_without_unpickling(tmp_path):
    torch.manual_seed(0)
    m = VM.build(TINY)
    path = tmp_path / "MelBandRoformer.ckpt"
    torch.save({k: v.detach().clone() for k, v in m.state_dict().items()}, str(path))
    src = _sound(0.5, 44100, ch=2)
    from_ckpt = run_node(IV.IsolateVoice, {"model": str(path), "chunk_seconds": 1.0}, audio=src)["voice"]
    from_st = run_node(IV.IsolateVoice, {"model": _tiny(tmp_path), "chunk_seconds": 1.0}, audio=src)["voice"]
    np.testing.assert_allclose(from_ckpt.samples, from_st.samples, atol=1e-6)
