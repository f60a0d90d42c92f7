"""What a node will not do as set, said on it and in Properties while it is edited (issue 75, item 5):
a missing input file, a model not found, a draft without its distilled file, a long take the model
cannot make as asked... (studio.engine.edit_checks), not first at F5. Checked a moment after an edit
(the changed node and those downstream of it), on selection, and for every node when a graph opens
(a converted workflow's missing files are said at open)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from studio.engine.edit_checks import node_checks

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

DELAY_MS = 250  # after the last edit: typing a path is not checked at every key


def bind(win: WindowApi) -> None:
    pending: set[str] = set()
    seen: dict[str, list] = {}  # node id -> what was last said of it (shown at once when it is selected)
    timer = QTimer(win)
    timer.setSingleShot(True)
    timer.setInterval(DELAY_MS)

    def later(*ids: str, everything: bool = False) -> None:
        graph = win.doc.graph
        for nid in (graph.nodes if everything else ids):
            if nid in graph.nodes:
                pending.add(nid)
                if not everything:
                    pending.update(graph.downstream(nid))
        timer.start()

    def check() -> None:
        graph = win.doc.graph
        ids = [nid for nid in pending if nid in graph.nodes]
        pending.clear()
        for nid in ids:
            said = seen[nid] = node_checks(graph, nid)
            win.canvas.badges.set_check(nid, said)
            if nid == win.properties.node_id:
                win.properties.set_checks(said)

    timer.timeout.connect(check)
    ev = win.doc.events
    ev.param_changed.connect(lambda e: later(e.node_id))
    ev.mode_changed.connect(lambda e: later(e.node_id))
    ev.node_added.connect(lambda e: later(getattr(e, "node_id", "")))
    ev.link_added.connect(lambda e: later(e.link.dst))
    ev.link_removed.connect(lambda e: later(e.link.dst))

    def replaced() -> None:  # what was said belongs to the graph gone (ids repeat from graph to graph)
        seen.clear()
        pending.clear()
        later(everything=True)
    win.doc.replaced.connect(replaced)

    def selected(ids: list) -> None:
        if len(ids) == 1:
            win.properties.set_checks(seen.get(ids[0], []))
            later(ids[0])
    win.canvas.selection_changed.connect(selected)
    win.check_now = lambda: (timer.stop(), check())  # tests, and before a screenshot
