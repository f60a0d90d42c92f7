"""Speech Features (issue 58, item 1): a voice encoded by transformers' own wav2vec2 and Whisper
classes from a models-folder folder, aligned to video frames. Tiny random encoders are built here
from configs (never downloaded); the node's features are checked against the library called
directly, and the alignment against MultiTalk's interpolation on a hand-computed case."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.encoders.speech import SpeechFeatures, SpeechFeaturesError, to_frames
from nodes.preprocess.hf import LoadPreprocessor, PreprocessModelError, load
from studio.core.values import Audio
from tests.node_run import Recorder, run_node


def _wav2vec2(path):
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2Model
    torch.manual_seed(0)
    cfg = Wav2Vec2Config(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                         conv_dim=(16, 16, 16, 16, 16, 16, 16), num_conv_pos_embeddings=8,
                         num_conv_pos_embedding_groups=2, vocab_size=12)
    Wav2Vec2Model(cfg).eval().save_pretrained(path, safe_serialization=True)
    Wav2Vec2FeatureExtractor(sampling_rate=16000, do_normalize=True, return_attention_mask=False).save_pretrained(path)
    return str(path)


def _whisper(path):
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperModel
    torch.manual_seed(0)
    cfg = WhisperConfig(d_model=32, encoder_layers=2, decoder_layers=1, encoder_attention_heads=2,
                        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, num_mel_bins=16,
                        max_source_positions=1500, max_target_positions=32, vocab_size=64,
                        pad_token_id=1, bos_token_id=2, eos_token_id=3, decoder_start_token_id=2)
    WhisperModel(cfg).eval().save_pretrained(path, safe_serialization=True)
    WhisperFeatureExtractor(feature_size=16, sampling_rate=16000).save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def encoders(tmp_path_factory):
    d = tmp_path_factory.mktemp("speech")
    return {"wav2vec2": _wav2vec2(d / "w2v"), "whisper": _whisper(d / "whisper")}


def _voice(seconds=1.0, rate=22050, channels=2, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    x = 0.3 * np.sin(2 * np.pi * 220 * t)[:, None] + 0.05 * rng.standard_normal((len(t), channels))
    return Audio(x.astype(np.float32), rate)


def test_wav2vec2_features_equal_transformers_called_directly(encoders):
    from transformers import Wav2Vec2FeatureExtractor, Wav2Vec2Model
    from nodes.encoders.speech import mono_at
    ref = load(encoders["wav2vec2"], "speech", torch.device("cpu"))
    voice = _voice(1.0)
    rec = Recorder()
    out = run_node(SpeechFeatures, {"fps": 50.0, "frames": 50, "layers": "last"}, runtime=rec,
                   model=ref, audio=voice)["features"]
    x = mono_at(voice, 16000)
    fe = Wav2Vec2FeatureExtractor.from_pretrained(encoders["wav2vec2"])
    m = Wav2Vec2Model.from_pretrained(encoders["wav2vec2"]).eval()
    with torch.no_grad():
        direct = m(fe(x, sampling_rate=16000, return_tensors="pt").input_values).last_hidden_state[0]
    assert out.per_frame and out.data.shape == (50, 32)
    want = to_frames(direct, 1.0, 50.0, 50)
    assert torch.equal(out.data, want)
    assert direct.shape[0] == 49  # wav2vec2's conv stack: 49 frames a second of 16 kHz
    assert any("49 encoder frames" in t for t in rec.messages())


def test_all_layers_are_every_hidden_state_stacked(encoders):
    ref = load(encoders["wav2vec2"], "speech", torch.device("cpu"))
    out = run_node(SpeechFeatures, {"fps": 25.0, "frames": 25, "layers": "all"}, model=ref, audio=_voice(1.0))
    f = out["features"]
    assert f.data.shape == (25, 3 * 32) and f.extras["layers"] == 3  # embeddings + 2 layers
    assert f.extras["voice_frames"] == 25 and f.extras["silent"] is False  # what the voice-driven nodes check


def test_encoder_input_alignment_equals_infinitetalks_wav2vec2_forward(encoders):
    """align 'encoder input': MeiGen-AI/InfiniteTalk@0107cd9 src/audio_analysis/wav2vec2.py's forward, its
    steps written out: the conv features interpolated to the video's frames (linear, corners aligned),
    then feature_projection and the encoder."""
    from transformers import Wav2Vec2FeatureExtractor, Wav2Vec2Model
    from nodes.encoders.speech import mono_at
    ref = load(encoders["wav2vec2"], "speech", torch.device("cpu"))
    voice = _voice(1.0)
    last = run_node(SpeechFeatures, {"fps": 25.0, "frames": 25, "layers": "last", "align": "encoder input"},
                    model=ref, audio=voice)["features"]
    every = run_node(SpeechFeatures, {"fps": 25.0, "frames": 25, "layers": "all", "align": "encoder input"},
                     model=ref, audio=voice)["features"]
    fe = Wav2Vec2FeatureExtractor.from_pretrained(encoders["wav2vec2"])
    m = Wav2Vec2Model.from_pretrained(encoders["wav2vec2"]).eval()
    with torch.no_grad():
        iv = fe(mono_at(voice, 16000), sampling_rate=16000, return_tensors="pt").input_values
        extract_features = m.feature_extractor(iv).transpose(1, 2)
        extract_features = torch.nn.functional.interpolate(extract_features.transpose(1, 2), size=25,
                                                           align_corners=True, mode="linear").transpose(1, 2)
        hidden_states, _ = m.feature_projection(extract_features)
        want = m.encoder(hidden_states).last_hidden_state[0]
    assert last.data.shape == (25, 32) and torch.allclose(last.data, want, atol=1e-5)
    assert every.data.shape == (25, 96) and torch.allclose(every.data[:, -32:], want, atol=1e-5)
    hidden = run_node(SpeechFeatures, {"fps": 25.0, "frames": 25, "layers": "last"}, model=ref, audio=voice)["features"]
    assert not torch.allclose(hidden.data, want, atol=1e-3)  # the default interpolates after the layers
    whisper = load(encoders["whisper"], "speech", torch.device("cpu"))
    with pytest.raises(SpeechFeaturesError, match="align 'encoder input' is wav2vec2's"):
        run_node(SpeechFeatures, {"fps": 25.0, "frames": 25, "align": "encoder input"}, model=whisper, audio=voice)


def test_whisper_encoder_features_equal_transformers_called_directly(encoders):
    from transformers import WhisperFeatureExtractor, WhisperModel
    from nodes.encoders.speech import mono_at
    ref = load(encoders["whisper"], "speech", torch.device("cpu"))
    voice = _voice(0.5, rate=16000, channels=1)
    out = run_node(SpeechFeatures, {"fps": 50.0, "frames": 25}, model=ref, audio=voice)["features"]
    fe = WhisperFeatureExtractor.from_pretrained(encoders["whisper"])
    m = WhisperModel.from_pretrained(encoders["whisper"]).eval()
    with torch.no_grad():
        h = m.encoder(fe(mono_at(voice, 16000), sampling_rate=16000, return_tensors="pt").input_features
                      ).last_hidden_state[0]
    assert h.shape[0] == 1500  # Whisper pads every window to 30 s
    assert torch.equal(out.data, to_frames(h[:25], 0.5, 50.0, 25))  # the speech's 25 frames, not the padding


def test_alignment_is_multitalks_linear_interpolation_on_a_hand_computed_case():
    h = torch.tensor([[0.0], [10.0], [20.0]])  # three encoder frames
    got = to_frames(h, 0.06, 25.0, 5)
    assert torch.allclose(got[:, 0], torch.tensor([0.0, 5.0, 10.0, 15.0, 20.0]))
    assert torch.equal(to_frames(torch.tensor([[3.0]]), 0.02, 25.0, 4)[:, 0], torch.full((4,), 3.0))


def test_a_short_voice_is_padded_with_silence_and_said(encoders):
    ref = load(encoders["wav2vec2"], "speech", torch.device("cpu"))
    rec = Recorder()
    out = run_node(SpeechFeatures, {"fps": 25.0, "frames": 50}, runtime=rec, model=ref, audio=_voice(1.0))
    assert out["features"].data.shape[0] == 50
    assert any("the frames past the voice are given silence" in t for t in rec.messages())


def test_silent_empty_and_broken_sound_are_said_in_words(encoders):
    ref = load(encoders["wav2vec2"], "speech", torch.device("cpu"))
    rec = Recorder()
    run_node(SpeechFeatures, {"fps": 25.0, "frames": 10}, runtime=rec, model=ref,
             audio=Audio(np.zeros((8000, 1), np.float32), 16000))
    assert any("silent" in t for t in rec.messages())
    with pytest.raises(SpeechFeaturesError, match="Speech Features: the sound is empty"):
        run_node(SpeechFeatures, {}, model=ref, audio=Audio(np.zeros((0, 1), np.float32), 16000))
    bad = np.zeros((1600, 1), np.float32)
    bad[5] = np.nan
    with pytest.raises(SpeechFeaturesError, match="NaN"):
        run_node(SpeechFeatures, {"frames": 2}, model=ref, audio=Audio(bad, 16000))
    with pytest.raises(SpeechFeaturesError, match="no voice"):
        run_node(SpeechFeatures, {}, model=ref)


def test_another_kind_of_model_is_refused_naming_it(encoders, tmp_path):
    with pytest.raises(PreprocessModelError, match="speech encoder"):
        load(encoders["wav2vec2"], "depth", torch.device("cpu"))
    ref = load(encoders["wav2vec2"], "speech", torch.device("cpu"))
    ref.kind = "depth"
    with pytest.raises(PreprocessModelError, match="Speech Features needs a speech encoder"):
        run_node(SpeechFeatures, {}, model=ref, audio=_voice(0.2))


def test_load_preprocessor_lists_speech_encoders_as_a_kind():
    recs = {r["family"]: r for r in LoadPreprocessor.model_families()}
    assert recs["speech"]["inputs"] == {"speech": ["audio"]}
    assert "wav2vec2" in recs["speech"]["variants"] and "whisper" in recs["speech"]["variants"]
