"""PreviewArea: the viewer and the timeline for the selected node's output (minimal first cut)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget


class PreviewArea(QObject):
    def __init__(self, frame_cache, parent=None):
        super().__init__(parent)
        self.frame_cache = frame_cache
        self.viewer_widget: QWidget = QLabel("no preview")
        self.timeline_widget: QWidget = QLabel("no timeline")
        self._in_out: tuple[int, int] | None = None

    def show_value(self, node_id: str, title: str, value: Any, key: str) -> None:
        self.viewer_widget.setText(f"{title}: {type(value).__name__}")

    def clear(self) -> None:
        self.viewer_widget.setText("no preview")

    def on_progress(self, event) -> None:
        pass

    def in_out(self) -> tuple[int, int] | None:
        return self._in_out
