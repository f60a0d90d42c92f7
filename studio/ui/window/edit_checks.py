"""What a node will not do as set, said on it and in Properties while it is edited (issue 75, item 5):
a missing input file, a model not found, a draft without its distilled file, a long take the model
cannot make as asked... (studio.engine.edit_checks), not first at F5. Checked a moment after an edit
(the changed node and those downstream of it), on selection, and for every node when a graph opens
(a converted workflow's missing files are said at open).

A node that can tell its time before a run (a video model generator: studio.engine.edit_checks.node_estimate)
shows it the same way, on the node while it has not run and in Properties; again for every node after a run
(the run is measured: the figures change).

The checks and times are made off the GUI thread (issue 116, item 2: Return in Load Image's path on a converted
Wan 2.2 graph froze the window 20-30 s while every node downstream was planned, its model folders looked
through): on a snapshot of the graph, one batch at a time; edits made meanwhile are gathered into the next
batch, and what a batch says of a node asked again since is dropped (the latest request wins)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from studio.engine.edit_checks import node_checks, node_estimate

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

DELAY_MS = 250  # after the last edit: typing a path is not checked at every key


def assess(graph, ids) -> dict[str, tuple[list, str | None]]:
    """{node id: (what it will not do as set, its time before a run)} for ``ids`` of ``graph`` (plain Python:
    run on the checker's thread, on a snapshot the window no longer edits)."""
    return {nid: (node_checks(graph, nid), node_estimate(graph, nid)) for nid in ids if nid in graph.nodes}


class Checker(QObject):
    """The window's node checks: asked after edits (``later``), made a batch at a time on a thread of their own
    on a snapshot of the graph, shown on the nodes and in Properties when they come back."""
    done = Signal(object, int, object)  # the graph checked, the batch's number, assess()'s answer (queued)

    def __init__(self, win: WindowApi):
        super().__init__(win)
        self.win = win
        self.pending: set[str] = set()
        self.seen: dict[str, list] = {}  # node id -> what was last said of it (shown at once when it is selected)
        self.timed: dict[str, str | None] = {}  # node id -> its time before a run, as last said
        self.asked: dict[str, int] = {}  # node id -> the batch that last asked about it (the latest wins; 0: none yet)
        self.batch, self.busy = 0, False
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="edit-checks")
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.check)
        self.done.connect(self.answered)

    def later(self, *ids: str, everything: bool = False) -> None:
        graph = self.win.doc.graph
        for nid in (graph.nodes if everything else ids):
            if nid in graph.nodes:
                self.pending.add(nid)
                if not everything:
                    self.pending.update(graph.downstream(nid))
        for nid in self.pending:
            self.asked[nid] = 0  # asked again: what a batch under way says of it is out of date
        self.timer.start()

    def show(self, nid: str, checks: list, est: str | None) -> None:
        win = self.win
        self.seen[nid], self.timed[nid] = checks, est
        win.canvas.badges.set_check(nid, checks)
        win.canvas.badges.set_estimate(nid, est)
        if nid == win.properties.node_id:
            win.properties.set_checks(checks)
            win.properties.set_estimate(est)

    def take(self) -> list[str]:
        graph = self.win.doc.graph
        ids = [nid for nid in self.pending if nid in graph.nodes]
        self.pending.clear()
        self.batch += 1
        for nid in ids:
            self.asked[nid] = self.batch
        return ids

    def check(self) -> None:
        """The nodes edited since the last batch, checked on the checker's thread (one batch at a time)."""
        if self.busy:
            return  # the batch going on ends by starting the next
        if not self.pending:
            return
        ids, n, graph = self.take(), self.batch, self.win.doc.graph
        snapshot = graph.copy()  # the thread never reads the graph the window edits
        self.busy = True

        def work():
            try:
                out = assess(snapshot, ids)
            except Exception:  # noqa: BLE001 - a check failing on an edit half made: nothing said
                out = {}
            try:
                self.done.emit(graph, n, out)
            except RuntimeError:  # the window closed meanwhile
                pass
        self.pool.submit(work)

    def answered(self, graph, n: int, out: dict) -> None:
        self.busy = False
        if graph is self.win.doc.graph:  # not a graph replaced meanwhile (ids repeat from graph to graph)
            for nid, (checks, est) in out.items():
                if self.asked.get(nid) == n and nid in graph.nodes:
                    self.show(nid, checks, est)
        if self.pending:
            self.check()

    def check_now(self) -> None:
        """Everything asked checked at once, on this thread (tests, and before a screenshot)."""
        self.timer.stop()
        for nid, (checks, est) in assess(self.win.doc.graph, self.take()).items():
            self.show(nid, checks, est)

    def waiting(self) -> bool:
        return bool(self.pending) or self.busy or self.timer.isActive()

    def replaced(self) -> None:
        """What was said belongs to the graph gone (ids repeat from graph to graph)."""
        for d in (self.seen, self.timed, self.asked):
            d.clear()
        self.pending.clear()
        self.later(everything=True)

    def selected(self, ids: list) -> None:
        if len(ids) == 1:
            self.win.properties.set_checks(self.seen.get(ids[0], []))
            self.win.properties.set_estimate(self.timed.get(ids[0]))
            self.later(ids[0])


def bind(win: WindowApi) -> None:
    c = Checker(win)
    ev = win.doc.events
    ev.param_changed.connect(lambda e: c.later(e.node_id))
    ev.mode_changed.connect(lambda e: c.later(e.node_id))
    ev.node_added.connect(lambda e: c.later(getattr(e, "node_id", "")))
    ev.link_added.connect(lambda e: c.later(e.link.dst))
    ev.link_removed.connect(lambda e: c.later(e.link.dst))
    win.doc.replaced.connect(c.replaced)
    win.canvas.selection_changed.connect(c.selected)
    win.run_finished.connect(lambda *_: c.later(everything=True))  # a run measured: the times before the next change
    # the node modules loaded off the GUI thread: the times a node tells once its module is there
    # (the loader outlives a window closed meanwhile: its checker may be gone by then)
    win.engine_loader.loaded.connect(lambda *_: c.later(everything=True) if shiboken6.isValid(c) else None)
    win.properties.known = lambda nid: (c.seen.get(nid, []), c.timed.get(nid))  # shown with the node at once
    win.check_now = c.check_now  # tests, and before a screenshot
    win.checks_pending = c.waiting
    pool = c.pool
    win.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))
