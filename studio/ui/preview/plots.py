"""Plot viewers: a similarity matrix (a labelled heatmap with values; hover names the pair), audio
(waveform and spectrogram) and features (heatmap and curves over time; for a fusion node's output,
a stacked plot of which input dominates)."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from studio.ui.preview.pixels import (WHOLE_SOUND_SAMPLES, dominance_of, envelope, heatmap, sound_overview,
                                      spectrogram, to_numpy)
from studio.ui.preview.qimages import qimage
from studio.ui.text import shorten


class SimilarityView(QWidget):
    """A square similarity matrix as a labelled heatmap: row labels on the left (numbered), the
    same numbers over the columns, the value in each cell when it fits, a colour bar; hovering a
    cell names both items and the value (``hovered`` and a tooltip)."""

    hovered = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(160, 120)
        self.matrix: np.ndarray | None = None
        self.labels: list[str] = []
        self.lo, self.hi = 0.0, 1.0
        self.hover: tuple[int, int] | None = None
        self._img: QImage | None = None

    def set_matrix(self, matrix: np.ndarray, labels: list[str]) -> None:
        m = np.asarray(matrix, np.float32)
        self.matrix, self.labels = m, list(labels)
        finite = m[np.isfinite(m)]
        # cosine similarities: keep 0..1 (or -1..1) fixed so two matrices compare by colour
        self.lo = -1.0 if finite.size and float(finite.min()) < 0 else 0.0
        self.hi = max(1.0, float(finite.max())) if finite.size else 1.0
        self._img = qimage(heatmap(m, self.lo, self.hi)) if m.size else None
        self.hover = None
        self.update()

    # geometry
    def _grid(self) -> QRectF:
        n = len(self.labels)
        fm = self.fontMetrics()
        label_w = min(self.width() * 0.42, max((fm.horizontalAdvance(f"{k + 1}  {shorten(t, 40)}")
                                                for k, t in enumerate(self.labels)), default=0) + 12)
        top, right, bottom = fm.height() + 8, 56, 8
        side = max(1.0, min(self.width() - label_w - right, self.height() - top - bottom))
        return QRectF(label_w, top, side, side) if n else QRectF()

    def cell_rect(self, i: int, j: int) -> QRectF:
        g = self._grid()
        c = g.width() / max(1, len(self.labels))
        return QRectF(g.left() + j * c, g.top() + i * c, c, c)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        g, n = self._grid(), len(self.labels)
        if not n or not g.contains(pos):
            return None
        c = g.width() / n
        i, j = int((pos.y() - g.top()) // c), int((pos.x() - g.left()) // c)
        return (i, j) if 0 <= i < n and 0 <= j < n else None

    def describe(self, i: int, j: int) -> str:
        return f"{self.labels[i]}  \u00d7  {self.labels[j]}:  {float(self.matrix[i, j]):.3f}"

    def paintEvent(self, _ev):
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(32, 32, 34))
        if self.matrix is None or not self.labels:
            p.setPen(QColor(150, 150, 150))
            p.drawText(self.rect(), Qt.AlignCenter, "no similarity matrix")
            return
        n, g = len(self.labels), self._grid()
        c = g.width() / n
        p.drawImage(g, self._img)
        fm = p.fontMetrics()
        p.setPen(QColor(60, 60, 64))
        for k in range(n + 1):  # cell borders
            p.drawLine(QPointF(g.left() + k * c, g.top()), QPointF(g.left() + k * c, g.bottom()))
            p.drawLine(QPointF(g.left(), g.top() + k * c), QPointF(g.right(), g.top() + k * c))
        show_values = c >= fm.horizontalAdvance("-0.00") + 4 and c >= fm.height()
        norm = np.clip((np.nan_to_num(self.matrix) - self.lo) / max(self.hi - self.lo, 1e-12), 0, 1)
        for i in range(n):
            row = self.cell_rect(i, 0)
            p.setPen(QColor(220, 220, 225) if self.hover is None or self.hover[0] != i else QColor(255, 220, 90))
            avail = g.left() - 10
            text = fm.elidedText(f"{i + 1}  {self.labels[i]}", Qt.ElideRight, int(avail))
            p.drawText(QRectF(4, row.top(), avail, c), Qt.AlignRight | Qt.AlignVCenter, text)
            col = self.cell_rect(0, i)
            p.setPen(QColor(220, 220, 225) if self.hover is None or self.hover[1] != i else QColor(255, 220, 90))
            p.drawText(QRectF(col.left(), 2, c, g.top() - 4), Qt.AlignCenter, str(i + 1))
            if show_values:
                for j in range(n):
                    p.setPen(QColor(0, 0, 0) if norm[i, j] > 0.6 else QColor(245, 245, 245))
                    p.drawText(self.cell_rect(i, j), Qt.AlignCenter, f"{float(self.matrix[i, j]):.2f}")
        if self.hover is not None:
            p.setPen(QPen(QColor(255, 220, 90), 2))
            p.drawRect(self.cell_rect(*self.hover).adjusted(1, 1, -1, -1))
        # colour bar
        bar = QRectF(g.right() + 10, g.top(), 10, g.height())
        ramp = heatmap(np.linspace(1, 0, 64, dtype=np.float32)[:, None], 0.0, 1.0)
        p.drawImage(bar, qimage(ramp))
        p.setPen(QColor(200, 200, 205))
        p.drawText(QPointF(bar.right() + 3, bar.top() + fm.ascent()), f"{self.hi:g}")
        p.drawText(QPointF(bar.right() + 3, bar.bottom()), f"{self.lo:g}")

    def mouseMoveEvent(self, ev):
        cell = self.cell_at(ev.position())
        if cell != self.hover:
            self.hover = cell
            self.update()
        text = self.describe(*cell) if cell is not None else ""
        self.setToolTip(text)
        if text:
            QToolTip.showText(ev.globalPosition().toPoint(), text, self)
        self.hovered.emit(text)

    def leaveEvent(self, ev):
        if self.hover is not None:
            self.hover = None
            self.update()
        self.hovered.emit("")
        super().leaveEvent(ev)


class _PlotViewer(QWidget):
    """Base for the pyqtgraph viewers: a layout and a playhead line on each plot."""

    def __init__(self, parent=None):
        super().__init__(parent)
        import pyqtgraph as pg
        self.pg = pg
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground((32, 32, 34))
        lay.addWidget(self.glw)
        self.lines: list[Any] = []

    COMPACT_H = 320  # below this height (a small window's viewer), axis titles give way to the data

    def plots(self) -> list[Any]:
        return [it for it in self.glw.ci.items if isinstance(it, self.pg.PlotItem)]

    def fit_labels(self) -> None:
        """In a low viewer the rotated axis titles ('amplitude', 'Hz') are taller than their plot
        and run into each other: hide them (the tooltip and the ticks still say what is shown) and
        use a smaller tick font; show them again when there is room."""
        compact = self.height() < self.COMPACT_H * max(1, len(self.plots())) / 2
        font = QFont()
        font.setPixelSize(9 if compact else 11)
        for plot in self.plots():
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                if axis.labelText:
                    axis.showLabel(not compact)
                axis.setTickFont(font)

    def resizeEvent(self, ev):  # noqa: N802
        super().resizeEvent(ev)
        self.fit_labels()

    def _playhead(self, plot) -> None:
        line = self.pg.InfiniteLine(0, angle=90, pen=self.pg.mkPen((255, 80, 80), width=1.5))
        plot.addItem(line)
        self.lines.append(line)

    def set_time(self, seconds_or_index: float) -> None:
        for line in self.lines:
            line.setValue(seconds_or_index)


class AudioView(_PlotViewer):
    """Waveform over spectrogram, seconds on the x axis, a playhead."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.wave = self.glw.addPlot(row=0, col=0)
        self.wave.setLabel("left", "amplitude")
        self.wave.setYRange(-1, 1)
        self.curves: list[Any] = []
        self.spec_plot = self.glw.addPlot(row=1, col=0)
        self.spec_plot.setLabel("left", "Hz")
        self.spec_plot.setLabel("bottom", "seconds")
        self.spec_plot.setXLink(self.wave)
        self.spec_img = self.pg.ImageItem()
        self.spec_plot.addItem(self.spec_img)
        self._playhead(self.wave)
        self._playhead(self.spec_plot)
        self.spec: np.ndarray | None = None

    def set_audio(self, audio) -> None:
        for c in self.curves:
            self.wave.removeItem(c)
        self.curves = []
        rate, cols = audio.rate, 4000
        if audio.n_samples <= WHOLE_SOUND_SAMPLES:
            s = audio.samples
            channels = [envelope(s[:, ch], cols) for ch in range(min(s.shape[1], 2))]
            mono = audio.mono()
        else:  # hours of sound: an overview read in windows (see sound_overview)
            lo, hi, mono = sound_overview(audio, cols)
            channels = [(lo, hi)]
        for ch, (lo, hi) in enumerate(channels):
            t = np.linspace(0, audio.duration, lo.size, endpoint=False)
            xs = np.repeat(t, 2)
            ys = np.empty(lo.size * 2, np.float32)
            ys[0::2], ys[1::2] = lo, hi
            pen = self.pg.mkPen((100, 200, 255) if ch == 0 else (255, 190, 90), width=1)
            c = self.wave.plot(xs, ys, pen=pen, connect="all")
            self.curves.append(c)
        self.spec = spectrogram(mono, rate)
        self.spec_img.setImage(self.spec, autoLevels=True)
        self.spec_img.setColorMap(self.pg.colormap.get("viridis"))
        self.spec_img.setRect(QRectF(0, 0, max(audio.duration, 1e-6), rate / 2))
        self.wave.setXRange(0, max(audio.duration, 1e-6), padding=0)
        self.fit_labels()


