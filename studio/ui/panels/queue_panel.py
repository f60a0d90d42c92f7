"""The Queue dock: the window's face of the engine's job queue (studio.queue). Add the graph as it is
now, or N variations of it (seeds '1-5', or one parameter swept: 'n3.steps=20,30,40'), at the size
picked (Preview: every generator at 'preview size', as the window previews; Final: full size, as
`main.py render` makes it); each job's place, seed, size, state, progress and time left; move a queued
job up or down, cancel one, pause the queue (the button then says Resume);
open a finished job's outputs (the system's player) or its graph (into the window, as it ran). The
running job's latest preview frame is shown beside the list: the preview follows the running job.

The queue runs on its own thread; what it tells comes here through a Qt signal (queued to the GUI
thread). A queue found with jobs waiting from the last session starts paused: nothing runs before
the artist says so."""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSizePolicy, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout,
                               QWidget)

from studio.core.errors import StudioError
from studio.engine.events import NodeFinished, NodeNote, NodeProgress
from studio.queue.job import ENDED, Job
from studio.queue.make import job_from_graph, parse_variations, seed_variations, sweep_variations
from studio.queue.queue import JobQueue
from studio.queue.seal import key_ahead
from studio.ui.end_cut_label import EndCutLabel
from studio.ui.panels.queue_cluster import ClusterPlace, read_place
from studio.ui.panels.queue_rows import (SIZES, preview_overrides, read_size, seed_of, size_of, state_of, time_left,
                                         title_of, write_size)
from studio.ui.preview.qimages import qimage

COLUMNS = ("#", "Job", "Seed", "Size", "State", "Progress", "Time")
ADD_COLUMN_PX = 166  # the adding controls' column, left of the table ("Run on: this machine" whole at 1024 px)
class _Bridge(QObject):
    heard = Signal(str, object, object)  # kind, job, event: emitted on the queue's thread, received on the GUI's


