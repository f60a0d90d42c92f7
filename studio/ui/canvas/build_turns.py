"""A large graph drawn on the canvas a few nodes per turn of the event loop (issue 116: opening a converted workflow
made every node's NodeGraphQt items at once on the GUI thread, 240-285 ms of a frozen window on a loaded machine).

``start(ids)`` makes the first nodes' views now and the rest in later turns (``PER_TURN`` a turn); the wires and the
backdrops and notes follow the last node, then ``built`` is emitted. Whatever needs the whole view before that (a
selection, an edit of the graph's structure, a save, F5: ``finish()``) makes the rest at once first, so nothing ever
sees half a canvas. When it is done the canvas is the one the plain build makes: the same views, wires and notes."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi

PER_TURN = 1  # nodes a turn: ~15 ms each on a quiet machine (NodeGraphQt items, ports, tooltips), 30-60 ms loaded
AT_ONCE = 2  # a graph of this many nodes or fewer is made in one go (nothing to gain)


class TurnBuilder(QObject):
    built = Signal()  # the last turn made (or finish() made the rest)

    def __init__(self, canvas: CanvasApi):
        super().__init__(canvas)
        self.canvas = canvas
        self.pending: list[tuple[int, str]] = []  # (its place in the graph's order, model id) still to make
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self.step)

    @property
    def building(self) -> bool:
        return bool(self.pending) or self._turn.isActive()

    def start(self, ids: list[str]) -> None:
        self.pending = list(enumerate(ids))
        self.step()

    def stop(self) -> None:
        """The view cleared for another graph: nothing more of this one is made."""
        self.pending = []
        self._turn.stop()

    def step(self) -> None:
        for _ in range(PER_TURN):
            if not self._make_next():
                break
        if self.pending:
            self._turn.start()
        else:
            self._last()

    def finish(self) -> None:
        """Make what is left now (a selection, an edit, a save or F5 wants the whole view)."""
        if not self.building:
            return
        self._turn.stop()
        while self._make_next():
            pass
        self._last()

    def _make_next(self) -> bool:
        cv = self.canvas
        while self.pending:
            i, nid = self.pending.pop(0)
            if nid in cv.doc.graph.nodes and nid not in cv.index:
                cv.create_view(nid, default_pos=(i * 260.0, 0.0))
                return True
        return False

    def _last(self) -> None:
        self.canvas.finish_links()
        self.built.emit()