class FeaturesView(_PlotViewer):
    """Per-frame features [T, D] as a heatmap (time across) and curves of the first dims and
    the norm; gates/attention from ``extras`` as curves or an image. Per-clip [D] as bars.

    A fusion node's ``extras['dominance']`` (which input drives the result) shows right under
    the heatmap as stacked areas over the frames, one colour per input with a legend, and a
    playhead; for clip-level features as one bar per input."""

    MAX_AREA_POINTS = 1000  # filled areas over more frames are drawn from per-bin means

    def __init__(self, parent=None):
        super().__init__(parent)
        self.dominance: np.ndarray | None = None  # [T, M] per frame
        self.dominance_names: list[str] = []
        self.dominance_plot = None
        self.dominance_items: list[Any] = []

    def set_features(self, feats) -> np.ndarray:
        self.glw.clear()
        self.lines = []
        self.dominance, self.dominance_names, self.dominance_plot, self.dominance_items = None, [], None, []
        arr = to_numpy(feats.data)
        if arr.ndim == 1:
            plot = self.glw.addPlot(row=0, col=0, title=f"features [{arr.shape[0]}]")
            plot.addItem(self.pg.BarGraphItem(x=np.arange(arr.size), height=arr, width=0.8,
                                              brush=(197, 134, 192)))
            row = 1
            if self._dominance(feats, row, None):
                row += 1
            self._extras(feats, row)
            self.fit_labels()
            return arr
        arr = arr.reshape(arr.shape[0], -1)
        heat = self.glw.addPlot(row=0, col=0, title=f"features [{arr.shape[0]} x {arr.shape[1]}]")
        img = self.pg.ImageItem(arr)
        img.setColorMap(self.pg.colormap.get("viridis"))
        heat.addItem(img)
        heat.setLabel("left", "dim")
        self._playhead(heat)
        row = 1
        if self._dominance(feats, row, heat):
            row += 1
        curves = self.glw.addPlot(row=row, col=0)
        curves.setLabel("bottom", "frame")
        curves.addLegend(offset=(5, 5))
        curves.plot(np.linalg.norm(arr, axis=1), pen=self.pg.mkPen((240, 240, 240), width=2), name="norm")
        for k in range(min(3, arr.shape[1])):
            curves.plot(arr[:, k], pen=self.pg.intColor(k, 6), name=(feats.names or {}).__getitem__(k)
                        if feats.names and k < len(feats.names) else f"dim {k}")
        curves.setXLink(heat)
        self._playhead(curves)
        self._extras(feats, row + 1)
        self.fit_labels()
        return arr

    def _dominance(self, feats, row: int, link) -> bool:
        got = dominance_of(feats)
        if got is None:
            return False
        d, names, colors = got
        self.dominance, self.dominance_names = d, names
        pg = self.pg
        plot = self.glw.addPlot(row=row, col=0, title="which input dominates")
        self.dominance_plot = plot
        plot.setMenuEnabled(False)
        legend = plot.addLegend(offset=(-5, 5), colCount=min(4, len(names)), brush=(32, 32, 34, 200))
        if d.shape[0] == 1:  # clip-level: one bar per input
            for k, (name, c) in enumerate(zip(names, colors)):
                bar = pg.BarGraphItem(x=[k], height=[float(d[0, k])], width=0.7, brush=c, pen=None, name=name)
                plot.addItem(bar)
                legend.addItem(bar, name)
                self.dominance_items.append(bar)
            plot.getAxis("bottom").setTicks([list(enumerate(names))])
            plot.setYRange(0, 1, padding=0.02)
            return True
        t = np.arange(d.shape[0], dtype=np.float64)
        if d.shape[0] > self.MAX_AREA_POINTS:  # long clips: the mean of each bin (rows still sum to 1)
            edges = np.linspace(0, d.shape[0], self.MAX_AREA_POINTS + 1).astype(np.int64)
            counts = np.diff(edges)[:, None]
            d = np.add.reduceat(d, edges[:-1], axis=0) / counts
            t = (np.add.reduceat(t, edges[:-1]) / counts[:, 0])
        top = np.cumsum(d, axis=1)
        prev = pg.PlotDataItem(t, np.zeros_like(t), pen=pg.mkPen((0, 0, 0, 0)))  # FillBetween needs a drawn curve
        plot.addItem(prev)
        for k, (name, c) in enumerate(zip(names, colors)):
            upper = pg.PlotDataItem(t, top[:, k], pen=pg.mkPen(c, width=1.2), name=name)
            plot.addItem(upper)
            fill = pg.FillBetweenItem(prev, upper, brush=pg.mkBrush(*c, 170))
            plot.addItem(fill)
            self.dominance_items.append(fill)
            prev = upper
        plot.setYRange(0, max(1.0, float(top[:, -1].max(initial=0))), padding=0.02)
        plot.setLabel("left", "share")
        if link is not None:
            plot.setXLink(link)
        self._playhead(plot)
        return True

    def _extras(self, feats, row: int) -> None:
        for name in ("gates", "attention"):
            v = feats.extras.get(name)
            if v is None:
                continue
            a = to_numpy(v)
            plot = self.glw.addPlot(row=row, col=0, title=name)
            row += 1
            if a.ndim == 1 or (a.ndim == 2 and name == "gates"):
                a2 = a.reshape(a.shape[0], -1)
                for k in range(min(a2.shape[1], 8)):
                    plot.plot(a2[:, k], pen=self.pg.intColor(k, 8))
                self._playhead(plot)
            else:
                img = self.pg.ImageItem(a.reshape(a.shape[0], -1))
                img.setColorMap(self.pg.colormap.get("magma"))
                plot.addItem(img)