def _time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class QueuePanel(QWidget):
    """The Queue dock's widget. ``current_graph()`` gives the window's graph, ``open_graph(graph, title)``
    puts one into the window, ``log(text, level)`` writes to its Log."""

    def __init__(self, folder: str, current_graph: Callable, open_graph: Callable, log: Callable,
                 parent=None, queue: JobQueue | None = None, device_busy: Callable[[], bool] | None = None,
                 executor_factory: Callable | None = None):
        super().__init__(parent)
        # one job at a time on the device: the next job waits while the window runs a graph itself
        def make_local() -> JobQueue:
            return JobQueue(folder, may_start=(lambda: not device_busy()) if device_busy else None,
                            executor_factory=executor_factory)
        self.queue = queue or make_local()
        self.key_thread = key_ahead()  # the seals' key ready before the first job is added (no fsync on this thread)
        self.place = ClusterPlace(self, make_local)  # this machine, or a Ray cluster's workers (queue_cluster.py)
        self.current_graph, self.open_graph, self.log = current_graph, open_graph, log
        self.folder = folder
        self.current_title: Callable[[], str] = lambda: ""  # the window's name for its graph (its file's)
        self.open_url = lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path))  # tests replace it
        self.follow: Callable | None = None  # follow(event): the window's viewer and timeline follow the running job
        self.job_ended: Callable | None = None  # job_ended(job): the window takes its viewer back
        self._doing: dict[str, str] = {}  # job id -> what the running job does now ('loading Wan 2.1 (2 of 5 files)')
        self._bridge = _Bridge(self)
        self._bridge.heard.connect(self._on_heard)
        self.heard = self._bridge.heard.emit
        self.queue.listen(self.heard)
        if self.queue.pending() and not self.queue.paused:
            self.queue.set_paused(True)  # jobs from the last session wait for the artist
        self._build()
        self.refresh()
        for note in self.queue.notes:  # a damaged queue file set aside: said where the artist reads
            self.log(f"queue: {note}", "warn")
        if read_place(folder):  # the cluster it ran on last session: connected again (on its own thread)
            self.place.use_cluster(read_place(folder))

    def say(self, text: str, level: str = "info") -> None:
        self.log(text, level)

    def set_queue(self, queue: JobQueue, old_paused: bool) -> None:
        """The queue the dock shows and adds to, now ``queue`` (this machine's or a cluster's), paused as before."""
        self.queue = queue
        queue.listen(self.heard)
        for note in queue.notes:
            self.log(f"queue: {note}", "warn")
        queue.set_paused(old_paused)
        if not old_paused:
            queue.start()
        self.refresh()

    def use_cluster(self, address: str) -> None:
        """Run the jobs on the workers of the Ray cluster at ``address`` ('local': a Ray started here)."""
        self.place.use_cluster(address)

    def place_changed(self) -> None:
        """The place box shows where the jobs run (or are being sent)."""
        where = self.place.connecting or self.place.address
        self.place_box.setItemText(1, f"Run on: cluster {where}" if where else "Run on: a cluster…")
        self.place_box.setCurrentIndex(1 if where else 0)
        self.refresh()

    def _build(self) -> None:
        # at 1024x700 the dock shares the Log's tab height (about 140 px): the adding controls stand in a
        # column left of the table, the job's buttons, the count and the running job's frame in one right
        # of it, rows as tall as their text, so the table has the whole height and shows at least five jobs
        # (it showed one: issue 75's walk; four with the buttons under it: issue 100's)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(6)
        add = QVBoxLayout()
        add.setSpacing(3)
        self.add_button = QPushButton("Add graph", self)
        self.add_button.setToolTip("queue the graph as it is now (later edits do not change the job)")
        self.variations = QLineEdit(self)
        self.variations.setPlaceholderText("seeds 1-5 or n3.steps=20,30")
        self.variations.setToolTip("variations: seeds 1-5 (one job per seed), or one setting swept: n3.steps=20,30,40")
        self.variations_button = QPushButton("Add variations", self)
        self.size_box = self._size_box()
        self.place_box = QComboBox(self)
        self.place_box.addItems(["Run on: this machine", "Run on: a cluster…"])
        self.place_box.setToolTip("where the jobs run: this machine, one at a time; or the workers of a Ray cluster "
                                  "(its head's ADDRESS, as ray start --head says it; 'local': a Ray started here), "
                                  "one job a worker. Kept with the queue from session to session")
        self.place_box.activated.connect(self._pick_place)
        self.pause_button = QPushButton("Pause", self)
        self.pause_button.setCheckable(True)
        for w in (self.add_button, self.variations, self.variations_button, self.size_box, self.place_box,
                  self.pause_button):
            w.setFixedWidth(ADD_COLUMN_PX)
            add.addWidget(w)
        add.addStretch(1)
        lay.addLayout(add)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        head = self.table.horizontalHeader()  # the columns fit the table's width: no scroll bar eating a row
        for c in range(len(COLUMNS)):
            head.setSectionResizeMode(c, QHeaderView.Stretch if COLUMNS[c] == "Job" else QHeaderView.ResizeToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.setMinimumHeight(48)
        lay.addWidget(self.table, 1)  # the whole height: five rows and more at 1024x700 (issue 100's walk: one)
        side = QVBoxLayout()  # the selected job's buttons, two a row, the count, the running job's frame
        side.setSpacing(2)
        grid = QGridLayout()
        grid.setSpacing(2)
        # tool buttons: as wide as their word (a push button's 80 px floor widened the dock past a 1024 window's room)
        self.up_button, self.down_button = QToolButton(self), QToolButton(self)
        self.cancel_button, self.retry_button = QToolButton(self), QToolButton(self)
        self.outputs_button, self.graph_button = QToolButton(self), QToolButton(self)
        for k, (w, word, tip) in enumerate((
                (self.up_button, "Up", "run the selected job sooner"),
                (self.down_button, "Down", "run the selected job later"),
                (self.cancel_button, "Cancel", "cancel the selected job (the running one stops)"),
                (self.retry_button, "Again", "queue the selected finished job again"),
                (self.outputs_button, "Outputs", "open the files the selected job wrote"),
                (self.graph_button, "Graph", "open the selected job's graph in the window, as it ran"))):
            w.setText(word)
            w.setToolTip(tip)
            w.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            grid.addWidget(w, k // 2, k % 2)
        side.addLayout(grid)
        self.status = EndCutLabel("", self)  # '1 waiting · running …' widened the window past a 1024 screen
        side.addWidget(self.status)
        self.preview = QLabel(self)  # the running job's last frame, under the buttons
        self.preview.setAlignment(Qt.AlignCenter)
        self.preview.setMinimumSize(72, 24)
        side.addWidget(self.preview, 1)
        lay.addLayout(side)
        self.add_button.clicked.connect(self.add_current)
        self.variations_button.clicked.connect(self.add_variations)
        self.variations.returnPressed.connect(self.add_variations)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.retry_button.clicked.connect(self.retry_selected)
        self.pause_button.toggled.connect(self._pause)
        self.outputs_button.clicked.connect(self.open_outputs)
        self.graph_button.clicked.connect(self.open_job_graph)
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def _size_box(self) -> QComboBox:
        """The size of the jobs added next: the queue's own (issue 116: it followed the toolbar)."""
        box = QComboBox(self)
        box.addItems([f"Size: {s}" for s in SIZES])
        box.setToolTip("the size of the jobs added: Preview, every generator at 'preview size' (fewer pixels and "
                       "steps, as the window previews; files named name.preview.mp4); Final, the full size, as "
                       "main.py render makes it. The queue's own: kept with the queue from session to session, "
                       "whatever the toolbar's Preview says")
        self.size_picked: str = read_size(self.folder)
        box.activated.connect(lambda i: self.pick_size(SIZES[i]))
        return box

    def _pick_place(self, index: int) -> None:
        if index == 0:
            self.place.use_this_machine()
            return
        from PySide6.QtWidgets import QInputDialog
        address, ok = QInputDialog.getText(self, "Run on a cluster", "The Ray cluster's address (HOST:PORT, or "
                                           "'local'):", text=self.place.address or read_place(self.folder) or "")
        if ok and address.strip():
            self.place.use_cluster(address)
        else:
            self.place_changed()

    # -- adding ---------------------------------------------------------------------------------
    def _job_now(self) -> Job | None:
        graph = self.current_graph()
        if graph is None or not graph.nodes:
            self.log("the graph is empty: nothing to queue", "warn")
            return None
        errs = graph.validate()
        if errs:
            self.log(f"not queued: {errs[0]}", "error")
            return None
        job = job_from_graph(graph, title=self.current_title() or getattr(graph, "title", "") or "graph")
        if self.size() == "Preview":
            job.overrides.extend(preview_overrides(graph))
        return job

    def size(self) -> str:
        """The size of the jobs added now: the one picked in the dock, kept with the queue (Final until one is)."""
        return self.size_picked

    def pick_size(self, size: str) -> None:
        """The size of the jobs added from now on, kept with the queue for the next session."""
        self.size_picked = size
        self.sync_size()
        try:
            write_size(self.folder, size)
        except OSError as e:
            self.log(f"queue: the size picked is not kept for the next session ({e.strerror or e})", "warn")

    def add_current(self) -> list[Job]:
        job = self._job_now()
        return self._add([job]) if job is not None else []

    def add_variations(self) -> list[Job]:
        job = self._job_now()
        if job is None:
            return []
        try:
            what, values = parse_variations(self.variations.text())
            jobs = seed_variations(job, [int(v) for v in values]) if what == "seeds" else \
                sweep_variations(job, what, values)
        except StudioError as e:
            self.log(str(e), "error")
            return []
        return self._add(jobs)

    def _add(self, jobs: list[Job]) -> list[Job]:
        jobs = jobs if self.place.address else self._admitted(jobs)  # a cluster's queue checks its workers' room
        if not jobs:
            return []
        try:
            self.queue.add_many(jobs)  # all or none
        except StudioError as e:  # no worker of the cluster has room for it: refused in words
            self.log(str(e), "error")
            return []
        self.queue.start()
        self.log(f"queued {len(jobs)} job{'s' if len(jobs) != 1 else ''}" + ("" if not self.queue.paused else " (the queue is paused)"), "ok")
        self.refresh()
        if jobs:  # the list shows what was just added, at its end (under Xvfb a seventh job sat half under
            QTimer.singleShot(0, self, self.table.scrollToBottom)  # the fold), once its rows are laid out
        return jobs

    def _admitted(self, jobs: list[Job]) -> list[Job]:
        """The jobs that can run on this machine; each that cannot is refused now, in words (studio.queue.admit),
        not when its turn comes."""
        from studio.queue.admit import refusal
        graph = self.current_graph()
        registry = getattr(graph, "registry", None)
        kept, said = [], {}  # seed variations differ by their seed only: checked once
        for j in jobs:
            key = tuple(j.overrides)  # a sweep's values differ here: each checked
            why = said[key] if key in said else said.setdefault(key, refusal(j, registry))
            if why:
                self.log(f"not queued: {j.title} ({size_of(j)} size) cannot run on this machine: {why}", "error")
            else:
                kept.append(j)
        return kept

    # -- acting on the selected job -------------------------------------------------------------
    def selected(self) -> Job | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 1)
        return self.queue.get(item.data(Qt.UserRole)) if item is not None else None

    def select(self, job_id: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 1).data(Qt.UserRole) == job_id:
                self.table.selectRow(r)
                return

    def move_selected(self, step: int) -> None:
        job = self.selected()
        pos = self.queue.position(job.id) if job is not None else None
        if pos is None:
            return
        self.queue.move(job.id, max(0, pos - 1 + step))
        self.refresh()
        self.select(job.id)

    def cancel_selected(self) -> None:
        job = self.selected()
        if job is not None and self.queue.cancel(job.id):
            self.log(f"cancelled {job.title}", "warn")
        self.refresh()

    def retry_selected(self) -> None:
        job = self.selected()
        if job is not None and job.state in ENDED:
            self._add([self.queue.retry(job.id)])

    def _pause(self, on: bool) -> None:
        self.queue.set_paused(on)
        if not on:
            self.queue.start()
        self.refresh()

    def open_outputs(self) -> None:
        job = self.selected()
        for path in (job.outputs if job is not None else []):
            self.open_url(path)

    def open_job_graph(self) -> None:
        """The selected job's graph, with its overrides and seed applied, as it ran (or will run)."""
        job = self.selected()
        if job is None:
            return
        from studio.queue.run import job_graph
        try:
            graph = job_graph(job)
        except StudioError as e:
            self.log(f"the job's graph cannot be opened: {e}", "error")
            return
        self.open_graph(graph, job.title)

    # -- what the queue tells -------------------------------------------------------------------
    def _on_heard(self, kind: str, job: Job, event) -> None:
        if kind == "event":
            if isinstance(event, NodeNote) and event.text.startswith("loading "):  # its model's files being read
                self._doing[job.id] = event.text
            elif isinstance(event, (NodeProgress, NodeFinished)):
                self._doing.pop(job.id, None)
            if isinstance(event, NodeProgress):
                if event.preview is not None:
                    self._show_preview(event.preview)
                if self.follow is not None:
                    self.follow(event)
            self._update_row(job)
            if isinstance(event, NodeNote) and job.id in self._doing:
                self._say_status()
            return
        if kind == "ended":
            self._doing.pop(job.id, None)
            level = {"done": "ok", "cancelled": "warn"}.get(job.state, "error")
            self.log(f"queue: {job.title} {job.state}" + (f": {job.error}" if job.error else "")
                     + (f" ({', '.join(job.outputs)})" if job.outputs else ""), level)
            if self.job_ended is not None:
                self.job_ended(job)
        self.refresh()

    def _show_preview(self, image) -> None:
        a = np.asarray(image)
        if a.ndim != 3 or a.shape[2] != 3:
            return
        rgb = np.ascontiguousarray((np.clip(a, 0, 1) * 255).astype(np.uint8))
        pix = QPixmap.fromImage(qimage(rgb).copy())
        self.preview.setPixmap(pix.scaledToHeight(max(32, self.preview.height() - 4), Qt.SmoothTransformation))

    def refresh(self) -> None:
        jobs = self.queue.jobs()
        chosen = self.selected()
        self.table.setRowCount(len(jobs))
        places, etas = self.queue.positions(), self._etas(jobs)  # one pass: not a queue walk a row
        for r, job in enumerate(jobs):
            self._fill(r, job, places, etas)
        if chosen is not None:
            self.select(chosen.id)
        pending = len(self.queue.pending())
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(self.queue.paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText("Resume" if self.queue.paused else "Pause")
        self.pause_button.setToolTip("run the waiting jobs" if self.queue.paused else
                                     "let the running job end, then start no other until Resume")
        self.sync_size()
        self._say_status(pending)
        self._update_buttons()

    def _say_status(self, pending: int | None = None) -> None:
        """'2 waiting · loading Wan 2.1 (2 of 5 files) · sh010': cut at its end to the dock, whole in its tooltip."""
        pending = len(self.queue.pending()) if pending is None else pending
        run = self.queue.running
        self.status.setText(f"{pending} waiting" + (" · paused" if self.queue.paused else "")
                            + (f" · {self._doing.get(run.id, 'running')} · {run.title}" if run else "")
                            + (f" · {self.place.note}" if self.place.note else ""))

    def sync_size(self) -> None:
        """The size box shows the size the next jobs get."""
        self.size_box.setCurrentIndex(SIZES.index(self.size()))

    def _etas(self, jobs: list[Job]) -> dict[str, float | None]:
        return time_left(self.queue, jobs)

    def _update_row(self, job: Job) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 1).data(Qt.UserRole) == job.id:
                self._fill(r, job, self.queue.positions(), self._etas(self.queue.jobs()))
                return

    def _fill(self, r: int, job: Job, places: dict[str, int], etas: dict[str, float | None]) -> None:
        pos = places.get(job.id)
        state = self._doing.get(job.id, state_of(job)) if job.state == "running" else state_of(job)  # 'loading ..'
        cells = (str(pos) if pos else "", title_of(job), seed_of(job), size_of(job), state,
                 f"{int(job.progress * 100)}%", _time(etas.get(job.id)))
        for c, text in enumerate(cells):
            item = self.table.item(r, c)
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(r, c, item)
            item.setText(text)
            if c == 4:  # a long 'loading ...' cut by its column: whole here; a cluster's job: where it runs
                on = (("ran on " if job.state in ENDED else "runs on ") + job.worker) if job.worker else ""
                item.setToolTip("\n".join(x for x in (text, on) if x))
            if c == 1:
                item.setData(Qt.UserRole, job.id)
                item.setToolTip("\n".join([job.title] + job.log[-12:]))  # the whole name, cut in its column

    def _update_buttons(self) -> None:
        job = self.selected()
        queued = job is not None and job.state == "queued"
        for b in (self.up_button, self.down_button):
            b.setEnabled(queued)
        self.cancel_button.setEnabled(job is not None and job.state not in ENDED)
        self.retry_button.setEnabled(job is not None and job.state in ENDED)
        self.outputs_button.setEnabled(job is not None and bool(job.outputs))
        self.graph_button.setEnabled(job is not None)

    def close_queue(self) -> None:
        """The window closes: the running job stops and is queued again for next time."""
        self.queue.unlisten(self.heard)
        self.queue.close()
        self.place.close()


__all__ = ["QueuePanel"]
