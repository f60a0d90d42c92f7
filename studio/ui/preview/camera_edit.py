"""Camera Path keyed by hand on the viewer (issue 75, item 4), as a camera is keyed in Nuke or After
Effects: with the node selected the viewer shows its path as a clip (the view through the camera at
the playhead's frame above the path seen from above and from the front); scrub to a frame and drag
on the picture to key the camera there, the scene following the mouse:

- drag: pan and tilt; Shift+drag: truck (sideways and up); right drag or the wheel: dolly (in and
  out); Ctrl+drag: roll about the lens;
- S keys this frame where the path has the camera now; Delete or Backspace removes this frame's key;
  Alt+Left / Alt+Right move this frame's key a frame (Shift: ten), the playhead going with it; a
  key's diamond dragged along the timeline's ruler moves it there (key_marks.py).

While a drag lasts the picture it makes is drawn over the frame (the same lines the node draws:
studio.core.camera_keys), and its release is one edit of 'poses' (one undo step, saved with the
graph); the viewer then shows the new path. A preset becomes its two keys on the first gesture
(the same path, now 'Custom'). Frame 0 is the start picture's camera, which every pose is taken
from, so it is not keyed. The keys are marked on the timeline (window/key_marks.py). The mask
editor (mask_edit.py) hands the events over, as it does to Drawn Tracks (track_edit.py)."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from studio.core import camera_keys as ck
from studio.core.errors import StudioError

HOW = ("drag: pan/tilt · Shift: truck · Ctrl: roll · right drag, wheel: dolly · S: key · Delete: remove key · "
       "Alt+←/→: move key")
SELECTED = "drag on the picture to key the camera at this frame"  # said when the node is selected
LIVE = QColor(255, 210, 60)
WHEEL_STEP = 0.05  # a wheel notch dollies this fraction of a frame's height's drag (0.2 units)
KEY_KEYS = (Qt.Key_S, Qt.Key_Delete, Qt.Key_Backspace, Qt.Key_Left, Qt.Key_Right)


class CameraEdit:
    """The gestures on one Camera Path node's keys; ``editor`` is the MaskEditor (the view, the frame,
    the node's parameters, the document edit, the messages)."""

    def __init__(self, editor):
        self.ed = editor
        self._drag: tuple[str, QPointF, tuple[np.ndarray, np.ndarray]] | None = None  # (mode, start, pose at start)
        self.live: tuple[np.ndarray, np.ndarray] | None = None  # the dragged pose
        self.hover = False  # the pointer over the view: what the gestures do is written over the picture

    def reset(self) -> None:
        self._drag = self.live = None
        self.hover = False

    # -- what the node holds ------------------------------------------------------------------
    def _get(self, name: str, default):
        return self.ed.params().get(name, default)

    def keys(self) -> list | None:
        """The node's keys as a custom path: a preset's two keys; None when 'poses' cannot be read."""
        if self._get("preset", ck.CUSTOM) != ck.CUSTOM:
            return ck.preset_keys(self._get("preset", "Static"), float(self._get("speed", 1.0)),
                                  int(self._get("frames", 81)))
        try:
            return ck.parse_keys(self._get("poses", "[]"))
        except StudioError:
            return None

    @property
    def smooth(self) -> bool:
        return self._get("interpolation", ck.SMOOTH) != ck.LINEAR

    def lens(self) -> tuple[float, float, float, float]:
        return tuple(float(self._get(k, 0.5)) for k in ("fx", "fy", "cx", "cy"))  # type: ignore[return-value]

    def _write(self, keys: list, what: str, merge: bool = False) -> None:
        """The keys as 'poses', one undo step; a preset is made 'Custom' in the same step. ``merge``:
        the wheel's notches in a row make one step, as a slider's drag does."""
        doc, nid = self.ed.doc, self.ed.node_id
        text = ck.format_keys(keys)
        if self._get("preset", ck.CUSTOM) == ck.CUSTOM and merge:
            doc.set_param(nid, "poses", text)
        elif self._get("preset", ck.CUSTOM) == ck.CUSTOM:
            self.ed.set_param("poses", text, what)
        else:
            preset = self._get("preset", "")
            doc.undo_stack.beginMacro(what)
            doc.set_param(nid, "preset", ck.CUSTOM)  # its title follows, as when chosen in Properties
            doc.set_params(nid, {"poses": text}, what)
            doc.undo_stack.endMacro()
            self.ed.message.emit(f"the {preset} preset is now keys you can move ('Custom'): Undo brings it back")
        frames, frame = self._get("frames", 0), self.ed.current_frame()
        if isinstance(frames, int) and frame >= frames:
            self.ed.message.emit(f"frame {frame} is past the node's {frames} 'frames' (0 to {frames - 1}): set "
                                 "'frames' higher, or the path holds before this key")

    def _frac(self, pos: QPointF) -> tuple[float, float]:
        """``pos`` in fractions of the view through the camera (the top of the node's preview)."""
        fx, fy = self.ed.frac(pos)
        return fx, fy * ck.PREVIEW_H / ck.VIEW_H

    def _widget(self, u: float, v: float) -> QPointF:
        return self.ed.widget_at(u, v * ck.VIEW_H / ck.PREVIEW_H)

    def _editable(self) -> list | None:
        """The keys when this frame can be keyed, else None (said)."""
        keys = self.keys()
        if keys is None:
            self.ed.message.emit("'poses' cannot be read: fix it in Properties (or Undo) to key on the viewer")
            return None
        if self.ed.current_frame() == 0:
            self.ed.message.emit("frame 0 is the start picture's camera, which every pose is seen from: go to a "
                                 "later frame to key the camera there")
            return None
        return keys

    # -- gestures -----------------------------------------------------------------------------
    def event(self, ev) -> bool:
        """One event on the view; True when it was the camera's."""
        t = ev.type()
        if t in (QEvent.Enter, QEvent.Leave):
            self.hover = t == QEvent.Enter
            self.ed.view.update()
            return False
        if t in (QEvent.ShortcutOverride, QEvent.KeyPress):
            return self._key_event(ev, t)
        if t == QEvent.Wheel:
            notches = ev.angleDelta().y() / 120.0
            keys = self._editable() if notches else None
            if keys is not None:
                pose = ck.pose_at(keys, self.ed.current_frame(), self.smooth)
                pose = ck.dragged(*pose, "dolly", dy=-notches * WHEEL_STEP, fx=self.lens()[0], fy=self.lens()[1])
                self._commit(keys, pose, "dolly", merge=True)
            return True
        if t in (QEvent.MouseButtonPress, QEvent.MouseButtonDblClick):
            if ev.button() not in (Qt.LeftButton, Qt.RightButton):
                return False
            u, v = self.ed.frac(ev.position())
            if not (0 <= u <= 1 and 0 <= v <= 1):
                self.ed.message.emit("that press is outside the picture: drag on the view through the camera")
                return True
            keys = self._editable()
            if keys is None:
                return True
            mods = ev.modifiers()
            mode = "dolly" if ev.button() == Qt.RightButton else "roll" if mods & Qt.ControlModifier else \
                "truck" if mods & Qt.ShiftModifier else "pan"
            self._drag = (mode, ev.position(), ck.pose_at(keys, self.ed.current_frame(), self.smooth))
            self.live = self._drag[2]
            return True
        if t == QEvent.MouseMove and self._drag is not None:
            self._move(ev.position())
            return True
        if t == QEvent.MouseButtonRelease and self._drag is not None:
            self._move(ev.position())
            self._release()
            return True
        return False

    def _move(self, pos: QPointF) -> None:
        mode, start, pose = self._drag
        (u0, v0), (u1, v1) = self._frac(start), self._frac(pos)
        c = self._widget(0.5, 0.5)
        a0 = math.atan2(start.y() - c.y(), start.x() - c.x())
        a1 = math.atan2(pos.y() - c.y(), pos.x() - c.x())
        turn = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi
        fx, fy = self.lens()[:2]
        self.live = ck.dragged(*pose, mode, dx=u1 - u0, dy=v1 - v0, turn=turn, fx=fx, fy=fy)
        self.ed.view.update()

    def _release(self) -> None:
        mode, _, pose = self._drag
        live = self.live
        self._drag = self.live = None
        self.ed.view.update()
        if live is None or (np.allclose(live[0], pose[0], atol=1e-4) and np.allclose(live[1], pose[1], atol=1e-3)):
            return  # a click: nothing moved
        keys = self.keys()
        if keys is not None:
            self._commit(keys, live, mode)

    def _commit(self, keys: list, pose, mode: str, merge: bool = False) -> None:
        frame = self.ed.current_frame()
        if not keys:  # the first key: the path starts where the start picture was taken
            keys = [(0, np.zeros(3), np.zeros(3))]
        new = ck.set_key(keys, frame, np.round(pose[0], 4), np.round(pose[1], 3))
        self._write(new, f"{mode} the camera at frame {frame}", merge)

    def _key_event(self, ev, t) -> bool:
        key, mods = ev.key(), ev.modifiers() & ~Qt.KeypadModifier
        arrows = key in (Qt.Key_Left, Qt.Key_Right)
        if key not in KEY_KEYS or (arrows and not mods & Qt.AltModifier) \
                or (not arrows and mods) or (arrows and mods & ~(Qt.AltModifier | Qt.ShiftModifier)):
            return False
        if t == QEvent.ShortcutOverride:
            ev.accept()  # these keys are the camera's while the viewer has the focus
            return True
        frame = self.ed.current_frame()
        keys = self.keys()
        if keys is None:
            self.ed.message.emit("'poses' cannot be read: fix it in Properties (or Undo) to key on the viewer")
            return True
        mine = any(k[0] == frame for k in keys)
        if key != Qt.Key_S and self._get("preset", ck.CUSTOM) != ck.CUSTOM:
            self.ed.message.emit(f"the {self._get('preset', '')} preset has no keys to remove or move: drag on the "
                                 "picture or press S to make it keys")
        elif key == Qt.Key_S:
            if self._editable() is not None:
                self._commit(keys, ck.pose_at(keys, frame, self.smooth), "key")
        elif not mine:
            where = ", ".join(str(k[0]) for k in keys) or "none yet"
            self.ed.message.emit(f"no camera key at frame {frame} (keys at: {where}): go to one first")
        elif arrows:
            step = (10 if mods & Qt.ShiftModifier else 1) * (1 if key == Qt.Key_Right else -1)
            to = max(0, frame + step)
            if to == frame:
                return True
            seek = getattr(self.ed, "seek", None)
            if seek is not None:
                seek(to)  # first: the edit below makes the viewer read the path again
            self._write(ck.move_key(keys, frame, to), f"move the camera key at frame {frame} to {to}")
        else:
            self._write([k for k in keys if k[0] != frame], f"remove the camera key at frame {frame}")
        return True

    def move(self, start: int, to: int) -> None:
        """This path's key at ``start`` moved to ``to`` (its diamond dragged on the timeline)."""
        keys = self.keys()
        if keys is None or self._get("preset", ck.CUSTOM) != ck.CUSTOM or not any(k[0] == start for k in keys):
            return
        self._write(ck.move_key(keys, start, to), f"move the camera key at frame {start} to {to}")

    # -- drawing ------------------------------------------------------------------------------
    def paint(self, p: QPainter) -> None:
        """The dragged pose's picture over the frame; what the gestures do while the pointer is over it."""
        keys = self.keys()
        if self.live is not None and keys is not None:
            c2w = ck.seen_from_start(keys if keys else [(0, np.zeros(3), np.zeros(3))], *self.live, self.smooth)
            segs, kinds = ck.picture_lines(c2w, *self.lens())
            p.save()
            p.setRenderHint(QPainter.Antialiasing, True)
            a, b = self._widget(0, 0), self._widget(1, 1)
            p.setClipRect(QRectF(a, b))
            for (s, e), kind in zip(segs, kinds):
                if kind == ck.FLOOR:
                    continue
                p.setPen(QPen(LIVE, 2.0 if kind == ck.BORDER else 1.0))
                p.drawLine(self._widget(*s), self._widget(*e))
            p.restore()
        a, b = self._widget(0, 1), self._widget(1, 1)
        width = b.x() - a.x() - 12
        if width < 40 or not self.hover or self._drag is not None:
            return  # the hint only while the pointer is over the picture, out of the way of a drag
        box = p.fontMetrics().boundingRect(QRect(0, 0, int(width), 400), Qt.TextWordWrap, HOW)
        rect = QRectF(a.x(), a.y() - box.height() - 6, b.x() - a.x(), box.height() + 6)
        p.fillRect(rect, QColor(0, 0, 0, 160))  # what the gestures do, wrapped to the picture's width
        p.setPen(QColor(230, 230, 230))
        p.drawText(rect.adjusted(6, 3, -6, -3), Qt.TextWordWrap | Qt.AlignLeft | Qt.AlignVCenter, HOW)
