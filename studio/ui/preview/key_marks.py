"""Keyframe marks on the timeline (issue 47): where the keyframes of the generator whose clip is
shown sit, as teal diamonds on the ruler's foot and lines through the thumbnails. Frames are as
the node's 'keyframes' setting writes them (negative: from the clip's end), placed against the
shown clip's length; marks past its end are not drawn. Where the keys can be moved (a camera
path's, issue 75: ``timeline.keys_movable``), a diamond dragged along the ruler moves its key: the
playhead follows it and the timeline's ``keyMoved(from, to)`` says where it went on release."""
from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

KEY_COLOR = QColor(60, 220, 200)
DIAMOND = 6.0  # half the diamond's width, in pixels


def placed(frames, n_frames: int) -> list[int]:
    """The frames of a clip of ``n_frames`` that ``frames`` name, in order, each once."""
    out = {f + n_frames if f < 0 else f for f in frames}
    return sorted(f for f in out if 0 <= f < n_frames)


def set_keyframes(timeline, frames) -> None:
    """Mark the shown generator's keyframes on ``timeline``; () clears them."""
    timeline.keyframes = tuple(int(f) for f in frames)
    timeline.update()


def paint_keyframes(p: QPainter, timeline, y_top: float, y_bottom: float) -> None:
    """A diamond at each keyframe's frame on the ruler's foot and a line down to ``y_bottom``."""
    frames = placed(timeline.keyframes, timeline.n_frames)
    if not frames:
        return
    a, b = timeline.visible_range()
    ppf = timeline.pixels_per_frame()
    p.save()
    p.setRenderHint(QPainter.Antialiasing, True)
    for f in frames:
        if not a <= f <= b:
            continue
        x = timeline.x_of(f) + max(1.0, ppf) / 2
        p.setPen(QPen(QColor(10, 10, 12, 170), 4))  # a dark edge: the line reads over any thumbnail
        p.drawLine(QPointF(x, y_top), QPointF(x, y_bottom))
        p.setPen(QPen(KEY_COLOR, 2))
        p.drawLine(QPointF(x, y_top), QPointF(x, y_bottom))
        p.setPen(QPen(QColor(20, 20, 22), 1))
        p.setBrush(KEY_COLOR)
        p.drawPolygon(QPolygonF([QPointF(x, y_top - DIAMOND), QPointF(x + DIAMOND, y_top),
                                 QPointF(x, y_top + DIAMOND), QPointF(x - DIAMOND, y_top)]))
    p.restore()


GRAB = 7.0  # pixels: a press this close to a diamond takes it


def press_key(timeline, x: float, y: float) -> bool:
    """A press at (x, y) on a movable key's diamond takes it (True); else False."""
    if not timeline.keys_movable or abs(y - (timeline.RULER_H - 3)) > DIAMOND + 3:
        return False
    ppf = timeline.pixels_per_frame()
    near = [(abs(timeline.x_of(f) + max(1.0, ppf) / 2 - x), f) for f in placed(timeline.keyframes, timeline.n_frames)]
    best = min(near, default=None)
    if best is None or best[0] > GRAB:
        return False
    timeline.key_drag = (best[1], best[1])
    timeline.set_current(best[1], emit=True)
    return True


def move_key(timeline, x: float) -> None:
    """The taken key shown at the frame under ``x`` (not onto another key), the playhead with it."""
    start, at = timeline.key_drag
    to = timeline.frame_at(x)
    if to != at and (to == start or to not in timeline.keyframes):
        timeline.keyframes = tuple(to if f == at else f for f in timeline.keyframes)
        timeline.key_drag = (start, to)
        timeline.set_current(to, emit=True)


def release_key(timeline) -> None:
    start, to = timeline.key_drag
    timeline.key_drag = None
    if to != start:
        timeline.keyMoved.emit(start, to)
