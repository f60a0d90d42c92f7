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


def _drafting(tmp_path, monkeypatch, node: str, **models) -> tuple:
    """Load Video Model (the first of ``models``: name -> tiny folder, linked into a models folder of the test's
    own) wired into ``node`` at quality 'draft': (graph, the loader's id, the node's id)."""
    from studio.core.graph import Graph
    folder = tmp_path / "models"
    folder.mkdir()
    for name, tiny_dir in models.items():
        (folder / name).symlink_to(tiny_dir, target_is_directory=True)
    monkeypatch.setenv("STUDIO_MODELS", str(folder))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    g = Graph()
    load = g.add_node("video_models.load", {"model": next(iter(models))})
    gen = g.add_node(node, {"quality": "draft", "prompt": "a cat"})
    g.connect(load.id, "model", gen.id, "model")
    return g, load.id, gen.id


def test_draft_without_its_distilled_file_is_said_before_the_run(tmp_path, monkeypatch, tiny):
    """Wan 1.3B with quality 'draft' and no LoRA in the models folders: the generator says the draft will
    not draft and why (the recipes it would use and what they look for), at validation."""
    from studio.engine.edit_checks import node_checks
    g, load, gen = _drafting(tmp_path, monkeypatch, "video_models.text_to_video", wan=tiny("wan-t2v"))
    said = node_checks(g, gen)
    assert len(said) == 1 and said[0][0] == "warning" and said[0][1].startswith("Draft will not draft"), said
    assert "the final settings will run" in said[0][1]
    g.set_param(gen, "quality", "final")
    assert node_checks(g, gen) == []


def test_ltx2_draft_without_its_distilled_checkpoint_or_lora_is_said_on_the_node_and_by_validate(
        tmp_path, monkeypatch, tiny, capsys):
    """LTX-2's draft recipes are a distilled checkpoint (told by the model's name) and a distilled LoRA (issue 104
    item 3): a model of another name with no such LoRA in the models folders is said at edit time and by `main.py
    validate`, as Wan's Text to Video is; where the model is the distilled checkpoint, nothing is said."""
    from studio import cli
    from studio.core.fileformat import save_graph
    from studio.engine.edit_checks import node_checks
    g, load, gen = _drafting(tmp_path, monkeypatch, "video_models.ltx2", ltx2=tiny("ltx2"),
                             **{"ltx-2-19b-distilled": tiny("ltx2")})
    said = node_checks(g, gen)
    assert len(said) == 1 and said[0][0] == "warning" and said[0][1].startswith("Draft will not draft"), said
    assert "ltx-2-19b-distilled" in said[0][1] and "ltx-2-19b-distilled-lora" in said[0][1]
    path = str(tmp_path / "portrait.json")
    save_graph(g, path)
    assert cli.main(["validate", path]) == 0
    out = capsys.readouterr()
    assert "Draft will not draft" in out.out + out.err
    g.set_param(load, "model", "ltx-2-19b-distilled")  # the distilled checkpoint itself: the draft runs
    assert node_checks(g, gen) == []


def test_checks_run_off_the_gui_thread_and_the_latest_edit_wins(qtbot, nodes_window, tmp_path, monkeypatch):
    """Issue 116, item 2: a node's checks ran on the GUI thread (Return in a path on a converted Wan 2.2 graph froze
    the window 20-30 s). Here a check held back keeps the event loop answering, and the answer of an edit overtaken
    by a newer one is never shown."""
    import threading

    from studio.ui.window import edit_checks
    win = nodes_window
    gate, started, threads = threading.Event(), threading.Event(), []
    plain = edit_checks.assess

    def held(graph, ids):
        threads.append(threading.current_thread())
        started.set()
        gate.wait(10)
        return plain(graph, ids)
    monkeypatch.setattr(edit_checks, "assess", held)
    nid = win.doc.add_node("io.load_image", (0, 0))
    shown = []
    set_check = win.canvas.badges.set_check
    monkeypatch.setattr(win.canvas.badges, "set_check", lambda n, said: (shown.append((n, list(said))),
                                                                        set_check(n, said)))
    win.doc.set_param(nid, "path", str(tmp_path / "gone.png"))
    qtbot.waitUntil(started.is_set, timeout=3000)  # the event loop ran while the check is held: not blocked
    assert threads[0] is not threading.main_thread() and win.checks_pending()
    win.doc.set_param(nid, "path", os.path.join(MEDIA, "still.png"))  # a newer edit while the first is checked
    gate.set()
    qtbot.waitUntil(lambda: not win.checks_pending(), timeout=5000)
    mine = [said for n, said in shown if n == nid]
    assert mine and mine[-1] == [] and not any("gone.png" in w for said in mine for _lv, w in said)
