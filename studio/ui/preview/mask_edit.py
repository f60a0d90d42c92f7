"""Masks made on the viewer's frame: a Segment node's clicks, Control Mask's keyed shapes.

With a Segment node selected, a click on the frame adds a click at the frame under the playhead
(left: keep; Shift+left or right: leave out); clicking a dot again removes it. With Control Mask
selected (rectangle or ellipse), a drag on empty ground draws the shape at this frame, a drag
inside the shape moves it; either sets the key of this frame; a polygon is clicked point by point
and its points dragged (polygon_edit.py). With Drawn Tracks selected, tracks are clicked and
dragged on the frame (track_edit.py). The dots and the shape are drawn over the frame. Each
gesture is one edit of the node's parameter through the window's document (one undo step, saved
with the graph): the preview never imports the document, it is handed it."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen

from studio.core.errors import StudioError
from studio.core.frame_keys import (FramePrompt, format_prompts, format_shape_keys, parse_prompts,
                                    parse_shape_keys, shape_at)

from . import camera_edit
from .camera_edit import CameraEdit
from .polygon_edit import PolygonEdit
from .track_edit import TrackEdit

SEGMENT, CONTROL_MASK, DRAWN_TRACKS = "preprocess.segment", "control.mask", "motion.drawn_tracks"
CAMERA_PATH = "motion.camera_path"
HANDED = {DRAWN_TRACKS: "tracks", CAMERA_PATH: "camera"}  # the kinds whose gestures a helper takes whole
NEAR = 8.0  # widget pixels: a click this close to a dot removes it


class MaskEditor(QObject):
    message = Signal(str)

    def __init__(self, view, current_frame: Callable[[], int]):
        super().__init__(view)
        self.view, self.current_frame = view, current_frame
        self.doc: Any = None
        self.node_id: str | None = None
        self.kind = ""
        self._drag: tuple[str, QPointF, tuple] | None = None  # (create|move, start, shape at start)
        self._live: tuple[float, float, float, float] | None = None  # the shape while dragging
        self.polygon = PolygonEdit(self)  # Control Mask's polygon
        self.tracks = TrackEdit(self)  # Drawn Tracks' tracks
        self.camera = CameraEdit(self)  # Camera Path's keys
        self.seek: Callable[[int], None] | None = None  # moves the playhead (a camera key moved takes it along)
        view.installEventFilter(self)
        view.overlays.append(self.paint)

    # -- binding ------------------------------------------------------------------------------
    def select(self, node_id: str | None, doc) -> None:
        """The selected node: edit it when it is a Segment or a shaped Control Mask."""
        inst = doc.graph.nodes.get(node_id) if (doc is not None and node_id) else None
        kind = inst.spec.id if inst is not None and inst.spec is not None else ""
        if self.doc is not None and self.doc is not doc:
            self.doc.events.param_changed.disconnect(self._changed)
        if doc is not None and self.doc is not doc:
            doc.events.param_changed.connect(self._changed)
        self.doc = doc
        self.node_id, self.kind = (node_id, kind) if kind in (SEGMENT, CONTROL_MASK, *HANDED) else (None, "")
        self._drag = self._live = None
        self.polygon.reset()
        self.tracks.reset()
        self.camera.reset()
        if self.kind == CAMERA_PATH:
            self.message.emit(camera_edit.SELECTED)
        self.view.update()

    def _changed(self, *_):
        if self.node_id is not None:
            self.view.update()  # an undo, or an edit in the properties panel

    def params(self) -> dict:
        n = self.doc.graph.nodes.get(self.node_id) if self.doc is not None and self.node_id else None
        return dict(n.params) if n is not None else {}

    @property
    def active(self) -> bool:
        if self.node_id is None or self.view.image is None:
            return False
        if self.kind in (SEGMENT, *HANDED):
            return True
        return self.params().get("source") in ("rectangle", "ellipse", "polygon")

    @property
    def moves_keys(self) -> bool:
        """Whether the timeline's key diamonds move this node's keys (a camera path's)."""
        return self.kind == CAMERA_PATH

    def key_moved(self, start: int, to: int) -> None:
        """A key's diamond dragged on the timeline from ``start`` to ``to``."""
        if self.kind == CAMERA_PATH:
            self.camera.move(start, to)

    @property
    def on_polygon(self) -> bool:
        return self.kind == CONTROL_MASK and self.params().get("source") == "polygon"

    def set_param(self, name: str, value: str, what: str) -> None:
        self.doc.set_params(self.node_id, {name: value}, what)

    # -- geometry -----------------------------------------------------------------------------
    def frac(self, pos: QPointF) -> tuple[float, float]:
        ip = self.view.to_image(pos)
        w, h = self.view.image_size()
        return ip.x() / w, ip.y() / h

    def widget_at(self, fx: float, fy: float) -> QPointF:
        w, h = self.view.image_size()
        return self.view.to_widget(fx * w, fy * h)

    def prompts(self) -> dict[int, FramePrompt]:
        try:
            return parse_prompts(self.params().get("prompts", ""))
        except StudioError:
            return {}

    def shape(self) -> tuple[float, float, float, float] | None:
        if self._live is not None:
            return self._live
        try:
            return shape_at(parse_shape_keys(self.params().get("shape_keys", "")), self.current_frame())
        except StudioError:
            return None

    # -- gestures -----------------------------------------------------------------------------
    def eventFilter(self, obj, ev):  # noqa: N802 - Qt's name
        t = ev.type()
        if obj is self.view and self.kind in HANDED and self.active:
            middle = t in (QEvent.MouseButtonPress, QEvent.MouseButtonDblClick) and ev.button() == Qt.MiddleButton
            return not middle and getattr(self, HANDED[self.kind]).event(ev)  # the middle button still pans
        if obj is not self.view or t not in (QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.MouseButtonRelease,
                                             QEvent.MouseButtonDblClick, QEvent.KeyPress) or not self.active:
            return False
        if t in (QEvent.MouseButtonPress, QEvent.MouseButtonDblClick) and ev.button() == Qt.MiddleButton:
            return False  # the middle button still pans
        if t in (QEvent.MouseButtonDblClick, QEvent.KeyPress):
            return self.on_polygon and self.polygon.event(ev, None, None)
        if t == QEvent.MouseButtonPress:
            fx, fy = self.frac(ev.position())
            if not (0 <= fx <= 1 and 0 <= fy <= 1):
                self.message.emit("that click is outside the frame: click on the picture")
                return True
            if self.on_polygon:
                return ev.button() == Qt.LeftButton and self.polygon.event(ev, fx, fy)
            if self.kind == SEGMENT:
                negative = ev.button() == Qt.RightButton or bool(ev.modifiers() & Qt.ShiftModifier)
                self._click(ev.position(), fx, fy, not negative)
            else:
                self._press_shape(ev.position(), fx, fy)
            return True
        if self.on_polygon:
            return self.polygon.event(ev, None, None)
        if t == QEvent.MouseMove and self._drag is not None:
            self._move_shape(ev.position())
            return True
        if t == QEvent.MouseButtonRelease and self._drag is not None:
            self._move_shape(ev.position())  # where the button came up
            self._release_shape()
            return True
        return False

    def _click(self, pos: QPointF, fx: float, fy: float, positive: bool) -> None:
        frame = self.current_frame()
        prompts = self.prompts()
        fp = prompts.setdefault(frame, FramePrompt())
        hit = next((k for k, (x, y, _) in enumerate(fp.points)
                    if (self.widget_at(x, y) - pos).manhattanLength() <= NEAR), None)
        if hit is not None:
            fp.points.pop(hit)
            what = f"remove click at frame {frame}"
        else:
            fp.points.append((round(fx, 4), round(fy, 4), positive))
            what = f"{'keep' if positive else 'leave-out'} click at frame {frame}"
        self.set_param("prompts", format_prompts(prompts), what)

    def _press_shape(self, pos: QPointF, fx: float, fy: float) -> None:
        s = self.shape()
        inside = s is not None and abs(fx - s[0]) <= s[2] / 2 and abs(fy - s[1]) <= s[3] / 2
        self._drag = ("move" if inside else "create", pos, s if inside else (fx, fy))
        self._live = s if inside else (fx, fy, 0.0, 0.0)

    def _move_shape(self, pos: QPointF) -> None:
        kind, start, orig = self._drag
        fx, fy = self.frac(pos)
        sx, sy = self.frac(start)
        if kind == "move":
            self._live = (orig[0] + fx - sx, orig[1] + fy - sy, orig[2], orig[3])
        else:
            fx, fy = min(1.0, max(0.0, fx)), min(1.0, max(0.0, fy))
            self._live = ((fx + orig[0]) / 2, (fy + orig[1]) / 2, abs(fx - orig[0]), abs(fy - orig[1]))
        self.view.update()

    def _release_shape(self) -> None:
        kind, live = self._drag[0], self._live
        self._drag = self._live = None
        w, h = self.view.image_size()
        if live is None or (kind == "create" and (live[2] * w < 2 or live[3] * h < 2)):
            self.view.update()
            return
        frame = self.current_frame()
        try:
            keys = dict(parse_shape_keys(self.params().get("shape_keys", "")))
        except StudioError:
            keys = {}
        keys[frame] = tuple(round(v, 4) for v in live)
        self.set_param("shape_keys", format_shape_keys(list(keys.items())),
                       f"{'move' if kind == 'move' else 'draw'} the mask at frame {frame}")

    # -- drawing ------------------------------------------------------------------------------
    def paint(self, p: QPainter) -> None:
        if not self.active:
            return
        if self.kind == SEGMENT:
            fp = self.prompts().get(self.current_frame())
            if fp is None:
                return
            if fp.box is not None:
                a, b = self.widget_at(*fp.box[:2]), self.widget_at(*fp.box[2:])
                p.setPen(QPen(QColor(80, 200, 255), 2, Qt.DashLine))
                p.drawRect(QRectF(a, b))
            for x, y, pos in fp.points:
                p.setPen(QPen(QColor(0, 0, 0), 1.5))
                p.setBrush(QColor(60, 220, 90) if pos else QColor(235, 60, 60))
                p.drawEllipse(self.widget_at(x, y), 6, 6)
            p.setBrush(Qt.NoBrush)
            return
        if self.on_polygon:
            self.polygon.paint(p)
            return
        if self.kind in HANDED:
            getattr(self, HANDED[self.kind]).paint(p)
            return
        s = self.shape()
        if s is None:
            return
        a, b = self.widget_at(s[0] - s[2] / 2, s[1] - s[3] / 2), self.widget_at(s[0] + s[2] / 2, s[1] + s[3] / 2)
        p.setPen(QPen(QColor(255, 210, 60), 2))
        p.setBrush(Qt.NoBrush)
        if self.params().get("source") == "ellipse":
            p.drawEllipse(QRectF(a, b))
        else:
            p.drawRect(QRectF(a, b))
