"""Viewer display controls, for looking only (they never change what the graph makes):
exposure/gain and gamma, one channel (R, G, B, alpha or luma), proxy scale (1/2, 1/4) for viewing
and scrubbing, and a safe-area / aspect overlay.

The pixel work (:func:`apply_view`, :func:`draw_overlay`) is plain numpy/cv2 so it runs on the
viewer's fetch thread and is testable without a window; :class:`ViewControls` is the small bar of
widgets that edits a :class:`ViewSettings`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout,
                               QWidget)

CHANNELS = ("rgb", "r", "g", "b", "a", "luma")
PROXIES = (1, 2, 4)
OVERLAYS = ("none", "safe areas", "2.39:1", "1.85:1", "16:9", "4:3", "1:1", "4:5", "9:16")
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)  # Rec. 709


@dataclass(frozen=True)
class ViewSettings:
    exposure: float = 0.0   # stops: +1 doubles the light
    gain: float = 1.0       # multiplies after exposure
    gamma: float = 1.0      # display gamma: above 1 brightens the mid-tones
    channel: str = "rgb"    # one of CHANNELS
    proxy: int = 1          # show at 1/proxy of the size
    overlay: str = "none"   # one of OVERLAYS

    def key(self) -> tuple:
        return (self.exposure, self.gain, self.gamma, self.channel, self.proxy, self.overlay)

    @property
    def grades(self) -> bool:
        return self.exposure != 0.0 or self.gain != 1.0 or self.gamma != 1.0 or self.channel != "rgb"

    def describe(self) -> str:
        """What differs from the plain picture, e.g. "exposure +1.0, channel A, proxy 1/2"."""
        d = ViewSettings()
        parts = [f"exposure {self.exposure:+.1f}" if self.exposure != d.exposure else "",
                 f"gain {self.gain:g}" if self.gain != d.gain else "",
                 f"gamma {self.gamma:g}" if self.gamma != d.gamma else "",
                 f"channel {self.channel.upper() if len(self.channel) == 1 else self.channel}"
                 if self.channel != d.channel else "",
                 f"proxy 1/{self.proxy}" if self.proxy != d.proxy else "",
                 f"overlay {self.overlay}" if self.overlay != d.overlay else ""]
        return ", ".join(p for p in parts if p)


def proxy_frame(frame: np.ndarray, proxy: int) -> np.ndarray:
    """The frame at 1/proxy of its size (area filter; an odd size rounds up)."""
    if proxy <= 1:
        return frame
    h, w = frame.shape[:2]
    nw, nh = max(1, -(-w // proxy)), max(1, -(-h // proxy))
    out = cv2.resize(frame, (nw, nh), interpolation=cv2.INTER_AREA)
    return out.reshape(nh, nw, *frame.shape[2:]) if frame.ndim == 3 else out


def apply_view(frame: np.ndarray, s: ViewSettings, kind: str = "video") -> np.ndarray:
    """Exposure, gain, gamma and channel of a float frame, for display. Flow is left alone.
    Channel 'a' shows a frame's 4th channel; a frame without one shows opaque (white)."""
    if kind == "flow" or not s.grades:
        return frame
    f = np.asarray(frame, np.float32)
    if f.ndim == 2:
        f = f[..., None]
    c = f.shape[2]
    if s.channel != "rgb":
        if s.channel == "a":
            one = f[..., 3] if c == 4 else (f[..., 0] if c == 1 else np.ones(f.shape[:2], np.float32))
        elif s.channel == "luma":
            one = f[..., :3] @ LUMA if c >= 3 else f[..., 0]
        else:
            k = "rgb".index(s.channel)
            one = f[..., k if c >= 3 else 0]
        f = one[..., None]
    k = np.float32(s.gain * 2.0 ** s.exposure)
    if k != 1:
        f = f * k
    if s.gamma != 1.0:
        f = np.power(np.clip(f, 0.0, None), np.float32(1.0 / s.gamma))
    return f


def overlay_rects(w: int, h: int, overlay: str) -> tuple[list[tuple[int, int, int, int]], tuple | None]:
    """(rectangles to outline as (x0, y0, x1, y1), the area kept by an aspect overlay or None).
    Safe areas: action safe 93% and title safe 90% of the frame (SMPTE ST 2046-1)."""
    if overlay == "safe areas":
        rects = []
        for frac in (0.93, 0.90):
            mx, my = w * (1 - frac) / 2, h * (1 - frac) / 2
            rects.append((int(round(mx)), int(round(my)), int(round(w - mx)) - 1, int(round(h - my)) - 1))
        return rects, None
    if overlay in OVERLAYS[2:]:
        a, b = (float(v) for v in overlay.split(":"))
        aspect = a / b
        if w / h > aspect:
            cw, ch = h * aspect, float(h)
        else:
            cw, ch = float(w), w / aspect
        x0, y0 = int(round((w - cw) / 2)), int(round((h - ch) / 2))
        box = (x0, y0, x0 + int(round(cw)) - 1, y0 + int(round(ch)) - 1)
        return [box], box
    return [], None


