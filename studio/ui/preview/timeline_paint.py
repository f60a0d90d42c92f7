"""The Timeline's painted layers (:meth:`studio.ui.preview.timeline.Timeline.paintEvent` calls
them in order): the ruler, the computed line, the thumbnails, the in/out marks and the
playhead. Each reads the timeline's public state and paints with the painter it is given."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from studio.core.timecode import timecode
from studio.ui.preview.ruler import frame_runs, nice_step


LABEL_H = 13  # the playhead's label: a red box over the ruler's row of frame numbers


def playhead_label(p: QPainter, tl, W: int, ppf: float) -> tuple[str, QRectF]:
    """The playhead's label and its box: right of the line, or left of it where it would run past the
    strip's end (the painter's font: the ruler's)."""
    x = tl.x_of(tl.current) + max(2.0, ppf) / 2
    label = f"{tl.current}  {timecode(tl.current, tl.fps)}"
    w = p.fontMetrics().horizontalAdvance(label) + 8
    left = x + 2 if x + 2 + w <= W or x - 2 - w < 0 else x - 2 - w
    return label, QRectF(left, 0, w, LABEL_H)


def paint_ruler(p: QPainter, tl, W: int, a: int, b: int, ppf: float) -> None:
    """The ruler: minor ticks, and at each step a tick, the frame number and its timecode; a number or a
    timecode that would run under the playhead's label is left out (issue 104's walk: they overlapped)."""
    p.fillRect(QRectF(0, 0, W, tl.RULER_H), QColor(44, 44, 48))
    font = QFont(tl.font())
    font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
    p.setFont(font)
    step = nice_step(90 / ppf, tl.fps)
    minor = nice_step(8 / ppf, tl.fps)
    p.setPen(QColor(110, 110, 116))
    f0 = a - a % minor
    for f in range(f0, b + 1, minor):
        x = tl.x_of(f)
        p.drawLine(QPointF(x, tl.RULER_H - 5), QPointF(x, tl.RULER_H))
    p.setPen(QColor(200, 200, 205))
    box = playhead_label(p, tl, W, ppf)[1] if tl.n_frames else None
    fm = p.fontMetrics()

    def clear(x: float, text: str, top: float) -> bool:
        r = QRectF(x + 3, top, fm.horizontalAdvance(text), fm.height())
        return box is None or not r.intersects(box.adjusted(-3, 0, 3, 0))
    for f in range(a - a % step, b + 1, step):
        x = tl.x_of(f)
        p.drawLine(QPointF(x, tl.RULER_H - 12), QPointF(x, tl.RULER_H))
        if clear(x, str(f), 11 - fm.ascent()):
            p.drawText(QPointF(x + 3, 11), str(f))
        p.setPen(QColor(140, 140, 150))
        code = timecode(f, tl.fps)
        if clear(x, code, 21 - fm.ascent()):
            p.drawText(QPointF(x + 3, 21), code)
        p.setPen(QColor(200, 200, 205))


def paint_computed(p: QPainter, tl, y: float, W: int, a: int, b: int, ppf: float) -> None:
    """The computed line: green where cached, orange where produced live in this run."""
    p.fillRect(QRectF(0, y, W, tl.COMPUTED_H), QColor(55, 55, 60))
    for frames, color in ((tl.computed, QColor(80, 200, 110)), (tl.live - tl.computed, QColor(240, 160, 60))):
        for s, e in frame_runs(sorted(f for f in frames if a <= f < b)):
            p.fillRect(QRectF(tl.x_of(s), y, max(1.0, (e - s) * ppf), tl.COMPUTED_H), color)


def paint_thumbs(p: QPainter, tl, y: float, W: int, ppf: float) -> list[int]:
    """The thumbnails in view (a slot without its own shows one of the frames it covers);
    returns the frames of the slots that have none."""
    p.fillRect(QRectF(0, y, W, tl.THUMB_H), QColor(38, 38, 42))
    wanted = []
    for f, x, w in tl.thumb_slots():
        img = tl.thumbs.get(f)
        if img is None:
            near = [k for k in tl.thumbs if f <= k < f + max(1, int(round(w / ppf)))]
            img = tl.thumbs.get(near[0]) if near else None
            if img is None:
                wanted.append(f)
        r = QRectF(x + 1, y + 2, max(1.0, w - 2), tl.THUMB_H - 4)
        if img is not None:
            p.drawImage(r, img, QRectF(0, 0, min(img.width(), r.width() * img.height() / r.height()),
                                       img.height()))
        else:
            p.fillRect(r, QColor(50, 50, 56))
    return wanted


def paint_in_out(p: QPainter, tl, io: tuple[int, int] | None, W: int, H: int) -> None:
    """In/out: the range shaded on the ruler (the outside is darkened before the layers), then
    the markers."""
    if io is not None:
        x0, x1 = tl.x_of(io[0]), tl.x_of(io[1])
        p.fillRect(QRectF(0, 0, x0, H), QColor(0, 0, 0, 60))
        p.fillRect(QRectF(x1, 0, W, H), QColor(0, 0, 0, 60))
        p.fillRect(QRectF(x0, 0, x1 - x0, tl.RULER_H), QColor(250, 210, 70, 90))
        p.fillRect(QRectF(x0, tl.RULER_H - 3, x1 - x0, 3), QColor(250, 210, 70, 220))
    p.setPen(QPen(QColor(250, 210, 70), 2))
    if tl.in_point is not None:
        x = tl.x_of(tl.in_point)
        p.drawLine(QPointF(x, 0), QPointF(x, H))
        p.drawText(QPointF(x + 3, H - 3), "I")
    if tl.out_point is not None:
        x = tl.x_of(tl.out_point)
        p.drawLine(QPointF(x, 0), QPointF(x, H))
        p.drawText(QPointF(x - 9, H - 3), "O")


def paint_playhead(p: QPainter, tl, H: int, ppf: float) -> None:
    """The playhead: a band over the current frame, its line, and a label with its timecode."""
    x = tl.x_of(tl.current)
    pw = max(2.0, ppf)
    band = min(pw, 16.0)  # a very short clip zoomed to fit: a narrow band, not a red wash
    p.fillRect(QRectF(x + (pw - band) / 2, 0, band, H), QColor(255, 70, 70, 70))
    p.setPen(QPen(QColor(255, 80, 80), 2))
    p.drawLine(QPointF(x + pw / 2, 0), QPointF(x + pw / 2, H))
    label, box = playhead_label(p, tl, tl.width(), ppf)
    p.fillRect(box, QColor(200, 50, 50))
    p.setPen(QColor(255, 255, 255))
    p.drawText(QPointF(box.left() + 4, 10), label)
