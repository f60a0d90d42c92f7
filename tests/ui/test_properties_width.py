"""Issue 104's walk at 1024x700: the right-hand docks widened when a long error path appeared in Properties, and
stayed wide after it went. Its labels wrap a long path (text.breakable) and ask for no width (wrap_label.py)."""
from __future__ import annotations

from studio.ui.text import ZWSP, breakable

from tests.ui.test_readable_1024 import _small, settle

LONG = "/home/artist/projects/" + "a_very_long_folder_name_without_spaces_" * 3 + "/clip.mp4"


def test_a_long_path_in_properties_wraps_and_never_widens_the_docks(qtbot, open_window):
    w = _small(open_window)
    nid = w.doc.add_node("io.load_video", (0, 0))
    w.canvas.select([nid])
    settle()
    before = (w.width(), w.properties_dock.width(), w.viewer_dock.width())
    p = w.properties
    w.doc.graph.nodes[nid].error = f"cannot read {LONG}: no such file"  # a run's error, under the node's name
    p.show_node(nid)
    w.doc.set_param(nid, "path", LONG)  # the edit check's words name the missing file
    w.check_now()
    assert LONG.rsplit("/", 1)[-1] in p.checks.text().replace(ZWSP, ""), p.checks.text()
    p.set_estimate(f"time: not measured ({LONG})")
    settle()
    assert (w.width(), w.properties_dock.width(), w.viewer_dock.width()) == before  # was 1149 / 784 offscreen
    for label in (p.header, p.checks, p.estimate):
        assert label.isVisible() and label.width() <= p.width()
        assert label.height() >= label.heightForWidth(label.width()) - 1  # wrapped: every line shown
    assert p.checks.height() > 2 * p.checks.fontMetrics().height()  # the path on lines of its own
    w.doc.graph.nodes[nid].error = None
    p.show_node(nid)
    settle()
    assert (w.width(), w.properties_dock.width()) == before[:2]


def test_breakable_breaks_long_runs_only():
    assert breakable("short words stay as they are") == "short words stay as they are"
    said = breakable(f"see {LONG}")
    assert said.replace(ZWSP, "") == f"see {LONG}"  # nothing else changed
    assert f"/{ZWSP}clip.mp4" in said and all(len(run) <= 24 for run in said[4:].split(ZWSP))
    assert breakable("x" * 50).split(ZWSP) == ["x" * 24, "x" * 24, "xx"]
