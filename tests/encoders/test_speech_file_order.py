"""Issue 76: test_wav2vec2_file_features_equal_transformers_called_directly[base] gave wholly different features
in a full run. Proven cause (reproduced on e0752b9f^ with one command): the suite then searched the machine's own
models folders (the default one, ~/.local/share/Studio/models, held the tiny models `python -m tests.tiny_models`
writes, ComfyUI's names at its top), and a name was looked up at the top of every models folder before the first
folder's audio_encoders/, so the tiny wav2vec2-chinese-base_fp16.safetensors at the top of the machine's folder (the
same 64-wide base layout, other random weights) was read in place of the test's own: [base] failed with wholly
different features, [large] (a name the tiny folder lacks) passed. It came and went with what that folder held
(a render of the tiny templates filling it), not with the order of the tests. Mended twice: each models folder is
searched wholly before the next (studio.core.models.resolve), and the suite searches only its own folders (the root
conftest); each mend has its test here."""
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


def test_the_suite_searches_no_models_folder_of_the_machine(monkeypatch):
    """Every models folder a test searches (STUDIO_MODELS aside, which a test sets itself) lies in the session's
    own temporary home: the machine's default models folder, its settings' folders and its Hugging Face cache
    are never a test's (run with the machine's folders, this failed as [base] did)."""
    import os

    from studio.core.confine import is_inside, real
    from studio.core.models import model_dirs
    monkeypatch.delenv("STUDIO_MODELS", raising=False)
    home = real(os.environ["STUDIO_TEST_HOME"])
    outside = [d for d in model_dirs() if not is_inside(real(d), home)]
    assert outside == [], f"the suite searches models folders of the machine: {outside}"
