"""File > Open of a hostile .json (issue 54): refused in the Log naming the file, never a traceback."""
import pytest


@pytest.mark.parametrize("doc", ["workflow", "graph"])
def test_file_open_of_a_deeply_nested_json_says_so_in_the_log(qtbot, open_window, tmp_path, doc):
    """File > Open of a nested .json (one that looks like a ComfyUI workflow, or like a Studio graph)
    is refused in the Log naming the file: no traceback out of the window's handler, the graph kept."""
    win = open_window()
    before = dict(win.doc.graph.nodes)
    p = tmp_path / "deep.json"
    head = '{"nodes": ' if doc == "workflow" else '{"format": "studio-graph", "version": 1, "nodes": '
    p.write_text(head + "[" * 100_000 + "]" * 100_000 + "}")
    assert win.files.open_path(str(p), ask=False) is False
    log = win.log_view.toPlainText()
    assert "deep.json" in log and "Traceback" not in log
    assert win.doc.graph.nodes.keys() == before.keys()
