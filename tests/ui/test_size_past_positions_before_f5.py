"""A size past the model's rotary positions said on the generator before F5 (issue 116: "no setting refused that
Studio could have said before F5"). Under Xvfb, the tiny Wan of the README (rope_max_seq_len 32: 512 px a side) at
the text-to-video template's 832x480 with the toolbar at Full size was refused only when the run reached the
sampler, and a Final job in the queue only when its turn came. Here the toolbar is clicked as the artist does and
the node's checks read; the model folder holds the configs the foresight reads (no weights: nothing is loaded)."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton

from studio.core.assets import TEMPLATES_DIR

WORDS = "832x480 is more than this model's positions reach: it makes at most 512 px a side"


def _tiny_wan(root) -> None:
    folder = root / "Wan-AI" / "Wan2.1-T2V-1.3B-Diffusers"
    for sub, cfg in {"": {"_class_name": "WanPipeline", "boundary_ratio": None,
                          "transformer": ["diffusers", "WanTransformer3DModel"], "transformer_2": [None, None],
                          "vae": ["diffusers", "AutoencoderKLWan"], "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
                          "text_encoder": ["transformers", "T5EncoderModel"], "tokenizer": ["transformers", "T5TokenizerFast"]},
                     "transformer": {"_class_name": "WanTransformer3DModel", "patch_size": [1, 2, 2],
                                     "rope_max_seq_len": 32, "num_layers": 2, "in_channels": 16},
                     "vae": {"_class_name": "AutoencoderKLWan", "scale_factor_spatial": 8,
                             "temperal_downsample": [False, True, True]}}.items():
        (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / sub / ("model_index.json" if not sub else "config.json")).write_text(json.dumps(cfg))


def _errors(w, nid: str) -> list[str]:
    w.check_now()
    return [t for lv, t in w.canvas.badges._checks.get(nid, []) if lv == "error"]


def test_full_size_past_the_positions_is_said_on_the_node_and_preview_clears_it(nodes_window, qtbot, tmp_path,
                                                                                  monkeypatch):
    _tiny_wan(tmp_path / "models")
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    w = nodes_window
    assert w.files.open_template(str(TEMPLATES_DIR / "text_to_video_pretrained.json"))
    gen = next(n.id for n in w.doc.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    toggle = w.findChild(QAbstractButton, "preview-toggle")
    if toggle.text() == "Preview":
        qtbot.mouseClick(toggle, Qt.LeftButton)
    assert toggle.text() == "Full size" and w.doc.graph.nodes[gen].params["preview_size"] == "off"
    said = _errors(w, gen)
    assert any(WORDS in t for t in said), said  # before F5, in the run's own words
    qtbot.mouseClick(toggle, Qt.LeftButton)  # Preview: 256 px a side, within the 512 it reaches
    assert toggle.text() == "Preview"
    assert not any("positions reach" in t for t in _errors(w, gen))
