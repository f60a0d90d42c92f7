"""The model picker of the loaders (issue 45, 1): a ComfyUI-style folder chosen in Preferences, then
Load Video Model's and Video LoRA's Models… buttons list what it holds, grouped by family, with size,
dtype and fit; choosing sets the parameter; typed paths still work; the "…" dialog opens in the
models folder."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.video_models import layouts as L

from .widgets import open_picker


def _set_comfy_in_preferences(qtbot, tmp_path):
    from studio.core import settings
    from studio.ui.dialogs.preferences import PreferencesDialog
    d = PreferencesDialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClicks(d.comfyui_dir.edit, str(tmp_path / "nowhere"))
    qtbot.mouseClick(d.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert d.isVisible() and "has no models folder" in d.error_label.text()  # refused, stays open
    d.comfyui_dir.edit.clear()
    qtbot.keyClicks(d.comfyui_dir.edit, str(tmp_path / "ComfyUI"))
    with qtbot.waitSignal(d.saved, timeout=2000):
        qtbot.mouseClick(d.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert settings.load_settings()["comfyui_dir"] == str(tmp_path / "ComfyUI")


def _row(picker, variant):
    return next(i for i in picker.items() if i.text(0) == variant)


def test_picker_lists_the_comfyui_folder_and_sets_the_model(qtbot, comfy_win, tmp_path):
    win = comfy_win
    _set_comfy_in_preferences(qtbot, tmp_path)
    node, picker = open_picker(qtbot, win)
    groups = [picker.tree.topLevelItem(i).text(0) for i in range(picker.tree.topLevelItemCount())]
    assert groups == ["LTX-Video", "Wan"]  # denoisers only: no text encoder, VAE or LoRA here
    row = _row(picker, "Wan 2.1 14B I2V")
    assert row.text(5) == "diffusion_models/wan2.1_i2v_480p_14B_fp8_e4m3fn.safetensors"
    assert (row.text(4), row.text(2)) == ("denoiser", "fp8_e4m3fn")
    assert row.text(3) in ("gpu", "in memory") and "predicted peak" in row.toolTip(3)  # a tiny file fits anything
    assert "MB" in row.text(1)
    qtbot.keyClicks(picker.filter, "ltx")  # the filter hides the rest
    assert [i.text(0) for i in picker.items() if not i.isHidden()] == ["LTX-Video 2B"]
    picker.filter.clear()
    picker.tree.setCurrentItem(_row(picker, "Wan 2.1 1.3B T2V"))
    qtbot.mouseClick(picker.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    # the name the node looks up in the models folders (it finds this very file)
    want = "diffusion_models/wan2.1_t2v_1.3B_bf16.safetensors"
    assert win.doc.graph.nodes[node].params["model"] == want
    assert win.properties.editors["model"].edit.text() == want
    # reopened, the picker shows the current choice; a typed path still works
    ed = win.properties.editors["model"]
    qtbot.mouseClick(ed.models_button, Qt.LeftButton)
    assert ed.picker.tree.currentItem().text(0) == "Wan 2.1 1.3B T2V"
    ed.picker.reject()
    typed = str(tmp_path / "elsewhere" / "my.safetensors")
    ed.edit.setText(typed)
    ed.edit.editingFinished.emit()
    assert win.doc.graph.nodes[node].params["model"] == typed


def test_lora_picker_sets_a_models_folder_name_and_the_file_dialog_opens_in_loras(qtbot, comfy_win, tmp_path):
    from studio.core import models
    models.save_settings({"comfyui_dir": str(tmp_path / "ComfyUI"), "use_hf_cache": False})
    L.write(str(tmp_path / "ComfyUI" / "models" / "loras" / "broken.safetensors"), {"foo": (3,)})
    win = comfy_win
    node = win.doc.add_node("video_models.lora", (0, 0))
    win.canvas.select([node])
    ed = win.properties.editors["lora"]
    seen = []
    ed.ask_path = lambda p, start: seen.append(start) or ""
    ed.button.click()
    assert seen == [str(tmp_path / "ComfyUI" / "models" / "loras")]  # not the project folder
    qtbot.mouseClick(ed.models_button, Qt.LeftButton)
    picker = ed.picker
    broken = _row(picker, "?")  # listed, with what it holds, but cannot be chosen
    assert "foo [3]" in broken.toolTip(0) and not broken.flags() & Qt.ItemIsSelectable
    qtbot.waitExposed(picker)
    row = _row(picker, "LoRA for Wan, rank 16")
    at = picker.tree.visualItemRect(row).center()
    qtbot.mouseClick(picker.tree.viewport(), Qt.LeftButton, pos=at)  # a double click: press, release, twice
    qtbot.mouseDClick(picker.tree.viewport(), Qt.LeftButton, pos=at)
    want = str(tmp_path / "ComfyUI" / "models" / "loras" / "wan_style_lora.safetensors")
    # a name under the models folders, as Load Video Model's (the graph moves between machines); found as the run finds it
    assert win.doc.graph.nodes[node].params["lora"] == "loras/wan_style_lora.safetensors"
    assert models.resolve("loras/wan_style_lora.safetensors") == want and os.path.isfile(want)


def test_a_listing_that_fails_is_said_in_the_picker(qtbot):
    from studio.ui.panels.model_picker import ModelPicker

    def broken(kinds, refresh=False):
        raise OSError("the disk went away")
    p = ModelPicker("model", "lora", broken)
    qtbot.addWidget(p)
    assert p.items() == [] and "could not be listed" in p.notes.text() and "disk went away" in p.notes.text()
    assert not p.buttons.button(QDialogButtonBox.Ok).isEnabled()


def test_the_part_pickers_offer_their_kind_and_set_the_files(qtbot, comfy_win, tmp_path):
    """Load Video Model's text_encoder, vae and clip_vision: each picker lists the files of its kind
    only (ComfyUI's text_encoders / clip, vae, clip_vision folders), and choosing sets the name."""
    from studio.core import models
    models.save_settings({"comfyui_dir": str(tmp_path / "ComfyUI"), "use_hf_cache": False})
    win = comfy_win
    node = win.doc.add_node("video_models.load", (0, 0))
    win.canvas.select([node])
    want = {"text_encoder": ("UMT5-XXL (Wan)", {"UMT5-XXL (Wan)", "T5-XXL (LTX-Video, CogVideoX)"},
                             "text_encoders/umt5_xxl_fp8_e4m3fn_scaled.safetensors"),
            "vae": ("Wan 2.1 VAE", {"Wan 2.1 VAE"}, "vae/wan_2.1_vae.safetensors"),
            "clip_vision": ("CLIP ViT-H/14 (Wan 2.1 I2V, FLF2V)", {"CLIP ViT-H/14 (Wan 2.1 I2V, FLF2V)"},
                            "clip_vision/clip_vision_h.safetensors")}
    for param, (choose, listed, name) in want.items():
        ed = win.properties.editors[param]
        qtbot.mouseClick(ed.models_button, Qt.LeftButton)
        picker = ed.picker
        qtbot.waitExposed(picker)
        assert {i.text(0) for i in picker.items()} == listed, param
        picker.tree.setCurrentItem(_row(picker, choose))
        qtbot.mouseClick(picker.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
        assert win.doc.graph.nodes[node].params[param] == name


def test_the_families_studio_reads_from_the_picker_and_help(qtbot, comfy_win):
    """Issue 53: the registry's families (main.py families) in the window: the picker's Families…
    lists the loader's video model families with their tasks; Help > Model families lists every
    kind of model, the preprocessors too; the filter narrows both."""
    from studio.cli import main as cli_main
    win = comfy_win
    _, picker = open_picker(qtbot, win)
    qtbot.mouseClick(picker.families_button, Qt.LeftButton)
    fams = picker.families_dialog
    qtbot.waitExposed(fams)
    rows = fams.rows()  # Help's list (issue 75, item 7: the picker said 28 kinds, Help 42)
    assert "video model/wan" in rows and "video model/ltx2" in rows and any(r.startswith("preprocessor") for r in rows)
    assert rows == [f"{r['kind']}/{r['family']}" for r in win.doc.graph.registry.model_families()]
    wan = next(fams.tree.topLevelItem(0).child(j) for j in range(fams.tree.topLevelItem(0).childCount())
               if "(wan)" in fams.tree.topLevelItem(0).child(j).text(0))
    assert "animate (reference, pose, face, background, mask, prompt)" in wan.text(2)
    fams.reject()
    picker.reject()
    act = next(a for m in win.menuBar().findChildren(type(win.menuBar().actions()[0].menu()))
               for a in m.actions() if a.text() == "Model &families…")
    act.trigger()
    dlg = win.families_dialog
    qtbot.waitExposed(dlg)
    assert set(dlg.rows()) >= {"video model/svd", "preprocessor/pose", "preprocessor/segment"}
    qtbot.keyClicks(dlg.filter, "depth")
    narrowed = dlg.rows()  # the depth estimator, and the families whose control is depth (Cosmos Transfer, the Wan
    # control LoRA and ControlNet...): a few of the whole list
    assert "preprocessor/depth" in narrowed and "video model/wan" not in narrowed and len(narrowed) < len(rows) / 5
    import io
    import contextlib
    import json
    with contextlib.redirect_stdout(io.StringIO()) as out:
        cli_main(["families", "--json"])
    dlg.filter.clear()
    assert dlg.rows() == [f"{r['kind']}/{r['family']}" for r in json.loads(out.getvalue())]  # the same list
    qtbot.keyClicks(dlg.filter, "forcing")  # a family named but not read: its group, what it does and why
    assert dlg.rows() == ["not read/causal-forcing"]
    group = next(dlg.tree.topLevelItem(i) for i in range(dlg.tree.topLevelItemCount())
                 if dlg.tree.topLevelItem(i).text(0).startswith("Named, not read"))
    row = next(group.child(j) for j in range(group.childCount()) if "(causal-forcing)" in group.child(j).text(0))
    assert row.text(2).startswith("not read: image to video sampled") and "thu-ml/Causal-Forcing" in row.text(3)
    dlg.filter.clear()  # a task a family read is known for, not made: found by its name, why in the details
    qtbot.keyClicks(dlg.filter, "not made: replace")
    assert dlg.rows() == ["video model/wan_animate2"]
    videos = next(dlg.tree.topLevelItem(i) for i in range(dlg.tree.topLevelItemCount())
                  if dlg.tree.topLevelItem(i).text(0) == "Video models")
    row = next(videos.child(j) for j in range(videos.childCount()) if "(wan_animate2)" in videos.child(j).text(0))
    dlg.tree.setCurrentItem(row)
    assert "not made: replace: the character put into the driving video's own scene" in dlg.details.text()
    dlg.filter.clear()  # every name a model goes by; a word's start only ('ATI' is not in 'spatial')
    qtbot.keyClicks(dlg.filter, "move")
    assert dlg.rows() == ["video model/wan"]
    assert "Wan-Move" in dlg.details.text() and "templates: " in dlg.details.text()  # the shown row's record
    assert "Move along tracks" in dlg.details.text() and "diffusion_models/" in dlg.details.text()
    dlg.filter.clear()
    qtbot.keyClicks(dlg.filter, "ATI")
    assert dlg.rows() == ["video model/wan"]
    qtbot.keyClicks(dlg.filter, " nothing")
    assert dlg.rows() == [] and dlg.details.text().startswith("select a family")  # not the last one's, stale
    dlg.reject()
