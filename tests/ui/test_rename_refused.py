"""A title the model refuses (a lone surrogate, over the length limit) is refused with a message,
in the properties panel and on the canvas, and the node keeps its title (nothing half-applied)."""
from studio.core.limits import MAX_TITLE_LENGTH


def test_refused_title_says_why_and_keeps_the_old_one(qtbot, open_window):
    win = open_window()
    nid = win.doc.add_node("transform.color", (0, 0))
    win.canvas.select([nid])
    messages = []
    win.properties.message.connect(messages.append)
    win.canvas.message.connect(messages.append)
    edit = win.properties.title_edit
    edit.setText("x" * (MAX_TITLE_LENGTH + 1))
    edit.editingFinished.emit()
    assert win.doc.graph.nodes[nid].title is None and edit.text() == ""
    assert messages and str(MAX_TITLE_LENGTH) in messages[-1]
    win.canvas.user_renamed(win.canvas.view_node(nid).id, "bad \udc80 title")
    assert win.doc.graph.nodes[nid].title is None
    assert messages[-1].startswith("rename refused:")
    assert win.canvas.view_node(nid).name() == "Colour Adjust"
    win.canvas.user_renamed(win.canvas.view_node(nid).id, "Grade")
    assert win.doc.graph.nodes[nid].title == "Grade"
