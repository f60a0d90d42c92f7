"""Issue 76: test_wav2vec2_file_features_equal_transformers_called_directly[base] gave wholly different features
in a full run on a machine whose models folders held ComfyUI's own wav2vec2-chinese-base_fp16.safetensors: a name
was looked up at the top of every models folder before the first folder's audio_encoders/, so a later folder's
file of the same name was read. Each models folder is now searched wholly before the next."""
from __future__ import annotations

from nodes.encoders.speech_file import find_encoder
from studio.core.settings import load_settings, save_settings

NAME = "wav2vec2-chinese-base_fp16.safetensors"


def test_the_first_models_folders_audio_encoder_wins_over_a_later_folders_file_of_that_name(tmp_path, monkeypatch):
    first, later = tmp_path / "first", tmp_path / "later"
    (first / "audio_encoders").mkdir(parents=True)
    later.mkdir()
    (first / "audio_encoders" / NAME).write_bytes(b"first")
    (later / NAME).write_bytes(b"later")  # ComfyUI's file, at the top of the user's own models folder
    monkeypatch.setenv("STUDIO_MODELS", str(first))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    s = load_settings()
    s["models_dir"] = str(later)
    save_settings(s)
    assert find_encoder(NAME, None, "Speech Features") == str(first / "audio_encoders" / NAME)
    monkeypatch.delenv("STUDIO_MODELS")
    assert find_encoder(NAME, None, "Speech Features") == str(later / NAME)  # found where it is, when alone
