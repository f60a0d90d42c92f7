"""The door of the main window: what its parts (files, group actions, the engine loader, the dock
layout) may use of it. :class:`~studio.ui.window.main_window.MainWindow` is the one
implementation; the parts are typed against :class:`WindowApi`, never against ``MainWindow``, so
no part imports the window (tests/test_architecture.py checks that each part uses only the
members named here, and the import contract that none uses a private one)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings, SignalInstance
    from PySide6.QtWidgets import QDialog, QDockWidget, QMenu, QStatusBar

    from studio.core.registry import Registry
    from studio.ui.canvas.canvas import Canvas
    from studio.ui.document.document import Document
    from studio.ui.panels.palette import NodePalette
    from studio.ui.panels.properties import PropertiesPanel
    from studio.ui.panels.training import TrainingPanel
    from studio.ui.worker import RunController


@runtime_checkable
class WindowApi(Protocol):
    """What a window part may use of the window."""
    # the model and the panels
    doc: Document
    registry: Registry | None
    canvas: Canvas
    palette: NodePalette
    properties: PropertiesPanel
    runner: RunController
    runs: Any                      # the run feedback (its ``session``: the run going or last)
    preview: Any                   # the viewer and timeline (studio.ui.preview.area), or None
    run_finished: SignalInstance
    # where things are kept
    settings: QSettings
    data_dir: str
    autosave_path: str
    recent_menu: QMenu
    # docks
    palette_dock: QDockWidget
    properties_dock: QDockWidget
    viewer_dock: QDockWidget
    timeline_dock: QDockWidget
    training_dock: QDockWidget | None
    queue_dock: QDockWidget  # the job queue (queue_dock.py)

    @property
    def training(self) -> TrainingPanel | None: ...
    @property
    def training_made(self) -> bool: ...

    # -- what the window says and asks --------------------------------------------------------
    def log(self, message: str, level: str = "info", status: bool = True) -> None: ...
    def run_dialog(self, dlg: QDialog) -> bool: ...
    def ask_text(self, title: str, label: str, default: str = "") -> str | None: ...
    def confirm(self, title: str, text: str) -> bool: ...
    def refresh_devices(self) -> None: ...
    # -- Qt's QMainWindow -----------------------------------------------------------------------
    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt's names
    def setWindowTitle(self, title: str) -> None: ...  # noqa: N802
    def setWindowModified(self, modified: bool) -> None: ...  # noqa: N802
    def resizeDocks(self, docks, sizes, orientation) -> None: ...  # noqa: N802
    def findChildren(self, kind) -> list: ...  # noqa: N802
    def setCorner(self, corner, area) -> None: ...  # noqa: N802
    def installEventFilter(self, obj) -> None: ...  # noqa: N802
    def childAt(self, pos) -> Any: ...  # noqa: N802
    def isVisible(self) -> bool: ...  # noqa: N802
    def width(self) -> int: ...
    def height(self) -> int: ...
