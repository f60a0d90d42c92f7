"""The Record Audio panel: shown above the viewer while an ``audio.record`` node is selected.

A device picker (the node's ``device`` parameter), Record and Stop buttons, a level meter (dBFS of
the latest block, -60..0 dB) and the length recorded so far. Stop writes the take as a 16-bit WAV
where the node reads it: the node's ``take`` path when it has one, else a new file under
``take_dir`` whose path is then set as the node's ``take`` (one undoable edit), so the next run of
the graph loads it instead of recording.

With no input device (none plugged in, no PortAudio, or ``STUDIO_NO_AUDIO_DEVICE=1``) the panel
says so and why, its controls are disabled, and nothing else is affected.

Both the device list and the recorder are injectable (``devices_fn``, ``recorder_factory``) so a
test can feed a fake input stream; the defaults are :func:`nodes.encoders.record.input_devices`
and :class:`nodes.encoders.record.Recorder`. The recorder's callback runs on PortAudio's thread;
the panel only polls its ``level`` and ``seconds`` with a timer on the GUI thread.
"""
from __future__ import annotations

import math
import os
import re
import time
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QVBoxLayout)

METER_FLOOR_DB = -60.0
METER_STEPS = 1000


def level_to_meter(level: float) -> int:
    """RMS level (0..1) -> meter position 0..METER_STEPS on a -60..0 dBFS scale."""
    if not level > 0:
        return 0
    db = 20.0 * math.log10(min(1.0, level))
    return int(round(max(0.0, min(1.0, (db - METER_FLOOR_DB) / -METER_FLOOR_DB)) * METER_STEPS))


def no_device_reason() -> str:
    """Why no microphone can be used, in one sentence for the panel."""
    try:
        from nodes.encoders.record import NoInputDevice, resolve_device
    except Exception as e:  # noqa: BLE001 - the encoder package is optional
        return f"no audio input device: the record node is not available ({e})"
    try:
        resolve_device(None)
    except NoInputDevice as e:
        return str(e)
    except Exception as e:  # noqa: BLE001
        return f"no audio input device: {e}"
    return "no audio input device found"


