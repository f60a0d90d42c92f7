"""The Render dialog: a chunked render of the current graph on local worker processes or on
Ray, with frame range, workers, chunk size and an optional sweep; overall progress, the state of
every chunk, and cancel. The render itself is :func:`studio.distributed.cli.render_graph` on a
QThread; the dialog only shows its events."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from studio.core.errors import Cancelled

from studio.ui.dialogs.open_output import open_or_view
from studio.ui.worker import ThreadJob
from studio.ui.dialogs.sizing import resize_fitted
from studio.ui.whole_text import follow


class RenderDialog(QDialog):
    finished_render = Signal(object, object)  # (report, sheet) | None, exception | None

    def __init__(self, graph, parent: QWidget | None = None, output: str | None = None, names=None,
                 n_frames: int | None = None, in_out: tuple[int, int] | None = None):
        """``graph``: a Graph, or a function returning the current one (the window's document
        may load another file while the dialog is open); a render takes a snapshot of it.
        ``names``: a function giving the canvas's node names -> node ids, so a sweep may name a
        node as the canvas shows it. ``n_frames``: the graph's length when the window knows it
        (its last run), for the frame range; ``in_out``: the timeline's in/out points [a, b)."""
        super().__init__(parent)
        self._names_shown = names
        self.setWindowTitle("Render")
        self._graph = graph
        self.job = ThreadJob("studio-render", self)  # the render runs on its thread
        self.job.event.connect(self._on_event)
        self.job.finished.connect(self._on_finished)
        self._rows: dict[int, int] = {}
        self._outputs: dict[str, str] = {}  # job folder -> the file it renders
        self.outcome = None

        form = QFormLayout()
        self._add_output_row(form, output)
        self._add_frames_row(form, n_frames, in_out)
        self._add_run_rows(form)
        self._settings = QWidget()
        self._settings.setLayout(form)
        self._build_progress()
        buttons = self._build_buttons()

        lay = QVBoxLayout(self)
        lay.addWidget(self._settings)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        resize_fitted(self, 620, 560, margin=40)

    def _add_output_row(self, form: QFormLayout, output: str | None) -> None:
        """The output file, with a browse button."""
        self.output_edit = follow(QLineEdit(output or self._default_output()))  # the whole path: the field shows its end
        browse = QPushButton("…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.output_edit, 1)
        row.addWidget(browse)
        form.addRow("Output", row)

    def _add_frames_row(self, form: QFormLayout, n_frames: int | None, in_out: tuple[int, int] | None) -> None:
        """The frame range: the whole clip, or first and last frames."""
        self.all_frames = QCheckBox("whole clip")
        self.all_frames.setChecked(True)
        self.first_spin, self.last_spin = QSpinBox(), QSpinBox()
        for s in (self.first_spin, self.last_spin):
            s.setRange(0, 10_000_000)
            s.setEnabled(False)
        # the graph's own range (issue 25: "to 47" showed for a 72-frame graph): its length when a
        # run told it, the timeline's in/out points when they are set
        self.n_frames = n_frames if n_frames and n_frames > 0 else None
        if self.n_frames:
            for sp in (self.first_spin, self.last_spin):
                sp.setMaximum(self.n_frames - 1)
            self.last_spin.setValue(self.n_frames - 1)
        self.length_label = QLabel(f"of {self.n_frames} frames" if self.n_frames else "(its length is known after a run)")
        self.length_label.setStyleSheet("color:#999")
        self.all_frames.toggled.connect(lambda on: [s.setEnabled(not on) for s in (self.first_spin, self.last_spin)])
        if in_out is not None:
            a, b = in_out
            self.all_frames.setChecked(False)
            self.first_spin.setValue(a)
            self.last_spin.setValue(b - 1)
        rng = QHBoxLayout()
        rng.addWidget(self.all_frames)
        rng.addWidget(QLabel("from"))
        rng.addWidget(self.first_spin)
        rng.addWidget(QLabel("to"))
        rng.addWidget(self.last_spin)
        rng.addWidget(self.length_label, 1)
        form.addRow("Frames", rng)

    def _add_run_rows(self, form: QFormLayout) -> None:
        """Workers, engine (and Ray address), chunk size, sweep and resume."""
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(1, 256)
        self.workers_spin.setValue(max(1, (os.cpu_count() or 2)))
        form.addRow("Workers", self.workers_spin)
        self.engine_combo = QComboBox()
        self.engine_combo.addItems(["local", "ray"])
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText("Ray cluster address (empty: start Ray here)")
        self.address_edit.setEnabled(False)
        self.engine_combo.currentTextChanged.connect(lambda t: self.address_edit.setEnabled(t == "ray"))
        eng = QHBoxLayout()
        eng.addWidget(self.engine_combo)
        eng.addWidget(self.address_edit, 1)
        form.addRow("Engine", eng)
        self.chunk_spin = QSpinBox()
        self.chunk_spin.setRange(1, 100_000)
        self.chunk_spin.setValue(24)
        self.chunk_spin.setSuffix(" frames")
        form.addRow("Chunk size", self.chunk_spin)
        self.sweep_edit = QLineEdit()
        self.sweep_edit.setPlaceholderText("NODE.PARAM=v1,v2; NODE.PARAM=a,b  (every combination)")
        form.addRow("Sweep", self.sweep_edit)
        self.resume_check = QCheckBox("keep chunks a stopped render finished (resume)")
        form.addRow("", self.resume_check)

    def _build_progress(self) -> None:
        """The progress bar, the status line and the table of chunks."""
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m frames")
        self.status = QLabel("ready")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Output", "Frames", "State"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setToolTip("double-click a row: open the file it renders (when it is there)")
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_row(r))
        self._paths: dict[int, str] = {}  # table row -> the file it renders (or the contact sheet)
        self.opener = lambda p: open_or_view(self.parent(), p)  # the viewer when no launcher can; tests replace it

    def _build_buttons(self) -> QHBoxLayout:
        """Render, Cancel and Close."""
        self.render_button = QPushButton("Render")
        self.render_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        self.render_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.render_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        return buttons

    @property
    def graph(self):
        return self._graph() if callable(self._graph) else self._graph

    def _default_output(self) -> str:
        from studio.core.targets import file_outputs
        from studio.core.project import resolve
        base = getattr(self.graph, "base_dir", None)
        for n, pname in file_outputs(self.graph):
            if n.type_id == "io.save_video" and n.params.get(pname):
                return resolve(n.params[pname], base)
        return resolve("render.mp4", base)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Render to", self.output_edit.text(), "MP4 video (*.mp4)")
        if path:
            self.output_edit.setText(path)

    # -- running --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job.running

    def options(self):
        from studio.distributed.render import RenderOptions
        frames = None if self.all_frames.isChecked() else (self.first_spin.value(), self.last_spin.value() + 1)
        engine = self.engine_combo.currentText()
        return RenderOptions(workers=self.workers_spin.value(), chunk=self.chunk_spin.value(), engine=engine,
                             address=(self.address_edit.text().strip() or None) if engine == "ray" else None,
                             resume=self.resume_check.isChecked(), frames=frames)

    def sweeps(self) -> list[str]:
        """The sweep terms, a node named as the canvas shows it ("Colour Adjust 1") by its id."""
        terms = [s.strip() for s in self.sweep_edit.text().split(";") if s.strip()]
        shown = self._names_shown() if self._names_shown is not None else {}
        out = []
        for t in terms:
            key, eq, values = t.partition("=")
            node, dot, param = key.strip().rpartition(".")
            if eq and dot and node in shown:
                t = f"{shown[node]}.{param}={values}"
            out.append(t)
        return out

    def start(self) -> bool:
        if self.job.running:
            return False
        if not self.all_frames.isChecked() and self.last_spin.value() < self.first_spin.value():
            self.status.setText("error: the last frame is before the first")
            return False
        self.table.setRowCount(0)
        self._rows.clear()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText("preparing…")
        self.outcome = None
        from studio.core.project import resolve  # a relative output: next to the graph, as everywhere
        graph = self.graph.copy()
        output = resolve(self.output_edit.text(), getattr(graph, "base_dir", None))
        opts, sweeps = self.options(), self.sweeps()

        def render(on_event, cancel):  # on the job's thread
            from studio.distributed.cli import render_graph
            return render_graph(graph, output, opts, sweeps, on_event=on_event, cancel=cancel)
        self._set_running(True)
        self.job.start_job(render)
        return True

    def cancel(self) -> None:
        if self.job.running:
            self.job.stop()
            self.status.setText("cancelling…")

    def _set_running(self, on: bool) -> None:
        self.render_button.setEnabled(not on)
        self.cancel_button.setEnabled(on)
        self.close_button.setEnabled(not on)
        self._settings.setEnabled(not on)  # a running render keeps the settings it started with

    @Slot(object)
    def _on_event(self, e) -> None:
        from studio.distributed.render import ChunkEvent, ProgressEvent, StageEvent
        from studio.engine.events import NodeMessage
        if isinstance(e, ProgressEvent):
            self.progress.setRange(0, max(1, e.total_frames))
            self.progress.setValue(e.done_frames)
        elif isinstance(e, ChunkEvent):
            r = self._rows.get(e.task.index)
            if r is None:
                r = self._rows[e.task.index] = self.table.rowCount()
                self.table.insertRow(r)
                item = QTableWidgetItem(self._output_name(e.task.job_dir))
                item.setToolTip(e.task.job_dir)  # the job folder, where the chunk files are
                self._paths[r] = self._output_path(e.task.job_dir)
                self.table.setItem(r, 0, item)
                self.table.setItem(r, 1, QTableWidgetItem(f"{e.task.start}–{e.task.stop - 1}"))
                self.table.setItem(r, 2, QTableWidgetItem(""))
            self.table.item(r, 2).setText(e.state + (f": {e.detail}" if e.detail else ""))
            self.table.item(r, 2).setToolTip(e.detail)
        elif isinstance(e, StageEvent):
            self.status.setText(e.text)
        elif isinstance(e, NodeMessage) and e.level == "warning":
            self.status.setText(f"warning: [{e.title}] {e.text}")

    def _output_path(self, job_dir: str) -> str:
        try:
            from studio.distributed.job import Job
            return Job(job_dir).desc.get("output") or ""
        except Exception:  # noqa: BLE001 - nothing to open for this row then
            return ""

    def open_row(self, row: int) -> bool:
        """Open the file a row renders (the finished output, the contact sheet) with the
        desktop's viewer; says so when it is not there (yet)."""
        path = self._paths.get(row, "")
        if path and os.path.exists(path):
            self.opener(path)
            return True
        self.status.setText(f"{os.path.basename(path) or 'this row'} is not there yet: it is written when "
                            "the render has finished" if path else "this row names no file")
        return False

    def _output_name(self, job_dir: str) -> str:
        """The file a job renders (a sweep has one job per output), read once per job."""
        if job_dir not in self._outputs:
            try:
                from studio.distributed.job import Job
                self._outputs[job_dir] = os.path.basename(Job(job_dir).desc.get("output") or job_dir)
            except Exception:  # noqa: BLE001 - a name for a table cell: the folder will do
                self._outputs[job_dir] = os.path.basename(job_dir)
        return self._outputs[job_dir]

    @Slot(object, object)
    def _on_finished(self, result, error) -> None:
        self.outcome = (result, error)
        self._set_running(False)
        if isinstance(error, Cancelled):
            self.status.setText("cancelled: finished chunks are kept; tick resume to continue")
        elif error is not None:
            self.status.setText(f"error: {error}")
        elif result is not None:
            rep, sheet = result
            text = f"rendered {', '.join(rep.outputs)} in {rep.seconds:.1f} s (double-click a row to open it)"
            if sheet:
                text += f"; contact sheet {sheet}"
                r = self.table.rowCount()
                self.table.insertRow(r)
                self.table.setItem(r, 0, QTableWidgetItem(os.path.basename(sheet)))
                self.table.setItem(r, 1, QTableWidgetItem("all"))
                self.table.setItem(r, 2, QTableWidgetItem("contact sheet"))
                self._paths[r] = sheet
            if rep.warnings:
                text = f"rendered with {len(rep.warnings)} warning(s): " + "; ".join(rep.warnings) + f" — {text}"
            self.status.setText(text)
        self.finished_render.emit(result, error)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt
        if self.job.running:  # a render is running: cancel it, close when it has stopped
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def graph_length(window) -> int | None:
    """The frames the window's graph renders, as its last run made them: the clip of a file
    output, else of the node the viewer shows. None before a run."""
    from studio.core.targets import file_outputs
    from studio.engine.clip import Clip
    outs = getattr(window.runs, "outputs", {})
    for n, _p in file_outputs(window.doc.graph):
        clip = next((v for v in (outs.get(n.id) or {}).values() if isinstance(v, Clip)), None)
        if clip is not None:
            return clip.n_frames
    pv = getattr(window, "preview", None)
    return pv.timeline.n_frames if pv is not None and pv.clip is not None else None


def open_render_dialog(window) -> RenderDialog:
    """The Run menu's entry: a modeless Render dialog for the window's graph, its frame range the
    graph's length (or the timeline's in/out points)."""
    pv = getattr(window, "preview", None)
    in_out = pv.in_out() if pv is not None else None
    dlg = RenderDialog(lambda: window.doc.graph, window, names=window.canvas.shown_names,
                       n_frames=graph_length(window), in_out=in_out)
    dlg.setAttribute(Qt.WA_DeleteOnClose)
    dlg.show()
    return dlg
