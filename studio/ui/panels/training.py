"""The Training dock: live curves of every number a node reports while it runs (the Train
node's ``loss``, its parts, ``val_loss``), one curve per name against the step, with a legend, a
log-y toggle, EMA smoothing and the latest sample filmstrip.

The window forwards every engine event to :meth:`TrainingPanel.on_event`. Values are kept per node
(:class:`NodeHistory`) across runs: a resumed run continues its curve; a run that starts again
from an earlier step (training from scratch, or from an older checkpoint) replaces the points from
that step on. The panel shows the node that is training, or the node the user selected when that
node has a history. Clear drops the shown node's history.

Cost: an event only appends to numpy arrays (amortised O(1)); the plot is redrawn at most
``REDRAW_MS`` apart with ``setData`` on the existing curves, and pyqtgraph draws at most about one
point per pixel column (peak downsampling, clipped to the view). A history holds at most
``MAX_POINTS`` points per value name; past that, every second point of it is dropped (the curve
keeps its shape, memory stays bounded on runs of millions of steps). Measured in
``benchmarks/bench_training_plot.py``.
"""
from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QImage, QPixmap
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QSlider, QToolButton,
                               QVBoxLayout, QWidget)

from studio.engine import events as ev
from studio.ui.panels import training_series  # noqa: F401 - the data half of the dock
from studio.ui.panels.training_series import (MAX_POINTS, NodeHistory, Series, ema,  # noqa: F401
                                             step_text)
from studio.ui.preview.area_widgets import TitleLabel

REDRAW_MS = 100          # at most ~10 redraws a second
SMOOTH_MAX = 0.99        # the slider's top EMA weight
DOWNSAMPLE_FACTOR = 1.5  # points drawn per pixel column of the plot (peak: min and max of each)
BATCH_MESSAGE = re.compile(r"^batch (\d+)\b")  # the trainer's "batch N ...; learning rate ..." message
KNOWN_COLOURS = {"loss": (90, 180, 255), "val_loss": (255, 160, 60)}
OPEN_TIP = "the latest sample the node made while training (click: open it in the viewer)"
CYCLE = [(120, 220, 120), (230, 110, 200), (240, 220, 90), (160, 140, 255), (90, 220, 220),
         (255, 110, 110), (200, 200, 200), (170, 120, 70)]


def _rate(x: float) -> str:
    """12.3, 456, 25,600: three figures below a hundred, whole numbers with separators above."""
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


