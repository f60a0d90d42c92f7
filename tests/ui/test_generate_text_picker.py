"""Generate Text's model picker on the canvas (stop24's leftover, left25): it lists the language model folders the
node runs (models/LLM/<name>, models/prompt_generator/<name>: config.json of a causal language model, *.safetensors,
a tokenizer) as well as the text-encoder files, and choosing a folder sets 'model' to the name the node looks up; a
folder that is no causal language model is not offered. The real widget, driven in the ComfyUI window."""
from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.video_models import layouts as L

from .widgets import open_picker


def _folder(path: str, model_type: str) -> None:
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump({"model_type": model_type}, f)
    with open(os.path.join(path, "tokenizer.json"), "w") as f:
        f.write("{}")
    L.write(os.path.join(path, "model.safetensors"), {"lm_head.weight": (8, 4)})


@pytest.fixture
def comfy_win(comfy_win, tmp_path):
    """The shared ComfyUI window with two language model folders and a folder of another model in it."""
    from studio.core import models
    root = str(tmp_path / "ComfyUI")
    m = os.path.join(root, "models")
    _folder(os.path.join(m, "LLM", "Qwen2.5-0.5B-Instruct"), "qwen2")
    _folder(os.path.join(m, "prompt_generator", "Phi-3-mini"), "phi3")
    _folder(os.path.join(m, "LLM", "clip-vit"), "clip_vision_model")  # (no causal language model: not offered)
    models.save_settings({"comfyui_dir": root, "use_hf_cache": False})
    return comfy_win


def test_generate_texts_picker_lists_language_model_folders_and_text_encoders(qtbot, comfy_win, tmp_path):
    win = comfy_win
    node, picker = open_picker(qtbot, win, "model", "encode.generate_text")
    files = {i.text(5): i for i in picker.items()}
    assert "LLM/Qwen2.5-0.5B-Instruct" in files and "prompt_generator/Phi-3-mini" in files
    assert "text_encoders/umt5_xxl_fp8_e4m3fn_scaled.safetensors" in files  # the text-encoder files still listed
    assert not any("clip-vit" in f for f in files)
    row = files["LLM/Qwen2.5-0.5B-Instruct"]
    assert row.text(4) == "language model (qwen2)" and row.parent().text(0) == "Language models"
    picker.tree.setCurrentItem(row)
    qtbot.mouseClick(picker.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert win.doc.graph.nodes[node].params["model"] == "LLM/Qwen2.5-0.5B-Instruct"
    from nodes.video_models.generate_text import find  # (the name the node finds the folder by when it runs)
    want = os.path.join(str(tmp_path), "ComfyUI", "models", "LLM", "Qwen2.5-0.5B-Instruct")
    assert os.path.abspath(find("LLM/Qwen2.5-0.5B-Instruct", None)) == os.path.abspath(want)
