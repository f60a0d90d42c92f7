"""Issue 75, item 5: what a node will not do as set is said while it is edited, on the node and in
Properties, not first at F5: a missing input file typed into a loader's path, a generator's Draft with
no distilled file for its model (studio.engine.edit_checks; the window's studio/ui/window/edit_checks.py)."""
from __future__ import annotations

import os

from studio.core.assets import ASSETS_DIR

from .test_first_frame import choose

MEDIA = os.path.join(str(ASSETS_DIR), "media")


def test_a_missing_file_is_said_on_the_node_and_in_properties_and_goes_when_fixed(qtbot, nodes_window, tmp_path):
    win = nodes_window
    nid = win.doc.add_node("io.load_image", (0, 0))
    choose(qtbot, win, nid, str(tmp_path / "gone.png"))
    qtbot.waitUntil(lambda: win.properties.checks.isVisible(), timeout=3000)  # a moment after the edit, no F5
    assert "not found" in win.properties.checks.text() and "gone.png" in win.properties.checks.text()
    assert win.canvas.badges.status_text(nid).startswith("⚠ cannot read 'path': not found")
    assert not win.runs.outputs  # nothing ran
    choose(qtbot, win, nid, os.path.join(MEDIA, "still.png"))
    qtbot.waitUntil(lambda: not win.properties.checks.isVisible(), timeout=3000)
    assert "⚠" not in win.canvas.badges.status_text(nid)


def test_draft_without_its_distilled_file_is_said_before_the_run(tmp_path, monkeypatch, tiny):
    """Wan 1.3B with quality 'draft' and no LoRA in the models folders: the generator says the draft will
    not draft and why (the recipes it would use and what they look for), at validation."""
    from studio.core.graph import Graph
    from studio.engine.edit_checks import node_checks
    models = tmp_path / "models"
    models.mkdir()
    (models / "wan").symlink_to(tiny("wan-t2v"), target_is_directory=True)
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    g = Graph()
    load = g.add_node("video_models.load", {"model": "wan"})
    gen = g.add_node("video_models.text_to_video", {"quality": "draft", "prompt": "a cat"})
    g.connect(load.id, "model", gen.id, "model")
    said = node_checks(g, gen.id)
    assert len(said) == 1 and said[0][0] == "warning" and said[0][1].startswith("Draft will not draft"), said
    assert "the final settings will run" in said[0][1]
    g.set_param(gen.id, "quality", "final")
    assert node_checks(g, gen.id) == []


def test_ltx2_draft_without_its_distilled_checkpoint_or_lora_is_said_on_the_node_and_by_validate(
        tmp_path, monkeypatch, tiny, capsys):
    """LTX-2's draft recipes are a distilled checkpoint (told by the model's name) and a distilled LoRA (issue 104
    item 3): a model of another name with no such LoRA in the models folders is said at edit time and by `main.py
    validate`, as Wan's Text to Video is; where the model is the distilled checkpoint, nothing is said."""
    import json

    from studio import cli
    from studio.core.graph import Graph
    from studio.engine.edit_checks import node_checks
    models = tmp_path / "models"
    models.mkdir()
    (models / "ltx2").symlink_to(tiny("ltx2"), target_is_directory=True)
    (models / "ltx-2-19b-distilled").symlink_to(tiny("ltx2"), target_is_directory=True)
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    g = Graph()
    load = g.add_node("video_models.load", {"model": "ltx2"})
    gen = g.add_node("video_models.ltx2", {"quality": "draft", "prompt": "a cat"})
    g.connect(load.id, "model", gen.id, "model")
    said = node_checks(g, gen.id)
    assert len(said) == 1 and said[0][0] == "warning" and said[0][1].startswith("Draft will not draft"), said
    assert "ltx-2-19b-distilled" in said[0][1] and "ltx-2-19b-distilled-lora" in said[0][1]
    path = tmp_path / "portrait.json"
    from studio.core.fileformat import save_graph
    save_graph(g, str(path))
    assert cli.main(["validate", str(path)]) == 0
    out = capsys.readouterr()
    assert "Draft will not draft" in out.out + out.err
    g.set_param(load.id, "model", "ltx-2-19b-distilled")  # the distilled checkpoint itself: the draft runs
    assert node_checks(g, gen.id) == []
    json.loads(path.read_text())  # the file the check was made on is a graph file
