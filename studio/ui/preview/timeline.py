"""The timeline: a ruler with frame numbers and timecode, a line of computed frames, a strip of
thumbnails, an audio-features strip (loudness, onsets, beats), an audio waveform, in and out
points and a playhead.

Keys: Left/Right one frame (Shift: ten), Home/End, Space play/pause, J/K/L shuttle, I/O set
the in/out points (Alt+I / Alt+O / X clear them). Wheel scrolls, Ctrl+wheel zooms about the
cursor; click or drag anywhere to move the playhead; drag an in or out marker (the yellow
lines; the cursor turns into a double arrow over them) to move it.

The audio-features strip appears under the thumbnails only while features are set
(:meth:`Timeline.set_audio_features`): one value per video frame, so frame ``t`` of the
features sits exactly under frame ``t`` of the ruler. Loudness (dB) is drawn as a filled
curve scaled to its loudest 60 dB; onsets are short orange ticks from the top, beats tall
light-blue ticks. The preview fills it from an Audio Encoder's extras, or by analysing the
shown Audio value or a clip's sound in the background.

The widget holds no clip: it shows what it is told (length, fps, audio, computed frames,
thumbnails) and asks for thumbnails of the slots it shows through ``thumbnailsWanted``.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from studio.ui.preview import key_marks
from studio.ui.preview.key_marks import paint_keyframes
from studio.ui.preview.pixels import sound_overview
from studio.ui.preview.qimages import qimage_rgba
from studio.ui.preview.stale import paint_stale
from studio.ui.preview.timeline_paint import (paint_computed, paint_in_out, paint_playhead, paint_ruler,
                                             paint_thumbs)


class Timeline(QWidget):
    seeked = Signal(int)  # the user moved the playhead
    inOutChanged = Signal(object)  # (a, b) or None
    playToggled = Signal()
    shuttle = Signal(str)  # "J", "K" or "L"
    thumbnailsWanted = Signal(list)  # frame indices of visible slots without a thumbnail
    viewChanged = Signal()
    keyMoved = Signal(int, int)  # a movable key's diamond dragged from one frame to another (key_marks.py)

    RULER_H = 26
    COMPUTED_H = 5
    THUMB_H = 54
    FEAT_H = 30
    WAVE_H = 44
    MARKER_GRAB = 5  # pixels either side of an in/out marker that grab it
    ONSET_COLOR = QColor(255, 150, 40)
    BEAT_COLOR = QColor(120, 210, 255)
    LOUD_COLOR = QColor(150, 120, 230)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.StrongFocus)
        # the waveform may shrink to half its height in a small window (it takes any spare room)
        self.setMinimumHeight(self.RULER_H + self.COMPUTED_H + self.THUMB_H + self.WAVE_H // 2 + 8)
        self.n_frames = 0
        self.fps = 24.0
        self.current = 0
        self.in_point: int | None = None
        self.out_point: int | None = None  # exclusive
        self.ppf: float | None = None  # pixels per frame; None = fit the whole clip
        self.first = 0.0  # first visible frame when zoomed
        self.computed: set[int] = set()
        self.live: set[int] = set()
        self.stale = ""  # what the strip says while it shows the last run's clip (preview/live.py)
        self.waiting = ""  # what the empty strip says while a run makes its clip (preview/live.py), not "no clip"
        self.thumbs: dict[int, QImage] = {}
        self.aspect = 16 / 9
        self._audio_lo: np.ndarray | None = None
        self._audio_hi: np.ndarray | None = None
        self._audio_bins_per_frame = 1
        self._dragging = False
        self._drag_marker: str | None = None  # "in" / "out" while one is dragged
        self._last_wanted: list[int] = []
        self.loudness: np.ndarray | None = None  # [n_frames] in [0, 1] (scaled dB)
        self.loudness_db: np.ndarray | None = None
        self.onsets: np.ndarray | None = None  # frame indices
        self.beats: np.ndarray | None = None
        self.features_source = ""
        self.keyframes: tuple[int, ...] = ()  # the shown generator's keyframes (negative: from the end)
        self.keys_movable = False  # whether their diamonds can be dragged (a camera path's keys)
        self.key_drag: tuple[int, int] | None = None  # (the key's frame, where it is dragged)
        self.setMouseTracking(True)
        self.setToolTip("Left/Right: step (Shift: 10)  Home/End  Space: play  J/K/L: shuttle  "
                        "I/O: in/out (X clears; drag the markers)  Ctrl+wheel: zoom")

    # -- model ----------------------------------------------------------------------------
    def set_clip(self, n_frames: int, fps: float, width: int = 16, height: int = 9, audio=None,
                 keep_live: bool = False) -> None:
        """A clip of ``n_frames``; ``keep_live`` keeps the live frames, their thumbnails and the
        playhead (a run's clip that grew while it ran)."""
        live, thumbs, cur = self.live, self.thumbs, self.current
        self.n_frames = max(0, int(n_frames))
        self.waiting = ""
        self.fps = float(fps) if fps and fps > 0 else 24.0
        self.aspect = max(0.2, min(5.0, width / max(1, height)))
        self.current = min(self.current, max(0, self.n_frames - 1))
        self.computed = set()
        self.reset_live()
        self._last_wanted = []
        if self.n_frames:  # no clip yet: points restored from a graph wait for one
            if self.in_point is not None and self.in_point >= self.n_frames:
                self.in_point = None
            if self.out_point is not None and self.out_point > self.n_frames:
                self.out_point = None
        self.set_audio(audio)
        self.set_audio_features(None)
        if keep_live:
            self.live, self.thumbs, self.current = set(live), dict(thumbs), cur
        self.update()

    def reset_live(self) -> None:
        """Forget the frames a run showed live (and their thumbnails)."""
        self.live = set()
        self.thumbs = {}

    def set_audio_features(self, loudness_db=None, onset=None, beat=None, source: str = "") -> None:
        """Per-frame audio features for the strip under the thumbnails (None clears it).

        ``loudness_db``: [T] loudness in dB; ``onset`` / ``beat``: [T] 0/1 flags, or None.
        Arrays are cut or padded to the clip's length (frame t of the features = frame t)."""
        def per_frame(x):
            if x is None:
                return None
            a = x.detach().float().cpu().numpy() if hasattr(x, "detach") else np.asarray(x, np.float32)
            a = np.nan_to_num(a.astype(np.float32).reshape(-1), nan=0.0, posinf=0.0, neginf=0.0)
            n = self.n_frames
            return a[:n] if a.size >= n else np.pad(a, (0, n - a.size))

        loud, on, be = per_frame(loudness_db), per_frame(onset), per_frame(beat)
        if loud is None and on is None and be is None or self.n_frames == 0:
            self.loudness = self.loudness_db = self.onsets = self.beats = None
            self.features_source = ""
        else:
            self.loudness_db = loud
            if loud is not None and loud.size:
                hi = float(loud.max())
                lo = max(float(loud.min()), hi - 60.0)
                self.loudness = np.clip((loud - lo) / max(hi - lo, 1e-6), 0, 1)
            else:
                self.loudness = None
            self.onsets = np.flatnonzero(on > 0.5) if on is not None else None
            self.beats = np.flatnonzero(be > 0.5) if be is not None else None
            self.features_source = source
        # the minimum height stays as it is: the waveform gives the strip its room, so the
        # Timeline dock does not grow after the first run (issue 15: the layout holds still)
        self.update()

    @property
    def has_audio_features(self) -> bool:
        return self.loudness is not None or self.onsets is not None or self.beats is not None

    def features_rect(self) -> QRectF | None:
        """Where the audio-features strip is painted (None when there is none)."""
        if not self.has_audio_features:
            return None
        y = self.RULER_H + self.COMPUTED_H + 2 + self.THUMB_H + 2
        return QRectF(0, y, self.width(), self.FEAT_H)

    def set_audio(self, audio) -> None:
        """Precompute a min/max envelope at a few bins per frame; painting reduces it further."""
        self._audio_lo = self._audio_hi = None
        if audio is None or self.n_frames == 0:
            return
        n_bins = int(min(max(self.n_frames * 8, 512), max(1, audio.n_samples // 16)))
        lo, hi, _ = sound_overview(audio, n_bins)  # bounded on hours of lazy sound
        n_bins = lo.size
        self._audio_lo, self._audio_hi = lo, hi
        self._audio_bins_per_frame = n_bins / self.n_frames
        self.update()

    @property
    def has_audio(self) -> bool:
        return self._audio_lo is not None

    def set_current(self, i: int, emit: bool = False) -> None:
        i = int(min(max(0, i), max(0, self.n_frames - 1)))
        self.current = i
        self._ensure_visible(i)
        self.update()
        if emit:
            self.seeked.emit(i)

    def set_computed(self, frames) -> None:
        self.computed = set(frames)
        self.update()

    def add_computed(self, i: int) -> None:
        if i not in self.computed:
            self.computed.add(i)
            self.update()

    def add_live(self, i: int, preview: np.ndarray | None = None) -> None:
        self.live.add(int(i))
        if preview is not None:
            self.set_thumbnail(int(i), preview)
        self.update()

    def set_thumbnail(self, i: int, rgb_u8: np.ndarray) -> None:
        from studio.ui.preview.qimages import qimage
        import cv2
        h = self.THUMB_H - 4
        w = max(1, int(round(h * rgb_u8.shape[1] / max(1, rgb_u8.shape[0]))))
        small = rgb_u8 if rgb_u8.shape[:2] == (h, w) else cv2.resize(rgb_u8, (w, h), interpolation=cv2.INTER_AREA)
        if small.ndim == 2:
            small = cv2.cvtColor(small, cv2.COLOR_GRAY2RGB)
        if small.dtype != np.uint8:
            from studio.ui.preview.pixels import to_u8
            small = to_u8(small)
        self.thumbs[int(i)] = qimage(np.ascontiguousarray(small))
        self.update()

    def set_in(self, i: int | None) -> None:
        self.in_point = None if i is None else int(i)
        if self.in_point is not None and self.out_point is not None and self.out_point <= self.in_point:
            self.out_point = None
        self.update()
        self.inOutChanged.emit(self.in_out())

    def set_out(self, i: int | None) -> None:
        """``i`` is exclusive: pressing O on frame 9 sets out = 10 (frame 9 is the last one rendered)."""
        self.out_point = None if i is None else int(i)
        if self.in_point is not None and self.out_point is not None and self.out_point <= self.in_point:
            self.in_point = None
        self.update()
        self.inOutChanged.emit(self.in_out())

    def set_points(self, in_point: int | None, out_point: int | None) -> None:
        """Both points at once (restored from a saved graph), kept even before a clip is shown."""
        self.in_point = None if in_point is None else max(0, int(in_point))
        self.out_point = None if out_point is None else max(1, int(out_point))
        if self.in_point is not None and self.out_point is not None and self.out_point <= self.in_point:
            self.out_point = None
        self.update()
        self.inOutChanged.emit(self.in_out())

    def in_out(self) -> tuple[int, int] | None:
        if self.in_point is None and self.out_point is None:
            return None
        a = 0 if self.in_point is None else self.in_point
        b = self.n_frames if self.out_point is None else self.out_point
        return (max(0, a), min(self.n_frames, b)) if self.n_frames else (a, b)

    # -- geometry -------------------------------------------------------------------------
    def pixels_per_frame(self) -> float:
        if self.ppf is None or self.n_frames == 0:
            return max(1e-6, (self.width() - 2) / max(1, self.n_frames))
        return self.ppf

    def first_frame(self) -> float:
        return 0.0 if self.ppf is None else self.first

    def x_of(self, frame: float) -> float:
        return 1 + (frame - self.first_frame()) * self.pixels_per_frame()

    def frame_at(self, x: float) -> int:
        f = self.first_frame() + (x - 1) / self.pixels_per_frame()
        return int(min(max(0, math.floor(f)), max(0, self.n_frames - 1)))

    def visible_range(self) -> tuple[int, int]:
        a = int(math.floor(self.first_frame()))
        b = int(math.ceil(self.first_frame() + (self.width() - 2) / self.pixels_per_frame()))
        return max(0, a), min(self.n_frames, b)

    def set_zoom(self, ppf: float | None, anchor_x: float | None = None) -> None:
        """Pixels per frame (None fits the clip), keeping the frame under ``anchor_x`` in place."""
        fit = (self.width() - 2) / max(1, self.n_frames)
        if ppf is not None and ppf <= fit:
            ppf = None
        if anchor_x is None:
            anchor_x = self.x_of(self.current + 0.5)
        anchor_f = self.first_frame() + (anchor_x - 1) / self.pixels_per_frame()
        self.ppf = None if ppf is None else min(float(ppf), 400.0)
        if self.ppf is not None:
            self.first = anchor_f - (anchor_x - 1) / self.ppf
            self._clamp_first()
        self.update()
        self.viewChanged.emit()

    def zoom_by(self, factor: float, anchor_x: float | None = None) -> None:
        self.set_zoom(self.pixels_per_frame() * factor, anchor_x)

    def _clamp_first(self) -> None:
        if self.ppf is None:
            return
        span = (self.width() - 2) / self.ppf
        self.first = float(min(max(0.0, self.first), max(0.0, self.n_frames - span)))

    def _ensure_visible(self, i: int) -> None:
        if self.ppf is None:
            return
        a, b = self.visible_range()
        if i < a or i >= b - 1:
            span = (self.width() - 2) / self.ppf
            self.first = i - span * (0.1 if i >= b - 1 else 0.9)
            self._clamp_first()
            self.viewChanged.emit()

    def thumb_slots(self) -> list[tuple[int, float, float]]:
        """(frame, x, width) for each thumbnail slot in view."""
        if self.n_frames == 0:
            return []
        tw = max(8.0, (self.THUMB_H - 4) * self.aspect)
        ppf = self.pixels_per_frame()
        frames_per_slot = max(1, int(math.ceil(tw / ppf)))
        a, b = self.visible_range()
        a -= a % frames_per_slot
        return [(f, self.x_of(f), frames_per_slot * ppf) for f in range(a, b, frames_per_slot)]

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, _ev):
        p = QPainter(self)
        W, H = self.width(), self.height()
        p.fillRect(self.rect(), QColor(30, 30, 32))
        if self.n_frames == 0:
            p.setPen(QColor(140, 140, 140))
            p.drawText(self.rect().adjusted(8, 0, -8, 0), Qt.AlignCenter | Qt.TextWordWrap, self.waiting or "no clip")
            return
        ppf = self.pixels_per_frame()
        a, b = self.visible_range()
        y_comp = self.RULER_H
        y_th = y_comp + self.COMPUTED_H + 2
        y_feat = y_th + self.THUMB_H + 2
        y_wave = y_feat + (self.FEAT_H + 2 if self.has_audio_features else 0)
        # in/out shading
        io = self.in_out()
        if io is not None:
            p.fillRect(QRectF(0, 0, self.x_of(io[0]), H), QColor(0, 0, 0, 110))
            p.fillRect(QRectF(self.x_of(io[1]), 0, W, H), QColor(0, 0, 0, 110))
        paint_ruler(p, self, W, a, b, ppf)
        paint_computed(p, self, y_comp, W, a, b, ppf)
        wanted = paint_thumbs(p, self, y_th, W, ppf)
        if self.stale:  # the last run's clip, while a new run makes it again
            paint_stale(p, QRectF(0, y_comp, W, self.COMPUTED_H + 2 + self.THUMB_H), self.stale)
        if self.has_audio_features:
            self._paint_features(p, y_feat, a, b)
        # waveform: the rest of the height
        wave_h = max(self.WAVE_H // 2, H - y_wave - 2)
        p.fillRect(QRectF(0, y_wave, W, wave_h), QColor(26, 30, 36))
        if self._audio_lo is not None:
            self._paint_wave(p, y_wave, wave_h, a, b)
        else:
            p.setPen(QColor(90, 90, 96))
            p.drawText(QRectF(6, y_wave, W, wave_h), Qt.AlignVCenter, "no sound")
        paint_keyframes(p, self, self.RULER_H - 3, y_th + self.THUMB_H)
        paint_in_out(p, self, io, W, H)
        paint_playhead(p, self, H, ppf)
        p.end()
        if wanted != self._last_wanted:
            self._last_wanted = wanted
            if wanted:
                self.thumbnailsWanted.emit(wanted)

    def _paint_wave(self, p: QPainter, y: float, wave_h: float, a: int, b: int) -> None:
        W = self.width()
        lo, hi = self._audio_lo, self._audio_hi
        bpf = self._audio_bins_per_frame
        cols = max(1, int(self.x_of(b) - self.x_of(a)))
        i0, i1 = int(a * bpf), max(int(a * bpf) + 1, int(b * bpf))
        seg_lo, seg_hi = lo[i0:i1], hi[i0:i1]
        if seg_lo.size > cols:
            edges = np.linspace(0, seg_lo.size, cols + 1).astype(np.int64)[:-1]
            seg_lo, seg_hi = np.minimum.reduceat(seg_lo, edges), np.maximum.reduceat(seg_hi, edges)
        n = seg_lo.size
        xs = self.x_of(a) + (np.arange(n) + 0.5) * (self.x_of(b) - self.x_of(a)) / max(1, n)
        mid, amp = y + wave_h / 2, wave_h / 2 - 2
        path = QPainterPath()
        for x, l, h in zip(xs, seg_lo, seg_hi):
            if 0 <= x <= W:
                path.moveTo(x, mid - h * amp)
                path.lineTo(x, mid - l * amp + 0.5)
        p.setPen(QPen(QColor(110, 190, 255), max(1.0, (self.x_of(b) - self.x_of(a)) / max(1, n))))
        p.drawPath(path)

    def _paint_features(self, p: QPainter, y: float, a: int, b: int) -> None:
        """Loudness as a filled curve, onsets and beats as ticks, for the frames in view."""
        W, h = self.width(), self.FEAT_H
        ppf = self.pixels_per_frame()
        p.fillRect(QRectF(0, y, W, h), QColor(34, 30, 44))
        if self.loudness is not None and b > a:
            img = self._loudness_image(a, b, int(h))
            p.drawImage(QPointF(math.floor(self.x_of(a)), y), img)  # columns start at that pixel
        tick_w = max(1.5, min(3.0, ppf * 0.5))
        for frames, color, frac in ((self.beats, self.BEAT_COLOR, 1.0), (self.onsets, self.ONSET_COLOR, 0.45)):
            if frames is None:
                continue
            vis = frames[(frames >= a) & (frames < b)]
            for f in vis.tolist():
                x = self.x_of(f + 0.5)
                p.fillRect(QRectF(x - tick_w / 2, y, tick_w, h * frac), color)
        x = 4.0  # a small legend in each item's colour
        fm = p.fontMetrics()
        for text, color in (("loudness", self.LOUD_COLOR), ("onsets", self.ONSET_COLOR), ("beats", self.BEAT_COLOR)):
            p.setPen(color)
            p.drawText(QPointF(x, y + fm.ascent()), text)
            x += fm.horizontalAdvance(text) + 8

    def _loudness_image(self, a: int, b: int, h: int) -> QImage:
        """The loudness curve over frames [a, b) as an RGBA image, one column per pixel (the
        loudest frame of each column when zoomed out), made with numpy: a filled QPainter
        polygon of thousands of points cost ~10x the rest of the timeline's repaint."""
        ppf = self.pixels_per_frame()
        x0 = math.floor(self.x_of(a))
        cols = max(1, int(math.ceil(self.x_of(b) - x0)))
        seg = self.loudness[a:b]
        # the frame (relative to a) at each column's left edge, and at its centre
        left = self.first_frame() + (x0 + np.arange(cols) - 1) / ppf - a
        if ppf < 1:  # several frames per column: the loudest of them
            starts = np.clip(np.floor(left), 0, b - a - 1).astype(np.int64)
            starts, inverse = np.unique(starts, return_inverse=True)
            vals = np.maximum.reduceat(seg, starts)[inverse]
        else:
            vals = seg[np.clip(np.floor(left + 0.5 / ppf), 0, b - a - 1).astype(np.int64)]
        top = (h - 1) - vals * (h - 4)  # y of the curve in each column
        rows = np.arange(h, dtype=np.float32)[:, None]
        rgba = np.zeros((h, cols, 4), np.uint8)
        c = self.LOUD_COLOR
        rgba[..., 0], rgba[..., 1], rgba[..., 2] = c.red(), c.green(), c.blue()
        alpha = np.where(rows >= top[None, :], 110, 0)
        alpha = np.where(np.abs(rows - top[None, :]) < 1.0, 255, alpha)
        rgba[..., 3] = alpha
        return qimage_rgba(rgba)

    # -- interaction ----------------------------------------------------------------------
    def marker_at(self, x: float) -> str | None:
        """'in' or 'out' when ``x`` is within grabbing distance of that marker, else None."""
        best, best_d = None, self.MARKER_GRAB + 0.5
        for name, f in (("in", self.in_point), ("out", self.out_point)):
            if f is None:
                continue
            d = abs(x - self.x_of(f))
            if d < best_d or (d == best_d and name == "out" and x > self.x_of(f)):
                best, best_d = name, d
        return best

    def _boundary_at(self, x: float) -> int:
        """The frame boundary nearest ``x`` (markers sit between frames)."""
        f = self.first_frame() + (x - 1) / self.pixels_per_frame()
        return int(min(max(0, round(f)), self.n_frames))

    def _move_marker(self, name: str, x: float) -> None:
        f = self._boundary_at(x)
        if name == "in":
            hi = (self.out_point if self.out_point is not None else self.n_frames) - 1
            f = max(0, min(f, hi))
            if f != self.in_point:
                self.in_point = f
                self.update()
                self.inOutChanged.emit(self.in_out())
        else:
            lo = (self.in_point if self.in_point is not None else 0) + 1
            f = min(self.n_frames, max(f, lo))
            if f != self.out_point:
                self.out_point = f
                self.update()
                self.inOutChanged.emit(self.in_out())

    def mousePressEvent(self, ev):
        if ev.button() == Qt.LeftButton and self.n_frames:
            if key_marks.press_key(self, ev.position().x(), ev.position().y()):
                return
            m = self.marker_at(ev.position().x())
            if m is not None:
                self._drag_marker = m
                return
            self._dragging = True
            self.set_current(self.frame_at(ev.position().x()), emit=True)

    def mouseMoveEvent(self, ev):
        x = ev.position().x()
        if self.key_drag is not None:
            key_marks.move_key(self, x)
        elif self._drag_marker is not None:
            self._move_marker(self._drag_marker, x)
        elif self._dragging:
            f = self.frame_at(x)
            if f != self.current:
                self.set_current(f, emit=True)
        else:
            self.setCursor(Qt.SplitHCursor if self.marker_at(x) is not None else Qt.ArrowCursor)

    def mouseReleaseEvent(self, ev):
        if self.key_drag is not None:
            key_marks.release_key(self)
        self._dragging = False
        self._drag_marker = None

    def wheelEvent(self, ev):
        d = ev.angleDelta().y() or ev.angleDelta().x()
        if ev.modifiers() & Qt.ControlModifier:
            self.zoom_by(1.25 ** (d / 120.0), ev.position().x())
        elif self.ppf is not None:
            self.first -= d / 120.0 * 40 / self.ppf
            self._clamp_first()
            self.update()
            self.viewChanged.emit()

    def resizeEvent(self, ev):
        self._clamp_first()
        super().resizeEvent(ev)

    def keyPressEvent(self, ev):
        k, mods = ev.key(), ev.modifiers()
        big = 10 if mods & Qt.ShiftModifier else 1
        if k == Qt.Key_Right:
            self.set_current(self.current + big, emit=True)
        elif k == Qt.Key_Left:
            self.set_current(self.current - big, emit=True)
        elif k == Qt.Key_Home:
            self.set_current(0, emit=True)
        elif k == Qt.Key_End:
            self.set_current(self.n_frames - 1, emit=True)
        elif k == Qt.Key_Space:
            self.playToggled.emit()
        elif k in (Qt.Key_J, Qt.Key_K, Qt.Key_L):
            self.shuttle.emit({Qt.Key_J: "J", Qt.Key_K: "K", Qt.Key_L: "L"}[k])
        elif k == Qt.Key_I:
            self.set_in(None if mods & Qt.AltModifier else self.current)
        elif k == Qt.Key_O:
            self.set_out(None if mods & Qt.AltModifier else self.current + 1)
        elif k == Qt.Key_X:
            self.in_point = self.out_point = None
            self.update()
            self.inOutChanged.emit(None)
        elif k in (Qt.Key_Plus, Qt.Key_Equal):
            self.zoom_by(1.5)
        elif k == Qt.Key_Minus:
            self.zoom_by(1 / 1.5)
        elif k == Qt.Key_Backslash:
            self.set_zoom(None)
        else:
            super().keyPressEvent(ev)


