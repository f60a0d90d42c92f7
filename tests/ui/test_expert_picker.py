"""Load Video Model's 'model_2' (Wan 2.2 A14B's second expert): its Models… picker offers the denoiser
files of the models folders (no text encoder, VAE, CLIP vision, LoRA or diffusers folder), and
choosing one sets the parameter, as the other file properties do."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.video_models import layouts as L

from .widgets import open_picker


def test_the_second_expert_picker_offers_denoisers_and_sets_model_2(qtbot, comfy_win, tmp_path):
    m = tmp_path / "ComfyUI" / "models" / "diffusion_models"
    for role in ("high", "low"):
        L.write(str(m / f"wan2.2_t2v_{role}_noise_14B_fp8_scaled.safetensors"), L.wan(5120, 16, 2), "F8_E4M3")
    from studio.core import models
    models.save_settings({"comfyui_dir": str(tmp_path / "ComfyUI"), "use_hf_cache": False})
    win = comfy_win
    node, picker = open_picker(qtbot, win, "model_2")
    rows = {i.text(0): i for i in picker.items()}
    assert set(rows) == {"Wan 2.1 1.3B T2V", "Wan 2.1 14B I2V", "LTX-Video 2B", "Wan 2.2 A14B T2V (high-noise expert)",
                         "Wan 2.2 A14B T2V (low-noise expert)"}
    assert {i.text(4) for i in rows.values()} == {"denoiser"}
    picker.tree.setCurrentItem(rows["Wan 2.2 A14B T2V (low-noise expert)"])
    qtbot.mouseClick(picker.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert win.doc.graph.nodes[node].params["model_2"] == "diffusion_models/wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors"
