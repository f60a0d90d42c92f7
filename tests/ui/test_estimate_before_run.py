"""Issue 104 item 1, in the window: before F5 a video model generator shows its time on the node and in
Properties, from this machine's measured runs (load, steps and decode apart), or says it is not measured here
yet (studio/ui/window/edit_checks.py, estimates/foresee_time.py). Records written as a run writes them; nothing runs."""
from __future__ import annotations


def _wired(win, tmp_path, monkeypatch, tiny):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "wan").symlink_to(tiny("wan-t2v"), target_is_directory=True)
    monkeypatch.setenv("STUDIO_MODELS", str(folder))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    from nodes.video_models.estimates import times
    times._READ.clear()
    load = win.doc.add_node("video_models.load", (0, 0), {"model": "wan"})
    gen = win.doc.add_node("video_models.text_to_video", (300, 0),
                           {"prompt": "a cat", "width": 64, "height": 64, "frames": 9, "steps": 10,
                            "preview_size": "off"})
    win.doc.connect(load, "model", gen, "model")
    return load, gen


def test_a_generator_says_it_is_not_measured_then_its_time_in_parts(qtbot, nodes_window, tmp_path, monkeypatch,
                                                                   tiny):
    from nodes.video_models.loading.node import LoadVideoModel
    from nodes.video_models.estimates import foresee_time, times
    win = nodes_window
    load, gen = _wired(win, tmp_path, monkeypatch, tiny)
    win.canvas.select([gen])
    qtbot.waitUntil(lambda: win.properties.estimate.isVisible(), timeout=3000)  # no F5
    assert "not measured on this machine yet" in win.properties.estimate.text()
    assert win.canvas.badges.status_text(gen).startswith("time: not measured")
    # a run of this model measured here (as RunClock.finished keeps it): the node says its parts
    facts = LoadVideoModel.foresee(win.doc.graph.nodes[load].params, None, {})["model"]
    key = "|".join((facts["path"], facts.get("variant") or facts["title"], foresee_time.this_machine(), "gpu",
                    "float32", "cfg", "compile=auto", "attention=native", "cache=off", "node=0000abcd", "64x64x9"))
    times.keep(key, 64 * 64 * 9, 10, 52.0, {"weights": facts["weights"]},
               {"before": 1.0, "encode": 0.5, "step": 3.0, "decode": 20.0, "other": 0.5, "cold": False})
    win.doc.set_param(gen, "steps", 20)  # an edit: checked again a moment later
    qtbot.waitUntil(lambda: "20 steps" in win.properties.estimate.text(), timeout=3000)
    text = win.properties.estimate.text()
    assert text.startswith("time: about 82 s (+ load: not measured here yet; encode 1.5 s · 20 steps 60 s · decode 20 s; measured on cpu")
    assert win.canvas.badges.status_text(gen).startswith("time: about 82 s")
    assert "time: about 82 s" in win.canvas.badges.canvas.index.view_of(gen).view.toolTip()
    assert not win.runs.outputs  # nothing ran
