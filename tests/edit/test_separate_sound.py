"""Separate Sound: a tiny Hybrid Demucs built from a small layout with random weights, saved by torch.save in a
models folder of the test's own, read back without unpickling and run on short synthetic sounds on the CPU."""
import numpy as np
import pytest
import torch

from nodes.edit import demucs_net as DN
from nodes.edit import separate_sound as SS
from studio.core.values import Audio
from tests.node_run import run_node

TINY = DN.DemucsConfig(channels=4, nfft=1024, depth=5)  # torchaudio's hdemucs_low shape, 4 channels wide


def _tiny(folder, seed=0, name=SS.FILE):
    torch.manual_seed(seed)
    m = DN.HDemucs(TINY).eval()
    with torch.no_grad():  # LayerScale starts at 0 in training: random scales, so every branch counts
        for p in m.parameters():
            p.add_(0.05 * torch.randn_like(p))
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({k: v.detach().clone() for k, v in m.state_dict().items()}, str(folder / name))
    return str(folder / name), m


def _sound(seconds, rate, ch=1, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    x = 0.3 * np.sin(2 * np.pi * 220 * t)[:, None] + 0.05 * rng.standard_normal((len(t), ch))
    return Audio(x.astype(np.float32), rate)


def test_the_layout_is_read_from_a_models_folder_file_and_loads_strictly(tmp_path):
    path, built = _tiny(tmp_path / "models" / SS.FOLDER)
    found = SS.find_model(SS.FILE, None, [str(tmp_path / "models")])
    assert found == path
    m = SS.read_model(found)
    assert m.cfg == TINY
    assert DN.config_from_state_dict(DN.HDemucs(DN.DemucsConfig()).state_dict()) == DN.DemucsConfig()  # 'high'
    x = torch.randn(1, 2, 9000)
    with torch.no_grad():
        y = m(x)
        np.testing.assert_allclose(y.numpy(), built(x).numpy(), atol=1e-6)
    assert y.shape == (1, 4, 2, 9000)
    assert y.abs().max() > 1e-3 and torch.isfinite(y).all()


def test_stems_have_the_rate_channels_and_length_and_repeat(tmp_path):
    path, _ = _tiny(tmp_path)
    src = _sound(1.3, 22050, ch=1)
    out = run_node(SS.SeparateSound, {"model": path, "chunk_seconds": 1.0}, audio=src)
    assert set(out) == set(SS.STEMS)
    for s in SS.STEMS:
        assert out[s].rate == 44100 and out[s].channels == 2 and out[s].n_samples == 2 * src.n_samples
    assert np.abs(out["vocals"].samples - out["drums"].samples).max() > 1e-4  # four different stems
    again = run_node(SS.SeparateSound, {"model": path, "chunk_seconds": 1.0}, audio=src)
    for s in SS.STEMS:
        np.testing.assert_array_equal(again[s].samples, out[s].samples)  # deterministic


def test_one_chunk_is_the_whole_sound_forward_with_the_packs_closing_fade(tmp_path):
    path, _ = _tiny(tmp_path)
    m = SS.read_model(path)
    mix = torch.randn(2, 30000)
    got = SS.separate(m, mix, 4, segment=1.0, overlap=0.1)  # one chunk of 48,510 samples holds it all
    with torch.no_grad():
        whole = m(mix[None])[0]
    ov = 4410
    np.testing.assert_allclose(got[..., :-ov].numpy(), whole[..., :-ov].numpy(), atol=1e-5)
    np.testing.assert_allclose(got[..., -ov:].numpy(), (whole[..., -ov:] * torch.linspace(1, 0, ov)).numpy(),
                               atol=1e-5)


@pytest.mark.parametrize("shape", ["linear", "half_sine"])
def test_overlapping_chunks_add_up_to_one(shape):
    """Chunks of a model that gives its input back (four times) add up to the input wherever fades overlap (the
    pack's fades are complementary), the last sample included."""
    mix = torch.randn(2, 3 * 48510 + 777)
    got = SS.separate(lambda x: x[:, None].repeat(1, 4, 1, 1), mix, 4, segment=1.0, overlap=0.1, shape=shape)
    np.testing.assert_allclose(got[2, :, :-4410].numpy(), mix[:, :-4410].numpy(), atol=1e-5)
    assert got.shape == (4, 2, mix.shape[-1])


def test_the_fade_shapes_are_torchaudios():
    n = 11
    for shape in ("linear", "half_sine"):
        up, down = SS.fade_curve(n, shape, True), SS.fade_curve(n, shape, False)
        assert abs(float(up[0])) < 1e-6 and abs(float(up[-1]) - 1) < 1e-6 and abs(float(down[0]) - 1) < 1e-6
        np.testing.assert_allclose((up + down).numpy(), np.ones(n), atol=1e-6)  # complementary
    np.testing.assert_allclose(SS.fade_curve(n, "logarithmic", True).numpy(),
                               np.log10(0.1 + np.linspace(0, 1, n)) + 1, atol=1e-6)  # torchaudio's: ends at 1.04
    np.testing.assert_allclose(SS.fade_curve(n, "exponential", True).numpy(),
                               (2.0 ** ((np.linspace(0, 1, n) - 1) * 5)), atol=1e-6)


def test_refusals_say_what_is_wrong_in_words(tmp_path):
    src = _sound(0.5, 44100)
    with pytest.raises(SS.SeparateSoundError, match="Separate Sound: Hybrid Demucs file 'nope.pt' not found.*"
                                                   "Studio never downloads"):
        run_node(SS.SeparateSound, {"model": "nope.pt"}, audio=src)
    other = tmp_path / "other.pt"
    torch.save({"weight": torch.zeros(3, 3)}, str(other))
    with pytest.raises(SS.SeparateSoundError, match="'other.pt' is not Hybrid Demucs' weights"):
        run_node(SS.SeparateSound, {"model": str(other)}, audio=src)
    path, m = _tiny(tmp_path / "cut")
    sd = dict(m.state_dict())
    sd["freq_encoder.1.conv.weight"] = torch.zeros(3, 3, 3, 3)
    torch.save(sd, str(tmp_path / "bad.pt"))
    with pytest.raises(SS.SeparateSoundError, match="is not Hybrid Demucs' weights"):
        SS.read_model(str(tmp_path / "bad.pt"))
    pickle = tmp_path / "m.pt"
    pickle.write_bytes(b"\x80\x04" + b"\x00" * 100)  # a legacy pickle: refused, never unpickled
    with pytest.raises(SS.SeparateSoundError, match="old \\(non-zip\\) format"):
        run_node(SS.SeparateSound, {"model": str(pickle)}, audio=src)
    with pytest.raises(SS.SeparateSoundError, match="not a torch .pt / .pth file .* nor a .safetensors one"):
        (tmp_path / "m.bin").write_bytes(b"\x00" * 10)
        run_node(SS.SeparateSound, {"model": str(tmp_path / "m.bin")}, audio=src)
    with pytest.raises(SS.SeparateSoundError, match="not longer than the chunks' overlap"):
        run_node(SS.SeparateSound, {"model": path}, audio=_sound(0.05, 44100))


def test_its_sounds_are_foreseen_as_long_as_the_one_given():
    assert SS.SeparateSound.foresee({}, None, {"audio": {"seconds": 7.5}}) == {s: {"seconds": 7.5}
                                                                               for s in SS.STEMS}


def test_more_than_two_channels_are_the_mean_of_the_first_two_doubled():
    x = np.stack([np.full(100, 0.2), np.full(100, 0.4), np.full(100, 0.9)], axis=1).astype(np.float32)
    got = SS.to_model_rate(Audio(x, 44100))
    assert got.shape == (2, 100)
    np.testing.assert_allclose(got, 0.3, atol=1e-6)


def test_the_lstm_runs_in_half_overlapping_windows_past_200_steps():
    """Past 200 steps the LSTM sees windows of 200 stepping 100, each giving its middle (the first its start): the
    first 150 steps are the first window's alone, and the whole is not the LSTM over all 450 steps at once."""
    torch.manual_seed(0)
    lstm = DN.BLSTM(4).eval()
    x = torch.randn(1, 4, 450)
    with torch.no_grad():
        framed = lstm(x)
        first = lstm(x[..., :200])
        once = x + lstm._run(x)
    assert framed.shape == x.shape
    np.testing.assert_allclose(framed[..., :150].numpy(), first[..., :150].numpy(), atol=1e-6)
    assert (framed - once).abs().max() > 1e-4


def test_a_safetensors_copy_gives_what_the_torch_file_gives(tmp_path):
    from safetensors.torch import save_file
    path, m = _tiny(tmp_path)
    st = tmp_path / "hdemucs_high_trained.safetensors"
    save_file({k: v.detach().clone().contiguous() for k, v in m.state_dict().items()}, str(st))
    src = _sound(0.4, 44100, ch=2)
    a = run_node(SS.SeparateSound, {"model": path}, audio=src)["vocals"]
    b = run_node(SS.SeparateSound, {"model": str(st)}, audio=src)["vocals"]
    np.testing.assert_array_equal(a.samples, b.samples)
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(st.read_bytes()[:-100])
    with pytest.raises(SS.SeparateSoundError, match="^Separate Sound: "):
        run_node(SS.SeparateSound, {"model": str(cut)}, audio=src)
