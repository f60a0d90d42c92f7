"""What Properties shows is what runs and what is saved: a prompt typed just before F5 (inside the prompt
field's 400 ms pause), text typed into a field without leaving it, a number typed without Enter. Each was
left out of the run (the run made the old value, and the node was then marked stale) and of a save."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt


def _graph_at_start(w, monkeypatch) -> list:
    """The graph's parameters as the runner is started (a copy per run)."""
    seen: list = []
    start = w.runner.start

    def spy(graph, **kw):
        seen.append({nid: dict(n.params) for nid, n in graph.nodes.items()})
        return start(graph, **kw)
    monkeypatch.setattr(w.runner, "start", spy)
    return seen


def _type_prompt(qtbot, w, nid: str, text: str):
    """``text`` typed over the prompt of node ``nid`` in Properties (its field's pause not yet over)."""
    w.canvas.select([nid])
    ed = w.properties.editors["text"]
    ed.edit.setFocus()
    ed.edit.selectAll()
    qtbot.keyClicks(ed.edit, text)
    return ed


def test_a_prompt_text_and_a_number_typed_just_before_run_are_what_runs(qtbot, open_window, monkeypatch):
    w = open_window()
    prompt = w.doc.add_node("io.text", (0, 0), {"text": "a red circle"})
    src = w.doc.add_node("source.shapes", (0, 200), {"frames": 4, "width": 32, "height": 24, "sound": False})
    burn = w.doc.add_node("edit.burn_in", (300, 200), {"text": "{timecode}"})
    w.doc.connect(src, "video", burn, "video")
    seen = _graph_at_start(w, monkeypatch)

    ed = _type_prompt(qtbot, w, prompt, "a blue square")  # and Run at once: the field's pause is not over
    assert ed.timer.isActive()
    with qtbot.waitSignal(w.run_finished, timeout=60_000):
        assert w.runs.run_graph([prompt])
    assert seen[-1][prompt]["text"] == "a blue square"
    assert w.doc.graph.nodes[prompt].params["text"] == "a blue square"
    assert "stale" not in w.canvas.status_text(prompt)  # the run made what the field shows

    w.canvas.select([burn])
    text, size = w.properties.editors["text"], w.properties.editors["size"]
    text.edit.setFocus()
    text.edit.selectAll()
    qtbot.keyClicks(text.edit, "shot 12")  # no Enter, focus kept
    size.spin.lineEdit().selectAll()
    qtbot.keyClicks(size.spin.lineEdit(), "0.1")  # typed, no Enter (the field commits on Enter)
    assert w.doc.graph.nodes[burn].params["size"] != 0.1
    with qtbot.waitSignal(w.run_finished, timeout=60_000):
        assert w.runs.run_graph([burn])
    assert seen[-1][burn]["text"] == "shot 12" and seen[-1][burn]["size"] == 0.1


def test_a_number_typed_out_of_range_is_refused_not_run(qtbot, open_window, monkeypatch):
    w = open_window()
    src = w.doc.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    burn = w.doc.add_node("edit.burn_in", (300, 0), {"size": 0.04})
    w.doc.connect(src, "video", burn, "video")
    seen = _graph_at_start(w, monkeypatch)
    w.canvas.select([burn])
    size = w.properties.editors["size"]
    refused: list = []
    size.refused.connect(refused.append)
    size.spin.lineEdit().selectAll()
    qtbot.keyClicks(size.spin.lineEdit(), "9")  # past its maximum 0.5
    with qtbot.waitSignal(w.run_finished, timeout=60_000):
        assert w.runs.run_graph([burn])
    assert seen[-1][burn]["size"] == 0.04 and refused and "refused" in refused[0]


def test_a_prompt_typed_just_before_save_is_saved(qtbot, open_window, tmp_path):
    w = open_window()
    prompt = w.doc.add_node("io.text", (0, 0), {"text": "a red circle"})
    ed = _type_prompt(qtbot, w, prompt, "a green triangle")
    qtbot.keyClick(ed.edit, Qt.Key_Space)
    assert w.files.save_to(str(tmp_path / "g.json"))
    saved = json.loads((tmp_path / "g.json").read_text())
    node = next(n for n in saved["nodes"] if n["id"] == prompt)
    assert node["params"]["text"] == "a green triangle "


def test_a_prompt_typed_just_before_another_node_is_chosen_stays_with_its_node(qtbot, open_window):
    w = open_window()
    a = w.doc.add_node("io.text", (0, 0), {"text": "first"})
    b = w.doc.add_node("io.text", (0, 200), {"text": "second"})
    _type_prompt(qtbot, w, a, "typed for a")
    w.canvas.select([b])  # inside the field's pause: the panel shows b now
    qtbot.wait(600)  # past the pause: nothing arrives late, at b
    assert w.doc.graph.nodes[a].params["text"] == "typed for a"
    assert w.doc.graph.nodes[b].params["text"] == "second"
    assert w.properties.editors["text"].edit.toPlainText() == "second"


def test_an_edit_in_a_field_counts_as_unsaved_and_never_lands_in_the_next_graph(qtbot, open_window, monkeypatch):
    from studio.core.graph import Graph
    w = open_window()
    a = w.doc.add_node("io.text", (0, 0), {"text": "first"})
    w.doc.undo_stack.setClean()
    _type_prompt(qtbot, w, a, "typed")  # inside the pause: not in the document yet
    asked: list = []
    monkeypatch.setattr(w.files, "ask_unsaved", lambda: (asked.append(1), "discard")[1])
    assert w.files.maybe_save() is True and asked  # the typed prompt counts as an unsaved change
    other = Graph(w.registry)
    other.add_node("io.text", {"text": "the other graph's"}, node_id=a)  # the same id, another node
    w.doc.set_graph(other, None)
    qtbot.wait(600)
    assert w.doc.graph.nodes[a].params["text"] == "the other graph's"
