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


class _Said(QObject):
    """Carries a batch's answer from the checker's thread to the GUI thread (a queued signal)."""
    done = Signal(object, int, object)  # the graph checked, the batch's number, assess()'s answer


def bind(win: WindowApi) -> None:
    pending: set[str] = set()
    seen: dict[str, list] = {}  # node id -> what was last said of it (shown at once when it is selected)
    timed: dict[str, str | None] = {}  # node id -> its time before a run, as last said
    asked: dict[str, int] = {}  # node id -> the batch that last asked about it (the latest wins)
    state = {"batch": 0, "busy": False}
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="edit-checks")
    said = _Said(win)
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
        for nid in pending:
            asked[nid] = 0  # asked again: what a batch under way says of it is out of date
        timer.start()

    def show(nid: str, checks: list, est: str | None) -> None:
        seen[nid], timed[nid] = checks, est
        win.canvas.badges.set_check(nid, checks)
        win.canvas.badges.set_estimate(nid, est)
        if nid == win.properties.node_id:
            win.properties.set_checks(checks)
            win.properties.set_estimate(est)

    def take() -> list[str]:
        graph = win.doc.graph
        ids = [nid for nid in pending if nid in graph.nodes]
        pending.clear()
        return ids

    def check() -> None:
        """The nodes edited since the last batch, checked on the checker's thread (one batch at a time)."""
        if state["busy"]:
            return  # the batch going on ends by starting the next
        ids = take()
        if not ids:
            return
        state["batch"] += 1
        n, graph = state["batch"], win.doc.graph
        for nid in ids:
            asked[nid] = n
        snapshot = graph.copy()  # the thread never reads the graph the window edits
        state["busy"] = True

        def work():
            try:
                out = assess(snapshot, ids)
            except Exception:  # noqa: BLE001 - a check failing on an edit half made: nothing said
                out = {}
            try:
                said.done.emit(graph, n, out)
            except RuntimeError:  # the window closed meanwhile
                pass
        pool.submit(work)

    def answered(graph, n: int, out: dict) -> None:
        state["busy"] = False
        if graph is win.doc.graph:  # not a graph replaced meanwhile (ids repeat from graph to graph)
            for nid, (checks, est) in out.items():
                if asked.get(nid) == n and nid in graph.nodes:
                    show(nid, checks, est)
        if pending:
            check()

    said.done.connect(answered)

    def check_now() -> None:
        """Everything asked checked at once, on this thread (tests, and before a screenshot)."""
        timer.stop()
        ids = take()
        state["batch"] += 1
        for nid in ids:
            asked[nid] = state["batch"]
        for nid, (checks, est) in assess(win.doc.graph, ids).items():
            show(nid, checks, est)

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
        asked.clear()
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
    win.check_now = check_now  # tests, and before a screenshot
    win.checks_pending = lambda: bool(pending) or state["busy"] or timer.isActive()
    win.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))
