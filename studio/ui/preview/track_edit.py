"""Drawn Tracks' tracks made on the viewer's frame (its 'tracks' keys, issue 57).

A click on empty ground adds a track with one key at the playhead's frame (a press dragged before
its release puts it where the button comes up). A drag on a track's point moves it and keys that
track at the playhead's frame (a click on it without moving selects it). With a track selected,
Delete or Backspace removes its key at this frame (the whole track when it has one key), H hides
it from this frame on, or shows it again. Each gesture is one edit of the parameter, so one undo
step, saved with the graph. The tracks are drawn over the frame: each one's path through its keys,
its keys as small squares, its point at this frame as a dot (hidden: dimmed and dashed). The mask
editor (mask_edit.py) hands the events over, as it does to the polygon (polygon_edit.py)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from studio.core.errors import StudioError
from studio.core.frame_keys import TrackKey, format_track_keys, parse_track_keys, track_at

NEAR = 8.0  # widget pixels: a press this close to a track's point takes that track
COLORS = (QColor(255, 210, 60), QColor(90, 220, 255), QColor(255, 120, 200), QColor(140, 255, 120),
          QColor(255, 150, 70), QColor(190, 150, 255))
DIM = 90  # the alpha of a hidden track
KEYS = (Qt.Key_Delete, Qt.Key_Backspace, Qt.Key_H)
HOW = ("drag a track's point at another frame to key it there; click it and press Delete to remove this frame's "
       "key, H to hide or show it from this frame on")


class TrackEdit:
    """The gestures on one Drawn Tracks node's tracks; ``editor`` is the MaskEditor (the view, the
    frame, the node's parameters, the document edit, the messages)."""

    def __init__(self, editor):
        self.ed = editor
        self.selected: int | None = None  # the track Delete and H act on
        self._drag: tuple[int, QPointF, tuple[float, float]] | None = None  # (track or -1: a new one, start, at start)
        self.live: tuple[float, float] | None = None  # the dragged point

    def reset(self) -> None:
        self.selected = self._drag = self.live = None

    # -- what the node holds ------------------------------------------------------------------
    def tracks(self) -> list[list[TrackKey]] | None:
        """The node's tracks; None when its text cannot be read."""
        try:
            return parse_track_keys(self.ed.params().get("tracks", ""))
        except StudioError:
            return None

    def _write(self, tracks: list[list[TrackKey]], what: str) -> None:
        if self.tracks() is None and self.ed.params().get("tracks", "").strip():
            self.ed.message.emit("the tracks replace 'tracks', which could not be read (Undo brings it back)")
        self.ed.set_param("tracks", format_track_keys(tracks), what)
        frames, frame = self.ed.params().get("frames"), self.ed.current_frame()
        if isinstance(frames, int) and frame >= frames and "remove" not in what:
            self.ed.message.emit(f"frame {frame} is past the node's {frames} 'frames' (0 to {frames - 1}): set "
                                 "'frames' higher, or the run refuses this key")

    def _points(self, tracks) -> list[tuple[float, float, bool]]:
        """Every track at the playhead's frame (the dragged one where the drag has it)."""
        frame = self.ed.current_frame()
        pts = [track_at(t, frame) for t in tracks]
        if self._drag is not None and self.live is not None and self._drag[0] >= 0:
            k = self._drag[0]
            pts[k] = (*self.live, pts[k][2])
        return pts

    def _near(self, pts, pos: QPointF) -> int | None:
        dist = [((self.ed.widget_at(x, y) - pos).manhattanLength(), k) for k, (x, y, _) in enumerate(pts)]
        best = min(dist, default=None)
        return best[1] if best is not None and best[0] <= NEAR else None

    # -- gestures -----------------------------------------------------------------------------
    def event(self, ev) -> bool:
        """One event on the view; True when it was the tracks'."""
        t = ev.type()
        if t in (QEvent.ShortcutOverride, QEvent.KeyPress):
            if ev.key() not in KEYS or ev.modifiers() & ~Qt.KeypadModifier or self._valid_selection() is None:
                return False
            if t == QEvent.ShortcutOverride:
                ev.accept()  # Delete and Backspace come here as key presses, not as the canvas's shortcut
                return True
            self._key(ev.key())
            return True
        if t == QEvent.MouseButtonPress:
            if ev.button() != Qt.LeftButton:
                return False
            fx, fy = self.ed.frac(ev.position())
            if not (0 <= fx <= 1 and 0 <= fy <= 1):
                self.ed.message.emit("that click is outside the frame: click on the picture")
                return True
            self._press(ev.position(), fx, fy)
            return True
        if t == QEvent.MouseMove and self._drag is not None:
            self._move(ev.position())
            return True
        if t == QEvent.MouseButtonRelease and self._drag is not None:
            self._move(ev.position())
            self._release()
            return True
        return False

    def _valid_selection(self) -> int | None:
        tracks = self.tracks()
        if self.selected is None or tracks is None or self.selected >= len(tracks):
            self.selected = None
        return self.selected

    def _press(self, pos: QPointF, fx: float, fy: float) -> None:
        tracks = self.tracks() or []
        pts = self._points(tracks)
        k = self._near(pts, pos)
        if k is None:
            self._drag, self.live, self.selected = (-1, pos, (fx, fy)), (fx, fy), None
        else:
            self._drag, self.live, self.selected = (k, pos, pts[k][:2]), pts[k][:2], k
        self.ed.view.update()

    def _move(self, pos: QPointF) -> None:
        k, start, orig = self._drag
        fx, fy = self.ed.frac(pos)
        sx, sy = self.ed.frac(start)
        x, y = orig[0] + fx - sx, orig[1] + fy - sy
        self.live = (min(1.0, max(0.0, x)), min(1.0, max(0.0, y)))
        self.ed.view.update()

    def _release(self) -> None:
        (k, _, orig), live = self._drag, self.live
        self._drag = self.live = None
        x, y = round(live[0], 4), round(live[1], 4)
        frame = self.ed.current_frame()
        tracks = self.tracks() or []
        if k < 0:
            tracks.append([(frame, x, y, True)])
            self.selected = len(tracks) - 1
            self.ed.message.emit(f"track {len(tracks)} added at frame {frame}: {HOW}")
            self._write(tracks, f"add track {len(tracks)} at frame {frame}")
            return
        if (x, y) == (round(orig[0], 4), round(orig[1], 4)) or k >= len(tracks):
            self.ed.view.update()  # a click on the point: it is selected, nothing moved
            return
        self._set_key(tracks, k, frame, x, y, track_at(tracks[k], frame)[2])
        self._write(tracks, f"move track {k + 1} at frame {frame}")

    @staticmethod
    def _set_key(tracks, k: int, frame: int, x: float, y: float, visible: bool) -> None:
        keys = {q[0]: q for q in tracks[k]}
        keys[frame] = (frame, x, y, visible)
        tracks[k] = sorted(keys.values())

    def _key(self, key) -> None:
        tracks, k, frame = self.tracks(), self.selected, self.ed.current_frame()
        track = tracks[k]
        if key == Qt.Key_H:
            x, y, vis = track_at(track, frame)
            mine = next((q for q in track if q[0] == frame), None)
            if mine is not None:
                x, y = mine[1], mine[2]
            self._set_key(tracks, k, frame, round(x, 4), round(y, 4), not vis)
            self._write(tracks, f"{'hide' if vis else 'show'} track {k + 1} from frame {frame}")
        elif len(track) == 1:
            tracks.pop(k)
            self.selected = None
            self._write(tracks, f"remove track {k + 1}")
        elif any(q[0] == frame for q in track):
            tracks[k] = [q for q in track if q[0] != frame]
            self._write(tracks, f"remove track {k + 1}'s key at frame {frame}")
        else:
            self.ed.message.emit(f"track {k + 1} has no key at frame {frame} (its keys: "
                                 f"{', '.join(str(q[0]) for q in track)}): go to one to remove it")

    # -- drawing ------------------------------------------------------------------------------
    def paint(self, p: QPainter) -> None:
        tracks = self.tracks() or []
        pts = self._points(tracks)
        for k, (keys, (x, y, vis)) in enumerate(zip(tracks, pts)):
            color = QColor(COLORS[k % len(COLORS)])
            if not vis:
                color.setAlpha(DIM)
            p.setBrush(Qt.NoBrush)
            if len(keys) > 1:
                p.setPen(QPen(color, 1.5, Qt.SolidLine if vis else Qt.DashLine))
                p.drawPolyline(QPolygonF([self.ed.widget_at(q[1], q[2]) for q in keys]))
            p.setPen(QPen(QColor(0, 0, 0, color.alpha()), 1))
            p.setBrush(color)
            for q in keys:
                c = self.ed.widget_at(q[1], q[2])
                p.drawRect(int(c.x()) - 2, int(c.y()) - 2, 4, 4)
            c = self.ed.widget_at(x, y)
            p.setPen(QPen(QColor(255, 255, 255) if k == self.selected else QColor(0, 0, 0, color.alpha()),
                          2 if k == self.selected else 1, Qt.SolidLine if vis else Qt.DashLine))
            p.drawEllipse(c, 5, 5)
            p.setPen(QPen(color, 1))
            p.drawText(c + QPointF(7, -7), str(k + 1))
        if self._drag is not None and self._drag[0] < 0 and self.live is not None:
            p.setPen(QPen(QColor(255, 255, 255), 2))
            p.setBrush(COLORS[len(tracks) % len(COLORS)])
            p.drawEllipse(self.ed.widget_at(*self.live), 5, 5)
        p.setBrush(Qt.NoBrush)