def draw_overlay(bgra: np.ndarray, overlay: str) -> np.ndarray:
    """Draw the overlay into a display buffer (uint8 H x W x 4, changed in place and returned):
    outside an aspect's area is dimmed to half, its edge and the safe areas are drawn as lines."""
    if overlay == "none":
        return bgra
    h, w = bgra.shape[:2]
    rects, keep = overlay_rects(w, h, overlay)
    if keep is not None:
        x0, y0, x1, y1 = keep
        dim = np.ones((h, w), bool)
        dim[y0:y1 + 1, x0:x1 + 1] = False
        bgra[dim, :3] >>= 1
    for x0, y0, x1, y1 in rects:
        for ys, xs in ((slice(y0, y0 + 1), slice(x0, x1 + 1)), (slice(y1, y1 + 1), slice(x0, x1 + 1)),
                       (slice(y0, y1 + 1), slice(x0, x0 + 1)), (slice(y0, y1 + 1), slice(x1, x1 + 1))):
            bgra[ys, xs, :3] = (0, 220, 255)  # amber lines (BGR)
    return bgra


class ViewControls(QWidget):
    """Exposure, gamma, channel, proxy and overlay, in one row. Emits ``changed(ViewSettings)``."""

    changed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.settings = ViewSettings()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 2)
        lay.setSpacing(2)
        lay.setSpacing(4)
        self.exposure = QDoubleSpinBox()
        self.exposure.setRange(-10.0, 10.0)
        self.exposure.setSingleStep(0.5)
        self.exposure.setDecimals(1)
        self.exposure.setToolTip("exposure for viewing only, in stops (+1 doubles the light)")
        self.gain = QDoubleSpinBox()
        self.gain.setRange(0.0, 64.0)
        self.gain.setSingleStep(0.1)
        self.gain.setValue(1.0)
        self.gain.setToolTip("gain for viewing only (multiplies after exposure)")
        self.gamma = QDoubleSpinBox()
        self.gamma.setRange(0.1, 5.0)
        self.gamma.setSingleStep(0.1)
        self.gamma.setValue(1.0)
        self.gamma.setToolTip("display gamma for viewing only (above 1 brightens the mid-tones)")
        self.channel = QComboBox()
        self.channel.addItems(["RGB", "R", "G", "B", "A", "Luma"])
        self.channel.setToolTip("show one channel as grey")
        self.proxy = QComboBox()
        self.proxy.addItems(["Full", "1/2", "1/4"])
        self.proxy.setToolTip("proxy: show and scrub at a fraction of the size (faster on big frames)")
        self.overlay = QComboBox()
        self.overlay.addItems([o if o != "none" else "No overlay" for o in OVERLAYS])
        self.overlay.setToolTip("safe areas (action 93%, title 90%) or an aspect ratio's frame")
        self.reset_button = QToolButton()
        self.reset_button.setText("Reset")
        self.reset_button.setAutoRaise(True)
        self.reset_button.setToolTip("back to the plain picture")
        # two compact rows, so the viewer's column stays narrow enough for the canvas at 1024 px
        rows = (((("Exp", self.exposure), ("Gain", self.gain), ("Gamma", self.gamma)),
                 ((None, self.channel), (None, self.proxy), (None, self.overlay), (None, self.reset_button))))
        for sb in (self.exposure, self.gain, self.gamma):
            sb.setMaximumWidth(64)
        for cb in (self.channel, self.proxy, self.overlay):
            cb.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            cb.setMinimumContentsLength(4)
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(4)
            for label, w in row:
                if label:
                    line.addWidget(QLabel(label))
                line.addWidget(w)
            line.addStretch(1)
            lay.addLayout(line)
        for sb in (self.exposure, self.gain, self.gamma):
            sb.valueChanged.connect(self._emit)
        for cb in (self.channel, self.proxy, self.overlay):
            cb.currentIndexChanged.connect(self._emit)
        self.reset_button.clicked.connect(self.reset)

    def _read(self) -> ViewSettings:
        return ViewSettings(exposure=float(self.exposure.value()), gain=float(self.gain.value()),
                            gamma=float(self.gamma.value()), channel=CHANNELS[self.channel.currentIndex()],
                            proxy=PROXIES[self.proxy.currentIndex()], overlay=OVERLAYS[self.overlay.currentIndex()])

    def _emit(self, *_):
        s = self._read()
        if s != self.settings:
            self.settings = s
            self.changed.emit(s)

    def set_settings(self, s: ViewSettings) -> None:
        for w, v in ((self.exposure, s.exposure), (self.gain, s.gain), (self.gamma, s.gamma)):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)
        for w, i in ((self.channel, CHANNELS.index(s.channel)), (self.proxy, PROXIES.index(s.proxy)),
                     (self.overlay, OVERLAYS.index(s.overlay))):
            w.blockSignals(True)
            w.setCurrentIndex(i)
            w.blockSignals(False)
        self._emit()

    def reset(self) -> None:
        self.set_settings(replace(ViewSettings(), proxy=self.settings.proxy))
