"""MMAudio on the CPU: tiny random files written as kijai's pack keeps them (tiny_mmaudio.py), read by the node from
the files (headers first), run on short synthetic clips: the sound's length and rate from the clip, words alone,
the picture changing the sound, the seed, a wrong file refused before anything large is read."""
import numpy as np
import pytest
import torch

from nodes.video_models.mmaudio import clip_file, files, make, net
from nodes.video_models.mmaudio.node import MMAudio
from studio.engine.clip import ArrayClip
from tests.video_models import tiny_mmaudio as T
from tests.node_run import run_node


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return T.build(str(tmp_path_factory.mktemp("models") / "mmaudio"))


def _clip(n=30, fps=24.0, seed=0, w=64, h=48):
    return ArrayClip(np.random.default_rng(seed).random((n, h, w, 3), dtype=np.float32), fps)


def _run(paths, video=None, **settings):
    params = {**paths, "steps": 2, "seed": 1, **settings}
    return run_node(MMAudio, params, video=video)


def test_sequence_lengths_are_the_releases():
    got = net.seq_lengths(8.0, 44_100, 512)  # sequence_config.py's CONFIG_44K
    assert (got["latent"], got["clip"], got["sync"], got["samples"]) == (345, 64, 192, 353_280)


def test_sound_lasts_the_clip_at_its_rate(paths):
    clip = _clip(30, 24.0)
    out = _run(paths, clip)
    audio = out["audio"]
    assert audio.rate == 44_100 and audio.channels == 1
    assert audio.n_samples == round(30 / 24 * 44_100)
    assert np.isfinite(audio.samples).all() and np.abs(audio.samples).max() > 0
    assert out["video"].n_frames == 30 and out["video"].audio is audio


def test_duration_shorter_than_the_clip_and_words_alone(paths):
    assert _run(paths, _clip(40, 25.0), duration=1.0)["audio"].n_samples == 44_100
    alone = _run(paths, None, duration=0.7, prompt="rain on a roof")
    assert alone["audio"].n_samples == round(0.7 * 44_100) and alone["video"] is None
    with pytest.raises(files.MMAudioError, match=r"^MMAudio: 0.30 s of sound asked; MMAudio makes 0.64 s at least"):
        _run(paths, None, duration=0.3)


def test_the_picture_and_mask_away_clip_change_the_sound_and_it_repeats(paths):
    a = _run(paths, _clip(seed=0))["audio"].samples
    again = _run(paths, _clip(seed=0))["audio"].samples
    other_picture = _run(paths, _clip(seed=7))["audio"].samples
    no_clip_features = _run(paths, _clip(seed=0), mask_away_clip=True)["audio"].samples
    assert np.array_equal(a, again)
    assert not np.allclose(a, other_picture, atol=1e-5)
    assert not np.allclose(a, no_clip_features, atol=1e-5)


def test_the_seed_changes_the_sound(paths):
    """The node's seed is the graph's (Context.generator_seed: the graph's seed, the node and its 'seed' hashed); the
    noise it starts from is drawn from that number."""
    from nodes.video_models.mmaudio.node import _tokenizer
    found = files.check(paths)
    models = files.load(paths, found, torch.float32)
    kw = dict(frames=_clip().chunk(0, 30), fps=24.0, duration=1.0, prompt="", negative="", steps=2, cfg=4.5,
              device="cpu", dtype=torch.float32)
    one = make.generate(models, _tokenizer(paths["clip"]), seed=1, **kw)
    assert np.array_equal(one, make.generate(models, _tokenizer(paths["clip"]), seed=1, **kw))
    assert not np.allclose(one, make.generate(models, _tokenizer(paths["clip"]), seed=2, **kw), atol=1e-5)


def test_frames_taken_at_their_times():
    frames = np.arange(48).reshape(48, 1, 1, 1).astype(np.float32)
    assert make.frames_at(frames, 24.0, 8, 16)[:, 0, 0, 0].tolist() == list(range(0, 48, 3))
    assert make.frames_at(frames, 24.0, 25, 3)[:, 0, 0, 0].tolist() == [0, 0, 1]


