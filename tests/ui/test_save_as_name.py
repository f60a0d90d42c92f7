"""Save As of a graph made from a template suggests the template's name (seen under Xvfb, issue 61:
every template was offered as 'untitled.json')."""
import os

from tests.ui.test_feedback import TEMPLATES_DIR


def test_save_as_suggests_the_templates_name(qtbot, open_window, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path))
    w = open_window()
    assert w.files.open_template(str(TEMPLATES_DIR / "inpaint_object.json"))
    assert os.path.basename(w.files.save_as_start()) == "inpaint_an_object_sam_2_vace.json"
    w.files.ask_unsaved = lambda: "discard"
    w.files.new_graph()
    assert os.path.basename(w.files.save_as_start()) == "untitled.json"
