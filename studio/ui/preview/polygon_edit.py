"""Control Mask's polygon drawn and edited on the viewer's frame (its 'polygon_keys').

Drawing: with no polygon yet, or a click on empty ground, each click adds a point; clicking the
first point again, a double-click or Enter closes the polygon (Backspace takes back the last
point, Esc drops the drawing). The closed polygon is the key of the playhead's frame when it has
as many points as the other keys; a polygon of another count replaces them, and says so (every
key of one polygon has the same points, each moving from key to key).
Editing: a drag on a point moves that point, a drag inside the polygon moves it whole; either
sets the key of this frame. Each closed polygon and each drag is one edit of the parameter, so
one undo step, saved with the graph. The mask editor (mask_edit.py) hands the events over."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from studio.core.errors import StudioError
from studio.core.frame_keys import MIN_POLYGON, Polygon, format_polygon_keys, parse_polygon_keys, polygon_at

NEAR = 8.0  # widget pixels: a press this close to a point takes that point
COLOR, DRAFT = QColor(255, 210, 60), QColor(120, 220, 255)
HOW = ("polygon: click its points on the frame; click the first point again, double-click or press "
       "Enter to close it (Backspace: take back a point, Esc: drop it)")


class PolygonEdit:
    """The gestures on one Control Mask's polygon; ``editor`` is the MaskEditor (the view, the
    frame, the node's parameters, the document edit, the messages)."""

    def __init__(self, editor):
        self.ed = editor
        self.draft: list[tuple[float, float]] | None = None  # the points clicked so far
        self.hover: QPointF | None = None  # the pointer while drawing: the next edge follows it
        self._drag: tuple[str, int, QPointF, Polygon] | None = None  # (point|move, index, start, at start)
        self.live: Polygon | None = None  # the polygon while dragging

    def reset(self) -> None:
        self.draft = self.hover = self._drag = self.live = None

    # -- what the node holds ------------------------------------------------------------------
    def keys(self) -> list[tuple[int, Polygon]]:
        try:
            return parse_polygon_keys(self.ed.params().get("polygon_keys", ""))
        except StudioError:
            return []

    def polygon(self) -> Polygon | None:
        """The polygon drawn at the playhead's frame (while dragging: where the drag has it)."""
        if self.live is not None:
            return self.live
        keys = self.keys()
        return polygon_at(keys, self.ed.current_frame()) if keys else None

    def _on_screen(self, pts) -> QPolygonF:
        return QPolygonF([self.ed.widget_at(x, y) for x, y in pts])

    def _near(self, pts, pos: QPointF) -> int | None:
        """The point of ``pts`` under ``pos`` (the nearest within NEAR widget pixels), or None."""
        dist = [((self.ed.widget_at(x, y) - pos).manhattanLength(), k) for k, (x, y) in enumerate(pts)]
        best = min(dist, default=None)
        return best[1] if best is not None and best[0] <= NEAR else None

    # -- gestures -----------------------------------------------------------------------------
    def event(self, ev, fx: float | None, fy: float | None) -> bool:
        """One event on the view (``fx``, ``fy``: a press's place as fractions of the frame);
        True when it was the polygon's."""
        t = ev.type()
        if t == QEvent.KeyPress:
            return self._key(ev.key())
        if t == QEvent.MouseButtonDblClick:
            if self.draft is None:
                return False  # no drawing: the view's own double-click (fit)
            fx, fy = self.ed.frac(ev.position())
            if 0 <= fx <= 1 and 0 <= fy <= 1 and self._near(self.draft[-1:], ev.position()) is None:
                self.draft.append((round(fx, 4), round(fy, 4)))  # its press came as the double-click alone
            self._close()
            self.ed.view.update()
            return True
        if t == QEvent.MouseButtonPress:
            self._press(ev.position(), fx, fy)
            return True
        if t == QEvent.MouseMove:
            if self._drag is not None:
                self._move(ev.position())
                return True
            if self.draft is not None:
                self.hover = ev.position()
                self.ed.view.update()
            return False  # the view still reads out the pixel under the pointer
        if t == QEvent.MouseButtonRelease and self._drag is not None:
            self._move(ev.position())
            self._release()
            return True
        return False

    def _key(self, key) -> bool:
        if self.draft is None:
            return False
        if key in (Qt.Key_Return, Qt.Key_Enter):
            self._close()
        elif key == Qt.Key_Escape:
            self.draft = self.hover = None
            self.ed.message.emit("polygon dropped")
        elif key == Qt.Key_Backspace:
            self.draft.pop()
            if not self.draft:
                self.draft = self.hover = None
        else:
            return False
        self.ed.view.update()
        return True

    def _press(self, pos: QPointF, fx: float, fy: float) -> None:
        if self.draft is not None:
            if len(self.draft) >= MIN_POLYGON and self._near(self.draft[:1], pos) == 0:
                self._close()
            elif self._near(self.draft[-1:], pos) is None:  # a second press on the last point adds nothing
                self.draft.append((round(fx, 4), round(fy, 4)))
            self.ed.view.update()
            return
        poly = self.polygon()
        if poly is not None:
            k = self._near(poly, pos)
            if k is not None:
                self._drag = ("point", k, pos, poly)
            elif self._on_screen(poly).containsPoint(pos, Qt.OddEvenFill):
                self._drag = ("move", -1, pos, poly)
            if self._drag is not None:
                self.live = poly
                return
        self.draft, self.hover = [(round(fx, 4), round(fy, 4))], pos
        self.ed.message.emit(HOW)
        self.ed.view.update()

    def _move(self, pos: QPointF) -> None:
        kind, k, start, orig = self._drag
        fx, fy = self.ed.frac(pos)
        sx, sy = self.ed.frac(start)
        if kind == "move":
            self.live = tuple((x + fx - sx, y + fy - sy) for x, y in orig)
        else:
            self.live = orig[:k] + ((min(1.0, max(0.0, fx)), min(1.0, max(0.0, fy))),) + orig[k + 1:]
        self.ed.view.update()

    def _release(self) -> None:
        kind, k, _, orig = self._drag
        live, self._drag, self.live = self.live, None, None
        if live is None or live == orig:
            self.ed.view.update()
            return
        frame = self.ed.current_frame()
        keys = dict(self.keys())
        keys[frame] = tuple((round(x, 4), round(y, 4)) for x, y in live)
        what = f"move point {k + 1} of the polygon" if kind == "point" else "move the polygon"
        self.ed.set_param("polygon_keys", format_polygon_keys(list(keys.items())), f"{what} at frame {frame}")

    def _close(self) -> None:
        pts = tuple(self.draft)
        if len(pts) < MIN_POLYGON:
            self.ed.message.emit(f"a polygon needs {MIN_POLYGON} points or more: {len(pts)} so far")
            return
        self.draft = self.hover = None
        frame = self.ed.current_frame()
        keys = dict(self.keys())
        other = sorted(f for f, p in keys.items() if len(p) != len(pts) and f != frame)
        if other:
            n = len(keys[other[0]])
            self.ed.message.emit(f"the new polygon has {len(pts)} points and the keys at frame(s) "
                                 f"{', '.join(map(str, other))} had {n}: they are replaced (every key of a polygon "
                                 "has the same points; Undo brings them back)")
            keys = {}
        elif not keys and self.ed.params().get("polygon_keys", "").strip():
            self.ed.message.emit("the polygon replaces 'polygon_keys', which could not be read (Undo brings it back)")
        keys[frame] = pts
        self.ed.set_param("polygon_keys", format_polygon_keys(list(keys.items())),
                          f"draw a polygon of {len(pts)} points at frame {frame}")

    # -- drawing ------------------------------------------------------------------------------
    def paint(self, p: QPainter) -> None:
        p.setBrush(Qt.NoBrush)
        poly = self.polygon()
        if poly is not None:
            p.setPen(QPen(COLOR, 2))
            p.drawPolygon(self._on_screen(poly))
            self._handles(p, poly, COLOR)
        if self.draft is not None:
            line = self._on_screen(self.draft)
            if self.hover is not None:
                line.append(self.hover)
            p.setPen(QPen(DRAFT, 2, Qt.DashLine))
            p.drawPolyline(line)
            self._handles(p, self.draft, DRAFT)
            p.setPen(QPen(DRAFT, 2))
            p.drawEllipse(self.ed.widget_at(*self.draft[0]), NEAR, NEAR)  # click here to close

    def _handles(self, p: QPainter, pts, color: QColor) -> None:
        p.setPen(QPen(QColor(0, 0, 0), 1))
        p.setBrush(color)
        for x, y in pts:
            c = self.ed.widget_at(x, y)
            p.drawRect(int(c.x()) - 3, int(c.y()) - 3, 6, 6)
        p.setBrush(Qt.NoBrush)
