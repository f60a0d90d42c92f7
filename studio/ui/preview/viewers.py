"""Viewers, one per kind of value: image/video frames (with zoom, pan, fit, 1:1, pixel readout,
mask and keypoint overlays, flow arrows and an A/B wipe), audio (waveform and spectrogram),
features (heatmap and curves over time; for a fusion node's output, a stacked plot of which
input dominates), similarity matrices (a labelled heatmap with values; hover names the pair)
and text (a model's summary, numbers, strings).

The conversions from engine values to displayable pixels are plain numpy/cv2 functions in
``pixels.py``, so they are tested and benchmarked without widgets.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QPlainTextEdit, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from studio.ui.preview.pixels import (WHOLE_SOUND_SAMPLES, display_rgb, dominance_of, envelope, format_pixel, heatmap,
                                      sound_overview, spectrogram, to_numpy, to_u8)
from studio.ui.text import shorten

# -- Qt images ------------------------------------------------------------------------------


def qimage(rgb: np.ndarray) -> QImage:
    """A QImage that shares ``rgb``'s memory (keep the array alive while the image lives).
    H x W x 3 is RGB; H x W x 4 is BGRA from :func:`to_bgra` (painted ~4x faster)."""
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    fmt = QImage.Format_RGB32 if rgb.shape[2] == 4 else QImage.Format_RGB888
    img = QImage(rgb.data, w, h, rgb.strides[0], fmt)
    img._keep = rgb  # noqa: SLF001 - tie the buffer's lifetime to the image
    return img


def qimage_to_array(img: QImage) -> np.ndarray:
    """QImage -> RGB uint8 copy (for tests and screenshots)."""
    img = img.convertToFormat(QImage.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, :w * 3].reshape(h, w, 3).copy()


# -- image viewer ---------------------------------------------------------------------------


class ImageView(QWidget):
    """Shows a frame; wheel zooms about the cursor, drag pans, F fits, 1 shows 1:1.

    Overlays: a mask (tinted), keypoints with their tracks, flow arrows, and an A/B wipe
    (B right of the wipe line; drag the line to move it)."""

    hovered = Signal(str)  # the pixel value under the cursor
    zoomChanged = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.ClickFocus)
        self.setMinimumSize(160, 120)
        self._img: QImage | None = None
        self._raw: np.ndarray | None = None
        self._b_img: QImage | None = None
        self._b_raw: np.ndarray | None = None
        self.wipe = 0.5  # fraction of the image width where B begins
        self.fit = True
        self.zoom = 1.0
        self.center = QPointF(0, 0)  # image point at the widget centre
        self.mask: np.ndarray | None = None  # H x W in [0, 1]
        self.mask_color = (255, 60, 60)
        self.keypoints: np.ndarray | None = None  # N x 2
        self.visible: np.ndarray | None = None
        self.tracks: np.ndarray | None = None  # K x N x 2 (past positions, oldest first)
        self.arrows = False
        self.caption = ""
        self.placeholder = "nothing to show"
        self._drag: tuple[str, QPointF, Any] | None = None
        self._mask_img: QImage | None = None

    # -- content --------------------------------------------------------------------------
    def set_frame(self, raw: np.ndarray | None, rgb: np.ndarray | None = None, kind: str = "video") -> None:
        self._raw = raw
        if raw is None and rgb is None:
            self._img = None
        else:
            self._img = qimage(rgb if rgb is not None else display_rgb(raw, kind))
        self.update()

    def set_b(self, raw: np.ndarray | None, rgb: np.ndarray | None = None, kind: str = "video") -> None:
        self._b_raw = raw
        self._b_img = None if raw is None and rgb is None else qimage(
            rgb if rgb is not None else display_rgb(raw, kind))
        self.update()

    def set_mask(self, mask: np.ndarray | None) -> None:
        self.mask = mask
        self._mask_img = None
        if mask is not None:
            m = np.asarray(mask, np.float32).reshape(mask.shape[0], mask.shape[1])
            a = to_u8(np.clip(m, 0, 1) * 0.6)
            rgba = np.empty(m.shape + (4,), np.uint8)
            rgba[..., 0], rgba[..., 1], rgba[..., 2] = self.mask_color
            rgba[..., 3] = a
            img = QImage(rgba.data, m.shape[1], m.shape[0], rgba.strides[0], QImage.Format_RGBA8888)
            img._keep = rgba  # noqa: SLF001
            self._mask_img = img
        self.update()

    def set_keypoints(self, points: np.ndarray | None, visible: np.ndarray | None = None,
                      tracks: np.ndarray | None = None) -> None:
        self.keypoints, self.visible, self.tracks = points, visible, tracks
        self.update()

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.update()

    @property
    def image(self) -> QImage | None:
        return self._img

    @property
    def raw(self) -> np.ndarray | None:
        return self._raw

    def image_size(self) -> tuple[int, int]:
        if self._img is None:
            return (0, 0)
        if self._raw is not None and self._raw.ndim >= 2:  # a proxy image stands for the full frame
            return (self._raw.shape[1], self._raw.shape[0])
        return (self._img.width(), self._img.height())

    # -- geometry -------------------------------------------------------------------------
    def scale(self) -> float:
        w, h = self.image_size()
        if not w:
            return 1.0
        if self.fit:
            return max(1e-3, min(self.width() / w, self.height() / h))
        return self.zoom

    def _origin(self) -> QPointF:
        w, h = self.image_size()
        s = self.scale()
        c = QPointF(w / 2, h / 2) if self.fit else self.center
        return QPointF(self.width() / 2 - c.x() * s, self.height() / 2 - c.y() * s)

    def to_image(self, p: QPointF) -> QPointF:
        o, s = self._origin(), self.scale()
        return QPointF((p.x() - o.x()) / s, (p.y() - o.y()) / s)

    def to_widget(self, x: float, y: float) -> QPointF:
        o, s = self._origin(), self.scale()
        return QPointF(o.x() + x * s, o.y() + y * s)

    def fit_to_window(self) -> None:
        self.fit = True
        self.update()
        self.zoomChanged.emit(self.scale())

    def one_to_one(self) -> None:
        self.set_zoom(1.0)

    def set_zoom(self, z: float, anchor: QPointF | None = None) -> None:
        w, h = self.image_size()
        if anchor is None:
            anchor = QPointF(self.width() / 2, self.height() / 2)
        before = self.to_image(anchor)
        if self.fit:
            self.center = QPointF(w / 2, h / 2)
        self.fit = False
        self.zoom = float(min(64.0, max(1 / 64, z)))
        after = self.to_image(anchor)
        self.center = QPointF(self.center.x() + before.x() - after.x(), self.center.y() + before.y() - after.y())
        self.update()
        self.zoomChanged.emit(self.zoom)

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, _ev):
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(32, 32, 34))
        if self._img is None:
            p.setPen(QColor(150, 150, 150))
            p.drawText(self.rect(), Qt.AlignCenter, self.placeholder)
            return
        w, h = self.image_size()
        s = self.scale()
        o = self._origin()
        target = QRectF(o.x(), o.y(), w * s, h * s)
        p.setRenderHint(QPainter.SmoothPixmapTransform, s < 1.0)
        p.drawImage(target, self._img)
        if self._b_img is not None:
            xw = o.x() + self.wipe * w * s
            bw, bh = self._b_img.width(), self._b_img.height()
            p.save()
            p.setClipRect(QRectF(xw, o.y(), target.right() - xw, target.height()))
            p.drawImage(target, self._b_img, QRectF(0, 0, bw, bh))
            p.restore()
        if self._mask_img is not None:
            p.drawImage(target, self._mask_img)
        if self.arrows and self._raw is not None and self._raw.ndim == 3 and self._raw.shape[2] == 2:
            p.save()
            if self._b_img is not None:
                p.setClipRect(QRectF(target.left(), target.top(), self.wipe * w * s, target.height()))
            self._paint_arrows(p, s)
            p.restore()
        if self._b_img is not None:
            xw = o.x() + self.wipe * w * s
            p.setPen(QPen(QColor(255, 255, 255), 2))
            p.drawLine(QPointF(xw, target.top()), QPointF(xw, target.bottom()))
            for label, x in (("A", xw - 22), ("B", xw + 4)):
                p.fillRect(QRectF(x, target.top() + 4, 18, 18), QColor(0, 0, 0, 160))
                p.setPen(QColor(255, 255, 255))
                p.drawText(QRectF(x, target.top() + 4, 18, 18), Qt.AlignCenter, label)
        if self.keypoints is not None:
            self._paint_keypoints(p)
        if self.caption:
            p.setPen(QColor(240, 240, 240))
            p.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignLeft | Qt.AlignVCenter, self.caption)

    def _paint_arrows(self, p: QPainter, s: float) -> None:
        flow = self._raw
        h, w = flow.shape[:2]
        step = max(4, int(round(24 / max(s, 1e-3))))
        ys, xs = np.mgrid[step // 2:h:step, step // 2:w:step]
        uv = np.nan_to_num(flow[ys, xs])
        p.setPen(QPen(QColor(20, 20, 20, 220), 1.2))
        path = QPainterPath()
        for x, y, (u, v) in zip(xs.ravel(), ys.ravel(), uv.reshape(-1, 2)):
            if u * u + v * v < 0.25:
                continue
            a, b = self.to_widget(x + 0.5, y + 0.5), self.to_widget(x + 0.5 + u, y + 0.5 + v)
            path.moveTo(a)
            path.lineTo(b)
            ang = math.atan2(b.y() - a.y(), b.x() - a.x())
            for da in (2.6, -2.6):
                path.moveTo(b)
                path.lineTo(b.x() + 4 * math.cos(ang + da), b.y() + 4 * math.sin(ang + da))
        p.drawPath(path)

    def _paint_keypoints(self, p: QPainter) -> None:
        pts = np.asarray(self.keypoints, np.float32)
        n = pts.shape[0]
        vis = np.ones(n, bool) if self.visible is None else np.asarray(self.visible, bool)
        colors = [QColor.fromHsvF((k * 0.61803) % 1.0, 0.8, 1.0) for k in range(n)]
        if self.tracks is not None and len(self.tracks) > 1:
            tr = np.asarray(self.tracks, np.float32)
            for k in range(n):
                path = QPainterPath()
                path.moveTo(self.to_widget(*tr[0, k]))
                for t in range(1, tr.shape[0]):
                    path.lineTo(self.to_widget(*tr[t, k]))
                c = QColor(colors[k])
                c.setAlpha(160)
                p.setPen(QPen(c, 1.5))
                p.drawPath(path)
        for k in range(n):
            c = colors[k] if vis[k] else QColor(140, 140, 140)
            p.setPen(QPen(QColor(0, 0, 0), 1))
            p.setBrush(c)
            p.drawEllipse(self.to_widget(*pts[k]), 4, 4)
        p.setBrush(Qt.NoBrush)

    # -- interaction ----------------------------------------------------------------------
    def _near_wipe(self, pos: QPointF) -> bool:
        if self._b_img is None:
            return False
        xw = self.to_widget(self.wipe * self.image_size()[0], 0).x()
        return abs(pos.x() - xw) < 8

    def wheelEvent(self, ev):
        if self._img is None:
            return
        f = 1.25 ** (ev.angleDelta().y() / 120.0)
        self.set_zoom(self.scale() * f, ev.position())

    def mousePressEvent(self, ev):
        if self._img is None:
            return
        if ev.button() == Qt.LeftButton and self._near_wipe(ev.position()):
            self._drag = ("wipe", ev.position(), self.wipe)
        elif ev.button() in (Qt.LeftButton, Qt.MiddleButton):
            if self.fit:
                w, h = self.image_size()
                self.zoom, self.center, self.fit = self.scale(), QPointF(w / 2, h / 2), False
            self._drag = ("pan", ev.position(), QPointF(self.center))

    def mouseMoveEvent(self, ev):
        pos = ev.position()
        if self._drag is not None:
            kind, start, orig = self._drag
            if kind == "wipe":
                w = self.image_size()[0] * self.scale()
                self.wipe = float(min(1.0, max(0.0, orig + (pos.x() - start.x()) / max(w, 1))))
            else:
                s = self.scale()
                self.center = QPointF(orig.x() - (pos.x() - start.x()) / s, orig.y() - (pos.y() - start.y()) / s)
            self.update()
        ip = self.to_image(pos)
        x, y = int(math.floor(ip.x())), int(math.floor(ip.y()))
        raw = self._raw
        if self._b_raw is not None and ip.x() >= self.wipe * self.image_size()[0]:
            raw = self._b_raw
        self.hovered.emit(format_pixel(raw, x, y))
        self.setCursor(Qt.SplitHCursor if self._near_wipe(pos) else Qt.ArrowCursor)

    def mouseReleaseEvent(self, ev):
        self._drag = None

    def mouseDoubleClickEvent(self, ev):
        self.fit_to_window()

    def keyPressEvent(self, ev):
        k = ev.key()
        if k == Qt.Key_F:
            self.fit_to_window()
        elif k == Qt.Key_1:
            self.one_to_one()
        elif k in (Qt.Key_Plus, Qt.Key_Equal):
            self.set_zoom(self.scale() * 1.25)
        elif k == Qt.Key_Minus:
            self.set_zoom(self.scale() / 1.25)
        else:
            super().keyPressEvent(ev)


# -- audio, features, text ------------------------------------------------------------------


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


class TextView(QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        f = QFont("monospace")
        f.setStyleHint(QFont.Monospace)
        self.setFont(f)


class ViewerStack(QStackedWidget):
    """One page per kind of viewer."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image = ImageView()
        self.text = TextView()
        self._audio: AudioView | None = None
        self._features: FeaturesView | None = None
        self.similarity = SimilarityView()
        self.addWidget(self.image)
        self.addWidget(self.text)
        self.addWidget(self.similarity)

    @property
    def audio(self) -> AudioView:
        if self._audio is None:  # pyqtgraph is imported on first use
            self._audio = AudioView()
            self.addWidget(self._audio)
        return self._audio

    @property
    def features(self) -> FeaturesView:
        if self._features is None:
            self._features = FeaturesView()
            self.addWidget(self._features)
        return self._features

    def show_page(self, name: str) -> QWidget:
        w = getattr(self, name)
        self.setCurrentWidget(w)
        return w
