"""ComfyUI's single-file audio encoders (models/audio_encoders/) read by Speech Features into
transformers' Wav2Vec2Model / WhisperEncoder: tiny random encoders built from configs, saved under
ComfyUI's tensor names (wav2vec2 with and without its 'wav2vec2.' prefix, Whisper under 'model.' with
its decoder), read back; the features equal transformers' model called directly with the release's
feature extractor; wrong files refused in words."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from nodes.encoders.speech import SpeechFeatures, SpeechFeaturesError, mono_at
from nodes.encoders.speech_file import SpeechFileError, read_encoder
from studio.core.values import Audio
from tests.node_run import Recorder, run_node


def _voice(seconds=1.0, rate=22050):
    rng = np.random.default_rng(1)
    t = np.arange(int(seconds * rate)) / rate
    x = 0.3 * np.sin(2 * np.pi * 180 * t)[:, None] + 0.05 * rng.standard_normal((len(t), 2))
    return Audio(x.astype(np.float32), rate)


def _w2v(large: bool):
    from transformers import Wav2Vec2Config, Wav2Vec2Model
    torch.manual_seed(3 if large else 4)
    cfg = Wav2Vec2Config(hidden_size=64, num_hidden_layers=2, num_attention_heads=1, intermediate_size=96,
                         conv_dim=(16,) * 7, num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=4,
                         feat_extract_norm="layer" if large else "group", do_stable_layer_norm=large,
                         conv_bias=large)
    return Wav2Vec2Model(cfg).eval()


def _whisper():
    from transformers import WhisperConfig, WhisperModel
    torch.manual_seed(5)
    cfg = WhisperConfig(d_model=64, encoder_layers=2, decoder_layers=1, encoder_attention_heads=1,
                        decoder_attention_heads=1, encoder_ffn_dim=96, decoder_ffn_dim=64, num_mel_bins=16,
                        max_source_positions=1500, max_target_positions=32, vocab_size=64, pad_token_id=1,
                        bos_token_id=2, eos_token_id=3, decoder_start_token_id=2)
    return WhisperModel(cfg).eval()


def _save(model, path, prefix="", old_weight_norm=False):
    sd = {}
    for k, v in model.state_dict().items():
        if old_weight_norm:  # the older weight-norm names (weight_g / weight_v) some files carry
            k = k.replace("parametrizations.weight.original0", "weight_g").replace(
                "parametrizations.weight.original1", "weight_v")
        sd[prefix + k] = v.detach().contiguous()
    save_file(sd, str(path))
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("audio_encoders_root")
    (d / "audio_encoders").mkdir()
    models = {"large": _w2v(True), "base": _w2v(False), "whisper": _whisper()}
    paths = {"large": _save(models["large"], d / "audio_encoders" / "wav2vec2_large_english_fp16.safetensors",
                            "wav2vec2."),
             "base": _save(models["base"], d / "audio_encoders" / "wav2vec2-chinese-base_fp16.safetensors",
                           old_weight_norm=True),
             "whisper": _save(models["whisper"], d / "audio_encoders" / "whisper_large_v3_fp16.safetensors",
                              "model.")}
    return d, models, paths


@pytest.mark.parametrize("which", ["large", "base"])
def test_wav2vec2_file_features_equal_transformers_called_directly(files, which, monkeypatch):
    from transformers import Wav2Vec2FeatureExtractor
    root, models, paths = files
    monkeypatch.setenv("STUDIO_MODELS", str(root))
    voice = _voice()
    rec = Recorder()
    name = paths[which].rsplit("/", 1)[1]  # by its name, found in the models folder's audio_encoders/
    out = run_node(SpeechFeatures, {"encoder": name, "fps": 25.0, "frames": 25, "layers": "all"}, runtime=rec,
                   audio=voice)["features"]
    x = mono_at(voice, 16000)
    # the release's extractor: the large (stable layer norm) model reads normalised input, the Chinese base raw
    fe = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, do_normalize=which == "large")
    with torch.no_grad():
        direct = models[which](fe(x, sampling_rate=16000, return_tensors="pt").input_values,
                               output_hidden_states=True)
    h = torch.stack(direct.hidden_states, dim=2)[0]  # [49, 3, 64]
    from nodes.encoders.speech import to_frames
    assert torch.allclose(out.data, to_frames(h, 1.0, 25.0, 25).reshape(25, -1), atol=1e-5)
    assert out.extras["encoder"] == "Wav2Vec2Model" and out.extras["layers"] == 3
    assert any("read as transformers' Wav2Vec2Model" in m for m in rec.messages())


def test_inferred_wav2vec2_config_is_the_saved_one(files):
    _, models, paths = files
    for which in ("large", "base"):
        ref = read_encoder(paths[which], torch.device("cpu"), "Speech Features")
        got, want = ref.module.config, models[which].config
        for k in ("hidden_size", "num_hidden_layers", "intermediate_size", "conv_dim", "conv_kernel", "conv_stride",
                  "conv_bias", "feat_extract_norm", "do_stable_layer_norm", "num_conv_pos_embeddings",
                  "num_conv_pos_embedding_groups"):
            assert tuple(np.atleast_1d(getattr(got, k))) == tuple(np.atleast_1d(getattr(want, k))), (which, k)
        assert ref.processor.do_normalize is (which == "large")


def test_whisper_file_features_equal_transformers_encoder(files):
    from transformers import WhisperFeatureExtractor
    _, models, paths = files
    voice = _voice(2.0)
    out = run_node(SpeechFeatures, {"encoder": paths["whisper"], "fps": 25.0, "frames": 50, "layers": "last"},
                   audio=voice)["features"]
    x = mono_at(voice, 16000)
    fe = WhisperFeatureExtractor(feature_size=16, sampling_rate=16000)
    with torch.no_grad():
        direct = models["whisper"].get_encoder()(fe(x, sampling_rate=16000, return_tensors="pt").input_features)
    h = direct.last_hidden_state[0][:100]  # 2 s of speech: 100 encoder frames of the 30 s window
    from nodes.encoders.speech import to_frames
    assert out.data.shape == (50, 64) and out.extras["encoder"] == "WhisperEncoder"
    assert torch.allclose(out.data, to_frames(h, 2.0, 25.0, 50), atol=1e-5)


def test_a_file_that_is_no_audio_encoder_is_refused_in_words(tmp_path):
    bad = tmp_path / "unet.safetensors"
    save_file({"diffusion_model.input_blocks.0.weight": torch.zeros(4, 4)}, str(bad))
    with pytest.raises(SpeechFileError, match=r"Speech Features: .*not a wav2vec2 or Whisper audio encoder"):
        run_node(SpeechFeatures, {"encoder": str(bad), "frames": 5}, audio=_voice())
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a safetensors file at all")
    with pytest.raises(SpeechFileError, match="cannot read .* as safetensors"):
        read_encoder(str(junk), torch.device("cpu"), "Speech Features")
    with pytest.raises(SpeechFileError, match="not found beside the graph or in the models folders"):
        run_node(SpeechFeatures, {"encoder": "nowhere.safetensors", "frames": 5}, audio=_voice())


def test_a_wav2vec2_file_missing_a_tensor_or_both_sources_is_refused(files, tmp_path):
    _, models, paths = files
    sd = {k: v for k, v in models["large"].state_dict().items() if "layers.1.feed_forward" not in k}
    cut = tmp_path / "cut.safetensors"
    save_file({k: v.contiguous() for k, v in sd.items()}, str(cut))
    with pytest.raises(SpeechFileError, match="does not fill a wav2vec2 encoder: missing encoder.layers.1.feed_forward"):
        read_encoder(str(cut), torch.device("cpu"), "Speech Features")
    ref = read_encoder(paths["base"], torch.device("cpu"), "Speech Features")
    with pytest.raises(SpeechFeaturesError, match="both a model input and the 'encoder' file"):
        run_node(SpeechFeatures, {"encoder": paths["base"], "frames": 5}, model=ref, audio=_voice())
    with pytest.raises(SpeechFeaturesError, match="no speech encoder: connect a Load Preprocessor"):
        run_node(SpeechFeatures, {"frames": 5}, audio=_voice())


def test_the_file_joins_the_signature_and_preflight(files, tmp_path):
    _, _, paths = files
    assert SpeechFeatures.signature_files({"encoder": paths["whisper"]}) == [paths["whisper"]]
    assert SpeechFeatures.signature_files({"encoder": ""}) == []
    assert SpeechFeatures.preflight({"encoder": str(tmp_path / "gone.safetensors")}, None)
    assert SpeechFeatures.preflight({"encoder": paths["whisper"]}, None) == []
