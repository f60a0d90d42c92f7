"""The image viewer: video frames and images with zoom, pan, fit, 1:1, a pixel readout, mask and
keypoint overlays, flow arrows and an A/B wipe."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from studio.ui.preview.pixels import display_rgb, format_pixel, to_u8
from studio.ui.preview.qimages import qimage, qimage_rgba
from studio.ui.preview.stale import paint_stale


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
        self.stale = ""  # what a stale picture says on it ("": not stale; preview/live.py)
        self.placeholder = "nothing to show"
        self._drag: tuple[str, QPointF, Any] | None = None
        self._mask_img: QImage | None = None
        self.overlays: list = []  # callables painting over the frame (the mask editor's dots and shapes)

    # -- content --------------------------------------------------------------------------
    def set_frame(self, raw: np.ndarray | None, rgb: np.ndarray | None = None, kind: str = "video") -> None:
        self._raw = raw
        if raw is None and rgb is None:
            self._img = None
            self.hovered.emit("")  # an empty viewer reads no pixel (the last one's value stayed)
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
            self._mask_img = qimage_rgba(rgba)
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
        if self._raw is not None and self._img is not None and self._raw.ndim >= 2:  # a proxy stands for the frame
            return (self._raw.shape[1], self._raw.shape[0])
        return (0, 0) if self._img is None else (self._img.width(), self._img.height())

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
            p.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.AlignCenter | Qt.TextWordWrap, self.placeholder)
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
        if self.stale:
            paint_stale(p, target, self.stale)
        for paint in self.overlays:
            paint(p)
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

    def leaveEvent(self, ev):  # noqa: N802 - the readout is of the pixel under the cursor: none now
        self.hovered.emit("")
        super().leaveEvent(ev)

    def mouseDoubleClickEvent(self, ev):
        self.fit_to_window()

    def keyPressEvent(self, ev):
        k = ev.key()
        if k == Qt.Key_F:
            self.fit_to_window()
        elif k == Qt.Key_1:
            self.one_to_one()
        elif k in (Qt.Key_Plus, Qt.Key_Equal, Qt.Key_Minus):
            self.set_zoom(self.scale() * (0.8 if k == Qt.Key_Minus else 1.25))
        else:
            super().keyPressEvent(ev)