class RecordPanel(QFrame):
    takeSaved = Signal(str, str, object)  # node id, absolute path of the WAV, the Audio
    message = Signal(str)

    def __init__(self, devices_fn: Callable[[], list[dict]] | None = None,
                 recorder_factory: Callable[..., Any] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("record-panel")
        self.setFrameShape(QFrame.StyledPanel)
        self.devices_fn = devices_fn
        self.recorder_factory = recorder_factory
        self.node_id: str | None = None
        self.title = ""
        self._get_params: Callable[[], dict] = dict
        self._set_param: Callable[[str, Any], None] = lambda name, value: None
        self._take_dir: Callable[[], str] = lambda: os.path.join(os.getcwd(), "takes")
        self.recorder = None
        self.devices: list[dict] = []
        self.last_path: str | None = None
        self.peak = 0  # highest meter value during the current take
        self._updating = False

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(3)
        row = QHBoxLayout()
        self.heading = QLabel("<b>Record Audio</b>")
        self.device_combo = QComboBox()
        self.device_combo.setToolTip("the microphone to record from (the node's 'device' parameter)")
        self.device_combo.setMinimumContentsLength(18)
        self.device_combo.currentIndexChanged.connect(self._on_device)
        self.record_button = QPushButton("\u25cf Record")
        self.record_button.setToolTip("start recording a take")
        self.record_button.clicked.connect(self.start)
        self.stop_button = QPushButton("\u25a0 Stop")
        self.stop_button.setToolTip("stop and save the take where the node reads it")
        self.stop_button.clicked.connect(self.stop)
        for w in (self.heading, self.device_combo, self.record_button, self.stop_button):
            row.addWidget(w)
        row.addStretch(1)
        lay.addLayout(row)
        meter_row = QHBoxLayout()
        self.meter = QProgressBar()
        self.meter.setRange(0, METER_STEPS)
        self.meter.setTextVisible(False)
        self.meter.setFixedHeight(10)
        self.meter.setToolTip("input level, -60 to 0 dBFS")
        self.level_label = QLabel("")
        self.level_label.setMinimumWidth(150)
        meter_row.addWidget(self.meter, 1)
        meter_row.addWidget(self.level_label)
        lay.addLayout(meter_row)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.status_label)

        self.timer = QTimer(self)
        self.timer.setInterval(33)
        self.timer.timeout.connect(self._poll)
        self._sync_buttons()

    # -- binding to a node ------------------------------------------------------------------
    def bind(self, node_id: str, title: str, get_params: Callable[[], dict],
             set_param: Callable[[str, Any], None], take_dir: Callable[[], str] | str) -> None:
        """Control the record node ``node_id``; a take in progress for another node is saved first."""
        if self.recording and node_id != self.node_id:
            self.stop()
        self.node_id, self.title = node_id, title
        self._get_params, self._set_param = get_params, set_param
        self._take_dir = take_dir if callable(take_dir) else (lambda d=take_dir: d)
        self.heading.setText(f"<b>{title}</b>")
        self.refresh_devices()

    def unbind(self) -> None:
        """The node is no longer selected: a take in progress is stopped and saved."""
        if self.recording:
            self.stop()
        self.node_id = None

    @property
    def recording(self) -> bool:
        return self.recorder is not None

    @property
    def available(self) -> bool:
        return bool(self.devices)

    def refresh_devices(self) -> None:
        fn = self.devices_fn
        if fn is None:
            from nodes.encoders.record import input_devices as fn
        try:
            self.devices = list(fn())
        except Exception:  # noqa: BLE001 - listing devices must never break the viewer
            self.devices = []
        want = str(self._get_params().get("device", "") or "")
        self._updating = True
        try:
            self.device_combo.clear()
            self.device_combo.addItem("System default", "")
            for d in self.devices:
                self.device_combo.addItem(f"{d['name']}  ({d.get('channels', '?')} ch)", d["name"])
            idx = 0
            if want:
                for k, d in enumerate(self.devices):
                    if want == d["name"] or want == str(d.get("index")) or want.lower() in d["name"].lower():
                        idx = k + 1
                        break
                else:
                    self.device_combo.addItem(f"{want} (not found)", want)
                    idx = self.device_combo.count() - 1
            self.device_combo.setCurrentIndex(idx)
        finally:
            self._updating = False
        if not self.devices:
            self.status_label.setText(f"<span style='color:#e0a040'>{no_device_reason()}.</span> "
                                      "Recording is off; the rest of the graph works as usual.")
        elif not self.recording:
            take = self._get_params().get("take", "")
            self.status_label.setText(f"take: {take}" if take and os.path.isfile(take)
                                      else "no take yet: press Record")
        self._sync_buttons()

    def _on_device(self, idx: int) -> None:
        if self._updating or idx < 0 or self.node_id is None:
            return
        value = self.device_combo.itemData(idx) or ""
        if value != (self._get_params().get("device", "") or ""):
            self._set_param("device", value)

    def _sync_buttons(self) -> None:
        ok = self.available and self.node_id is not None
        self.device_combo.setEnabled(ok and not self.recording)
        self.record_button.setEnabled(ok and not self.recording)
        self.stop_button.setEnabled(self.recording)

    # -- recording --------------------------------------------------------------------------
    def start(self) -> bool:
        if self.recording or not self.available or self.node_id is None:
            return False
        p = self._get_params()
        factory = self.recorder_factory
        if factory is None:
            from nodes.encoders.record import Recorder as factory
        dev = p.get("device") or None
        rec = factory(dev, int(p.get("rate", 44100)), int(p.get("channels", 1)))
        try:
            rec.start()
        except Exception as e:  # noqa: BLE001 - a device that will not open is the user's to fix
            self.status_label.setText(f"<span style='color:#e06060'>{e}</span>")
            self.message.emit(str(e))
            return False
        self.recorder = rec
        self.peak = 0
        self.status_label.setText("recording\u2026 press Stop to save the take")
        self.timer.start()
        self._sync_buttons()
        return True

    def _poll(self) -> None:
        rec = self.recorder
        if rec is None:
            return
        v = level_to_meter(float(getattr(rec, "level", 0.0)))
        self.peak = max(self.peak, v)
        self.meter.setValue(v)
        db = METER_FLOOR_DB + v / METER_STEPS * -METER_FLOOR_DB if v else float("-inf")
        self.level_label.setText(f"\u25cf {rec.seconds:5.1f} s   {db:6.1f} dB" if v else f"\u25cf {rec.seconds:5.1f} s   silent")

    def take_path(self) -> str:
        """Where the take goes: the node's ``take`` (as the node reads it) or a new file."""
        take = str(self._get_params().get("take", "") or "")
        if take:
            return os.path.abspath(take)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", self.title or self.node_id or "take").strip("-") or "take"
        return os.path.join(self._take_dir(), f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.wav")

    def stop(self) -> str | None:
        """Stop recording and save the take; returns its path (None when nothing was recorded)."""
        rec = self.recorder
        if rec is None:
            return None
        self.timer.stop()
        self.recorder = None
        try:
            audio = rec.stop()
        except Exception as e:  # noqa: BLE001
            audio = None
            self.status_label.setText(f"<span style='color:#e06060'>recording failed: {e}</span>")
        self.meter.setValue(0)
        self.level_label.setText("")
        self._sync_buttons()
        if audio is None:
            return None
        if audio.n_samples == 0:
            self.status_label.setText("nothing was recorded: check the microphone")
            return None
        from nodes.encoders.record import write_wav
        path = self.take_path()
        try:
            write_wav(path, audio)
        except OSError as e:
            msg = f"cannot save the take to {path}: {e}"
            self.status_label.setText(f"<span style='color:#e06060'>{msg}</span>")
            self.message.emit(msg)
            return None
        if os.path.abspath(str(self._get_params().get("take", "") or "")) != path:
            try:
                self._set_param("take", path)
            except Exception as e:  # noqa: BLE001 - the take is on disk either way
                self.message.emit(f"take saved to {path}, but the node's 'take' was not set: {e}")
        self.last_path = path
        self.status_label.setText(f"saved {audio.duration:.2f} s to {path}; run the graph to use it")
        self.message.emit(f"take saved: {path}")
        self.takeSaved.emit(self.node_id or "", path, audio)
        return path
