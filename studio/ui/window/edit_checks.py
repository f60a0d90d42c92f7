"""What a node will not do as set, said on it and in Properties while it is edited (issue 75, item 5):
a missing input file, a model not found, a draft without its distilled file, a long take the model
cannot make as asked... (studio.engine.edit_checks), not first at F5. Checked a moment after an edit
(the changed node and those downstream of it), on selection, and for every node when a graph opens
(a converted workflow's missing files are said at open).

A node that can tell its time before a run (a video model generator: studio.engine.edit_checks.node_estimate)
shows it the same way, on the node while it has not run and in Properties; again for every node after a run
(the run is measured: the figures change)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QTimer

from studio.engine.edit_checks import node_checks, node_estimate

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

DELAY_MS = 250  # after the last edit: typing a path is not checked at every key


def bind(win: WindowApi) -> None:
    pending: set[str] = set()
    seen: dict[str, list] = {}  # node id -> what was last said of it (shown at once when it is selected)
    timed: dict[str, str | None] = {}  # node id -> its time before a run, as last said
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
            est = timed[nid] = node_estimate(graph, nid)
            win.canvas.badges.set_estimate(nid, est)
            if nid == win.properties.node_id:
                win.properties.set_checks(said)
                win.properties.set_estimate(est)

    timer.timeout.connect(check)
    ev = win.doc.events
    ev.param_changed.connect(lambda e: later(e.node_id))
    ev.mode_changed.connect(lambda e: later(e.node_id))
    ev.node_added.connect(lambda e: later(getattr(e, "node_id", "")))
    ev.link_added.connect(lambda e: later(e.link.dst))
    ev.link_removed.connect(lambda e: later(e.link.dst))

    def replaced() -> None:  # what was said belongs to the graph gone (ids repeat from graph to graph)
        seen.clear()
        timed.clear()
        pending.clear()
        later(everything=True)
    win.doc.replaced.connect(replaced)

    def selected(ids: list) -> None:
        if len(ids) == 1:
            win.properties.set_checks(seen.get(ids[0], []))
            win.properties.set_estimate(timed.get(ids[0]))
            later(ids[0])
    win.canvas.selection_changed.connect(selected)
    win.run_finished.connect(lambda *_: later(everything=True))  # a run measured: the times before the next change
    # the node modules loaded off the GUI thread: the times a node tells once its module is there
    # (the loader outlives a window closed meanwhile: its timer may be gone by then)
    win.engine_loader.loaded.connect(lambda *_: later(everything=True) if shiboken6.isValid(timer) else None)
    win.check_now = lambda: (timer.stop(), check())  # tests, and before a screenshot