def test_wrong_file_refused_before_any_tensor_is_read(paths, monkeypatch):
    monkeypatch.setattr(files, "load", lambda *a, **k: pytest.fail("loaded a wrong set of files"))
    with pytest.raises(files.MMAudioError, match=r"^MMAudio: .*vae_tiny.safetensors' is not MMAudio's network"):
        _run(paths, _clip(), model=paths["vae"])
    with pytest.raises(files.MMAudioError, match=r"^MMAudio: .*not the Synchformer"):
        bad = dict(paths)
        bad_sync = T._save(T.sync_net.Synchformer(**{**T.SYNC, "dim": 128}).state_dict(),
                           paths["synchformer"].replace("sync_tiny", "sync_wide"))
        bad["synchformer"] = bad_sync
        _run(bad, _clip())
    with pytest.raises(files.MMAudioError, match=r"^MMAudio: MMAudio network 'nowhere.safetensors' not found"):
        _run(paths, _clip(), model="nowhere.safetensors")
    assert MMAudio.preflight({**paths, "vae": "nowhere.safetensors"}, None)[0].startswith(
        "MMAudio: MMAudio sound VAE 'nowhere.safetensors' not found")
    assert MMAudio.preflight(paths, None) == [] and len(MMAudio.signature_files(paths)) == 5
    assert MMAudio.preflight({**paths, "synchformer": ""}, None) == [
        "MMAudio: no Synchformer chosen: set 'synchformer' to its file in a models folder's mmaudio/, e.g. "
        "mmaudio_synchformer_fp16.safetensors"]


def test_clip_read_from_open_clip_layout_is_the_same_network(paths):
    from transformers import CLIPModel
    found = files.check(paths)
    sd = clip_file.renamed(files._safetensors(paths["clip"]), found["clip"])
    m = CLIPModel(found["clip"]).eval()
    m.load_state_dict(sd, strict=False)
    x = torch.rand(2, 3, 384, 384)
    with torch.no_grad():
        ref = torch.nn.functional.normalize(m.get_image_features(pixel_values=(x - torch.tensor(clip_file.MEAN).view(
            1, 3, 1, 1)) / torch.tensor(clip_file.STD).view(1, 3, 1, 1)).pooler_output, dim=-1)
        loaded = files.load(paths, found, torch.float32)["clip"]
        assert torch.allclose(clip_file.image_features(loaded, x), ref, atol=1e-5)


def test_vae_weight_normalisation_applied_once():
    w = torch.randn(6, 4, 3)
    trained = w / w.flatten(1).norm(dim=1).view(6, 1, 1) * 12 ** 0.5  # as training leaves them: norm sqrt(fan in)
    once = files.normalised(trained)
    assert torch.allclose(once.flatten(1).norm(dim=1), torch.ones(6), atol=1e-3)
    assert torch.equal(files.normalised(once), once)  # a file saved after remove_weight_norm: kept


def test_divided_attention_groups_by_place_and_by_frame():
    """Each patch attends to the class token and the patches of its own place (time) or frame (space); the class
    token to all: checked against attention written group by group."""
    from nodes.video_models.mmaudio.sync_net import DividedAttention
    torch.manual_seed(0)
    att = DividedAttention(8, 2).eval()
    frames, places = 3, 4
    x = torch.randn(2, 1 + frames * places, 8)

    def ref(over_time):
        q, k, v = (t.view(2, -1, 2, 4).transpose(1, 2) for t in att.qkv(x).chunk(3, -1))
        out = torch.zeros_like(q)
        out[:, :, :1] = torch.softmax(q[:, :, :1] @ k.transpose(-1, -2) / 2, -1) @ v
        for tok in range(frames * places):
            f, p = divmod(tok, places)
            mates = [1 + ff * places + p for ff in range(frames)] if over_time else \
                [1 + f * places + pp for pp in range(places)]
            idx = [0] + mates
            w = torch.softmax(q[:, :, 1 + tok:2 + tok] @ k[:, :, idx].transpose(-1, -2) / 2, -1)
            out[:, :, 1 + tok:2 + tok] = w @ v[:, :, idx]
        return att.proj(out.transpose(1, 2).reshape(2, -1, 8))
    with torch.no_grad():
        for over_time in (True, False):
            assert torch.allclose(att(x, over_time, frames), ref(over_time), atol=1e-5)