class TrainingPanel(QWidget):
    """The Training dock's widget (see the module docstring)."""
    shownChanged = Signal(object)   # node id now plotted, or None
    trainingStarted = Signal(str)   # a node began reporting numbers in this run (the window raises the dock)
    sampleOpened = Signal(str, str, object)  # node id, title, the latest sample: a click opens it in the viewer

    def __init__(self, parent=None, redraw_ms: int = REDRAW_MS):
        super().__init__(parent)
        import pyqtgraph as pg
        self.pg = pg
        self.histories: dict[str, NodeHistory] = {}
        self.node_id: str | None = None   # the node plotted
        self._chosen: str | None = None   # a node the user selected (since the run started)
        self._titles: dict[str, str] = {}
        self._weights: dict[str, str] = {}  # node id -> "loss weights: ..." the node reported
        self._batches: dict[str, str] = {}  # node id -> "batch N ...; learning rate ..." the node reported
        self._reporting: set[str] = set()  # nodes that reported numbers in this run
        self._curves: dict[str, tuple[Any, Any]] = {}  # name -> (raw, smoothed)
        self._colours: dict[str, tuple[int, int, int]] = {}
        self._dirty = False
        self._preview_dirty = False
        self.redraws = 0
        self.points_drawn = 0

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(self._build_bar())
        self._build_plot()
        lay.addWidget(self.plot_widget, 1)
        lay.addLayout(self._build_low())

        self.timer = QTimer(self)
        self.timer.setInterval(redraw_ms)
        self.timer.timeout.connect(self._tick)

    def _build_bar(self) -> QHBoxLayout:
        """The top bar: title, step, log y, smoothing and Clear."""
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        # the node's name in bold, then its id and loss weights, elided with "…" before the step
        # label (issue 35: "Train Video LoRA (nstep 722 / 5,000" read as one); Ignored: labels whose
        # text changes every redraw must not resize the dock (a relayout of the window)
        self.title_label = TitleLabel()
        self.title_label.set_parts("no training yet: run a Train node (its loss is plotted here)")
        self.title_label.setMinimumWidth(80)  # at least "Train Vi…": at 1024 px the name had no room at all
        # the step, the total and where the time budget ends it: never cut (issue 25: "step 141"
        # showed for 1414, the rest under "log y"); the title gives way first
        self.step_label = QLabel("")
        self.step_label.setSizePolicy(QSizePolicy.Minimum, QSizePolicy.Preferred)
        self.log_box = QCheckBox("log y")
        self.log_box.setToolTip("logarithmic value axis")
        self.log_box.toggled.connect(self.set_log_y)
        self.smooth_label = QLabel("smooth")
        self.smooth_slider = QSlider(Qt.Horizontal)
        self.smooth_slider.setRange(0, round(SMOOTH_MAX * 100))
        self.smooth_slider.setValue(60)
        self.smooth_slider.setFixedWidth(64)
        self.smooth_slider.setToolTip("exponential moving average of the curves (0: raw values)")
        self.smooth_slider.valueChanged.connect(self._on_smooth)
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip("forget the curves of this node")
        self.clear_button.clicked.connect(self.clear_shown)
        bar.addWidget(self.title_label, 1)
        bar.addSpacing(8)
        bar.addWidget(self.step_label)
        bar.addSpacing(6)
        for w in (self.log_box, self.smooth_label, self.smooth_slider, self.clear_button):
            bar.addWidget(w)
        return bar

    def _build_plot(self) -> None:
        """The plot: grid, fixed axes, peak downsampling, the legend, and a view the panel ranges."""
        self.plot_widget = self.pg.PlotWidget(background=(32, 32, 34))
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "step")
        # fixed axis sizes: tick labels of another width would relayout the plot and paint it twice
        for side, size in (("left", 52), ("bottom", 34)):
            axis = self.plot.getAxis(side)
            axis.setStyle(autoExpandTextSpace=False)
            (axis.setWidth if side == "left" else axis.setHeight)(size)
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.legend = self.plot.addLegend(offset=(-6, 2), labelTextSize="8pt", colCount=4)  # one row: the plot is low
        # the panel ranges the view itself, once per redraw: pyqtgraph's auto range re-ranges
        # inside the paint when a curve's bounds move, which asks for a second paint every time.
        # Zooming or panning by hand stops the following until 'A' (bottom left) is clicked.
        self.auto_view = True
        self.view_box = self.plot.getViewBox()
        self.view_box.disableAutoRange()
        self.view_box.sigRangeChangedManually.connect(self._on_user_range)
        self.plot.autoBtn.clicked.connect(self.fit_view)  # after pyqtgraph's own slot

    def _build_low(self) -> QHBoxLayout:
        """The bottom line: the latest values and the latest sample filmstrip."""
        low = QHBoxLayout()
        low.setContentsMargins(4, 2, 4, 2)
        # the latest values wrap onto a second line rather than being cut (issue 25); the
        # height is two lines whatever the text, so a redraw never relayouts the panel
        self.values_label = FitLabel()
        self.values_label.setStyleSheet("color:#aaa")
        self.values_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.values_label.setWordWrap(True)
        self.values_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.values_label.setFixedHeight(2 * self.values_label.fontMetrics().lineSpacing() + 4)
        self.values_label.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.preview_label = QLabel("")
        self.preview_label.setToolTip(OPEN_TIP)
        self.preview_label.setCursor(Qt.PointingHandCursor)
        self.preview_label.mousePressEvent = self._open_sample  # the strip is ~110x20 px here (issue 35)
        self.preview_label.setFixedHeight(40)
        self.preview_label.setMaximumWidth(160)
        self.preview_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.preview_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        low.addWidget(self.values_label, 3)
        low.addWidget(self.preview_label, 1)
        return low

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(460, 220)

    # -- events from the engine -----------------------------------------------------------------
    def on_event(self, e) -> None:
        """Any engine event; the panel picks what it needs. Cheap: no drawing here."""
        if isinstance(e, ev.NodeProgress):
            self.on_progress(e)
        elif isinstance(e, ev.NodeStarted):
            self._titles[e.node_id] = e.title
            if e.node_id in self.histories:
                self.histories[e.node_id].title = e.title
        elif isinstance(e, ev.RunStarted):
            self._chosen = None
            self._reporting = set()
        elif isinstance(e, ev.RunFinished):
            self.flush()
        elif isinstance(e, ev.NodeMessage) and e.text.startswith("loss weights:"):
            self._weights[e.node_id] = e.text
            if e.node_id == self.node_id:
                self._dirty = True
        elif isinstance(e, ev.NodeMessage) and BATCH_MESSAGE.match(e.text):
            self._batches[e.node_id] = e.text  # "batch 512 (auto: ...); learning rate ...": samples/s
            if e.node_id == self.node_id:
                self._dirty = True

    def on_progress(self, e) -> None:
        nid = e.node_id
        h = self.histories.get(nid)
        if not e.values:
            if h is not None and e.preview is not None:  # a training node's sample without numbers
                self._set_preview(h, e)
            return
        if h is None:
            h = NodeHistory(self._titles.get(nid, nid))
            if not h.add(e.step, e.values, e.total):
                return
            self.histories[nid] = h
        elif not h.add(e.step, e.values, e.total):
            return
        h.budget_end = getattr(e, "budget_end", None)
        if e.preview is not None:
            self._set_preview(h, e)
        if nid not in self._reporting:
            self._reporting.add(nid)
            self.trainingStarted.emit(nid)
        if nid != self.node_id and (self.node_id is None or self._chosen != self.node_id):
            self.show_node(nid)  # follow the node that is training
            return
        if nid == self.node_id:
            self._dirty = True
            self._start_timer()

    def _set_preview(self, h: NodeHistory, e) -> None:
        h.preview, h.preview_step = e.preview, e.step
        if e.node_id == self.node_id:
            self._preview_dirty = True
            self._start_timer()

    def _start_timer(self) -> None:
        if not self.timer.isActive():
            self.timer.start()

    def _tick(self) -> None:
        if self._dirty or self._preview_dirty:
            self.redraw()
        else:
            self.timer.stop()

    def flush(self) -> None:
        """Draw what is pending now (the run ended)."""
        if self._dirty or self._preview_dirty:
            self.redraw()

    # -- what is shown --------------------------------------------------------------------
    def follow(self, node_id: str | None) -> bool:
        """The canvas selection changed: plot ``node_id`` when it has a history. True when it did."""
        if node_id is None or node_id not in self.histories:
            return False
        self._chosen = node_id
        if node_id != self.node_id:
            self.show_node(node_id)
        return True

    def show_node(self, node_id: str | None) -> None:
        self.node_id = node_id
        self.auto_view = True
        self.plot.clear()  # removes the curves; the legend is cleared with them below
        self.legend.clear()
        self._curves = {}
        self._dirty = self._preview_dirty = True
        self.redraw()
        self.shownChanged.emit(node_id)

    def clear_shown(self) -> None:
        """The Clear button: forget the shown node's curves (new points start a new history)."""
        if self.node_id is not None:
            self.histories.pop(self.node_id, None)
        self.show_node(self.node_id)

    def name_nodes(self, titles: dict[str, str]) -> None:
        """The titles of the graph's nodes, for plots of a run whose events named none yet."""
        if not self._titles:
            self._titles.update(titles)

    def clear_all(self) -> None:
        """A new document: node ids mean other nodes now."""
        self.histories.clear()
        self._titles.clear()
        self._chosen = None
        self._reporting = set()
        self.show_node(None)

    def set_log_y(self, on: bool) -> None:
        if self.log_box.isChecked() != bool(on):
            self.log_box.setChecked(bool(on))  # comes back here through toggled
            return
        self.plot.setLogMode(y=bool(on))
        self._dirty = True
        self.redraw()

    def set_smoothing(self, weight: float) -> None:
        self.smooth_slider.setValue(round(max(0.0, min(SMOOTH_MAX, weight)) * 100))

    @property
    def smoothing(self) -> float:
        return self.smooth_slider.value() / 100.0

    def _on_smooth(self, _v: int) -> None:
        self._dirty = True
        self.redraw()

    # -- drawing ----------------------------------------------------------------------------
    def _colour(self, name: str) -> tuple[int, int, int]:
        c = self._colours.get(name)
        if c is None:
            c = KNOWN_COLOURS.get(name) or CYCLE[len([k for k in self._colours if k not in KNOWN_COLOURS]) % len(CYCLE)]
            self._colours[name] = c
        return c

    def _curve(self, name: str):
        got = self._curves.get(name)
        if got is None:
            pg = self.pg
            c = self._colour(name)
            raw = self.plot.plot([], [], pen=pg.mkPen(c + (70,), width=1))
            sm = self.plot.plot([], [], pen=pg.mkPen(c, width=1.6), name=name)
            for item in (raw, sm):
                item.setDownsampling(auto=True, method="peak")
                item.setClipToView(True)
                item.opts["autoDownsampleFactor"] = DOWNSAMPLE_FACTOR  # (pyqtgraph's default: 5)
            got = self._curves[name] = (raw, sm)
        return got

    def redraw(self) -> None:
        """setData on the shown node's curves (one per value name), the labels and the preview."""
        self.redraws += 1
        h = self.histories.get(self.node_id) if self.node_id is not None else None
        if self._dirty:
            self._dirty = False
            self._draw_curves(h)
        if self._preview_dirty:
            self._preview_dirty = False
            self._draw_preview(h)
        self._draw_labels(h)

    def _draw_curves(self, h: NodeHistory | None) -> None:
        if h is None:
            return
        w = self.smoothing
        log = self.log_box.isChecked()
        drawn = 0
        xr, yr = [np.inf, -np.inf], [np.inf, -np.inf]
        for name, s in h.series.items():
            raw, sm = self._curve(name)
            x, y = s.steps, s.values
            ys = s.smoothed(w) if w > 0 else y
            if log:  # nothing at or below zero on a log axis
                y = np.where(y > 0, y, np.nan)
                ys = np.where(ys > 0, ys, np.nan)
            if w > 0:
                raw.setData(x, y, connect="finite")
                raw.setVisible(True)
            else:
                raw.setData([], [])
                raw.setVisible(False)
            sm.setData(x, ys, connect="finite")
            drawn += s.n
            if s.n and self.auto_view:
                xr = [min(xr[0], x[0]), max(xr[1], x[-1])]
                for arr in ((y, ys) if w > 0 else (ys,)):
                    with np.errstate(all="ignore"):
                        lo, hi = np.nanmin(arr), np.nanmax(arr)
                    if np.isfinite(lo):
                        yr = [min(yr[0], lo), max(yr[1], hi)]
        self.points_drawn = drawn
        if self.auto_view and np.isfinite(xr[0]) and np.isfinite(yr[0]):
            self._set_range(xr, yr, log)

    def _set_range(self, xr: list, yr: list, log: bool) -> None:
        if log:
            yr = [math.log10(yr[0]), math.log10(yr[1])]
        if xr[1] - xr[0] < 1:
            xr = [xr[0] - 0.5, xr[1] + 0.5]
        if yr[1] - yr[0] < 1e-12 * max(1.0, abs(yr[0])):
            d = 0.5 if log else max(abs(yr[0]) * 0.1, 1e-6)
            yr = [yr[0] - d, yr[1] + d]
        frac = self.legend_fraction()
        if frac > 0:  # headroom: the curves stay under the legend (top right), never behind it
            yr = [yr[0], yr[1] + (yr[1] - yr[0]) * frac / (1.0 - frac)]
        self.view_box.setRange(xRange=xr, yRange=yr, padding=0.03, disableAutoRange=True)
        self.view_box.updateMatrix()  # now, not in the paint (where it asks for a second paint)

    def legend_fraction(self) -> float:
        """The share of the plot's height the legend covers (0 when it is hidden or empty)."""
        if not self.legend.isVisible() or not getattr(self.legend, "items", None):
            return 0.0
        h = self.view_box.height()
        if h <= 1:
            return 0.0
        return min(0.5, (self.legend.boundingRect().height() + 6) / h)

    def _on_user_range(self, *_):
        self.auto_view = False  # the user zoomed or panned: leave the view where they put it

    def fit_view(self) -> None:
        """Follow the curves again (the 'A' button)."""
        self.auto_view = True
        self.view_box.disableAutoRange()
        self._dirty = True
        self.redraw()

    def _draw_preview(self, h: NodeHistory | None) -> None:
        if h is None or h.preview is None:
            self.preview_label.clear()
            self.preview_label.setToolTip(OPEN_TIP)
            return
        from studio.ui.preview.pixels import display_rgb
        rgb = np.ascontiguousarray(display_rgb(np.asarray(h.preview)))
        hh, ww = rgb.shape[:2]
        img = QImage(rgb.data, ww, hh, 3 * ww, QImage.Format_RGB888).copy()
        pm = QPixmap.fromImage(img)
        box = QSize(max(16, self.preview_label.width() - 4), max(8, self.preview_label.height() - 4))
        if pm.height() > box.height() or pm.width() > box.width():
            pm = pm.scaled(box, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        elif pm.height() * 2 <= box.height():  # tiny samples: whole pixels, bigger
            k = min(box.height() // pm.height(), max(1, box.width() // pm.width()))
            pm = pm.scaled(pm.width() * k, pm.height() * k, Qt.KeepAspectRatio, Qt.FastTransformation)
        self.preview_label.setPixmap(pm)
        self.preview_label.setToolTip(f"sample at step {h.preview_step} (click: open it in the viewer)")

    def _draw_labels(self, h: NodeHistory | None) -> None:
        if h is None:
            if self.node_id is None:
                self.title_label.set_parts("no training yet: run a Train node (its loss is plotted here)")
            else:
                self.title_label.set_parts(self._titles.get(self.node_id, self.node_id), "cleared")
            self.values_label.setText("")
            self.step_label.setText("")
            return
        self.step_label.setText(step_text(h))
        self.step_label.setToolTip(
            f"the time budget (Train > max_minutes) will stop training near step {h.budget_end:,}, before "
            f"the {h.total:,} steps asked for" if h.budget_end is not None and h.total else "")
        weights = self._weights.get(self.node_id, "")
        self.title_label.set_parts(h.title, f"({self.node_id})" + (f"  {weights}" if weights else ""))
        parts = self._rate_parts(h) + [f"{k} {v:.4g}" for k, v in h.latest.items()]
        bad = sum(s.nonfinite for s in h.series.values())
        self.values_label.set_parts(parts, f"{bad} NaN/inf not plotted" if bad else "")
        # all of it (what did not fit on the two lines) and the batch rule, in full
        self.values_label.setToolTip("\n".join(p for p in (" · ".join(parts), self._batches.get(self.node_id, "")) if p))

    def _rate_parts(self, h: NodeHistory) -> list[str]:
        """'12.3 steps/s', '197 samples/s' (when the node said its batch), and the batch rule."""
        batch_text = self._batches.get(self.node_id, "")
        m = BATCH_MESSAGE.match(batch_text)
        out = []
        rate = h.steps_per_second()
        if rate is not None:
            out.append(f"{_rate(rate)} steps/s")
            if m:
                out.append(f"{_rate(rate * int(m.group(1)))} samples/s")
        if m:
            lr = re.search(r"learning rate ([0-9.eE+-]+)$", batch_text)
            out.append(f"batch {m.group(1)}" + (" (auto)" if "(auto" in batch_text else "") +
                       (f", lr {lr.group(1)}" if lr else ""))
        return out

    def _open_sample(self, _e=None) -> None:
        h = self.histories.get(self.node_id) if self.node_id is not None else None
        if h is not None and h.preview is not None:
            self.sampleOpened.emit(self.node_id, f"{h.title} · sample at step {h.preview_step}",
                                   np.asarray(h.preview))

    # -- for tests and the benchmark ------------------------------------------------------
    def curve_data(self, name: str, smoothed: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The data of the curve of ``name`` as last drawn (raw or smoothed)."""
        got = self._curves.get(name)
        if got is None:
            return np.empty(0), np.empty(0)
        item = got[1] if smoothed else got[0]
        x, y = item.getOriginalDataset()
        return (np.empty(0) if x is None else np.asarray(x)), (np.empty(0) if y is None else np.asarray(y))

    def curve_names(self) -> list[str]:
        return list(self._curves)


class FitLabel(QLabel):
    """The dock's latest values: parts joined by " · " on at most two wrapped lines, fitted
    again when the label's width changes; the last parts give way to "…" (issue 35: audio_image's
    stats wrapped onto a third, clipped line). ``tail`` (a problem worth seeing) is always kept,
    in red."""

    def __init__(self, lines: int = 2):
        super().__init__("")
        self.lines, self.parts, self.tail = lines, [], ""

    def set_parts(self, parts: list[str], tail: str = "") -> None:
        self.parts, self.tail = list(parts), tail
        self._fit()

    def resizeEvent(self, e):  # noqa: N802
        super().resizeEvent(e)
        self._fit()

    def _fit(self) -> None:
        shown = fit_lines(self.parts, QFontMetrics(self.font()), self.contentsRect().width() - 6,
                         self.lines, self.tail)  # 6 px: the label's own layout wraps a little sooner
        if self.tail:
            shown = shown[:-len(self.tail)] + f"<span style='color:#ff6e6e'>{self.tail}</span>"
        if shown != self.text():
            self.setText(shown)


def fit_lines(parts: list[str], fm: QFontMetrics, width: int, lines: int, tail: str = "") -> str:
    """``parts`` joined by " · " on at most ``lines`` wrapped lines of ``width`` px: the last parts
    give way to "…" (issue 35: audio_image's stats wrapped onto a third, clipped line); ``tail``
    (a problem worth seeing) is always kept at the end."""
    from PySide6.QtCore import QRect
    room = lines * fm.lineSpacing() + 2
    keep = list(parts)
    while True:
        text = " · ".join(keep + (["…"] if len(keep) < len(parts) else []) + ([tail] if tail else []))
        if width <= 0 or not keep or \
                fm.boundingRect(QRect(0, 0, width, 10_000), Qt.TextWordWrap, text).height() <= room:
            return text
        keep.pop()
