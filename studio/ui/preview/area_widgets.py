"""The preview area's widgets: the Viewer dock's bar, display controls, viewer stack and pixel
readout, and the Timeline dock's bar and timeline. Built onto a
:class:`~studio.ui.preview.area.PreviewArea` (its attributes), wired to its slots."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from studio.ui.end_cut_label import EndCutLabel
from studio.ui.preview.overlays import PreviewMark, Readout
from studio.ui.preview.timeline import Timeline
from studio.ui.preview.view_controls import ViewControls
from studio.ui.preview.viewers import ViewerStack


class KeyPanel(QWidget):
    """A container that hands keys its children did not use to the timeline."""

    def __init__(self, forward: Callable, parent=None):
        super().__init__(parent)
        self._forward = forward
        self.setFocusPolicy(Qt.ClickFocus)

    def keyPressEvent(self, ev):
        self._forward(ev)


def tool_button(text: str, tip: str, slot, checkable: bool = False) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setCheckable(checkable)
    b.setAutoRaise(True)
    (b.toggled if checkable else b.clicked).connect(slot)
    return b


class TitleLabel(QLabel):
    """The viewer's title: the node's name in bold, then what it shows ("72 frames 256x256..."),
    elided to the width it has: the summary gives way first, then the name (issue 25: a
    1024-wide window read "Save Vid"). The tooltip has it all."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title, self.summary = "", ""
        # Ignored: a long title must not widen the Viewer dock
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

    def set_parts(self, title: str, summary: str = "") -> None:
        self.title, self.summary = title, summary
        self.setToolTip(f"{title}: {summary}" if summary else title)
        self._elide()

    def resizeEvent(self, e):  # noqa: N802
        super().resizeEvent(e)
        self._elide()

    def _elide(self) -> None:
        import html
        from PySide6.QtGui import QFont, QFontMetrics
        bold = QFont(self.font())
        bold.setBold(True)
        fb, fn = QFontMetrics(bold), QFontMetrics(self.font())
        room = max(0, self.width() - 4)
        name = fb.elidedText(self.title, Qt.ElideRight, room)
        rest = room - fb.horizontalAdvance(name) - fn.horizontalAdvance("  ")
        summary = fn.elidedText(self.summary, Qt.ElideRight, rest) if self.summary and rest > 24 else ""
        self.setText(f"<b>{html.escape(name)}</b>" + (f"&nbsp; {html.escape(summary)}" if summary else ""))

    def minimumSizeHint(self):  # noqa: N802 - the name, up to 120 px, before the buttons take the room
        from PySide6.QtCore import QSize
        from PySide6.QtGui import QFont, QFontMetrics
        bold = QFont(self.font())
        bold.setBold(True)
        return QSize(min(120, QFontMetrics(bold).horizontalAdvance(self.title) + 6), super().minimumSizeHint().height())


def build_viewer(area) -> None:
    """The Viewer dock's widget: a bar (title, A/B, arrows, display, fit, 1:1, pin), the display
    controls (folded away), the viewer stack and the pixel readout."""
    area.viewer_widget = KeyPanel(area.forward_key)
    lay = QVBoxLayout(area.viewer_widget)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    bar = QHBoxLayout()
    bar.setContentsMargins(4, 2, 4, 2)
    area.title_label = TitleLabel()
    area.pin_button = tool_button("Pin", "keep showing this node when the selection changes",
                                 area.set_pinned, True)
    area.compare_button = tool_button("A/B", "keep this output as B and wipe between it and the next one",
                                     area.toggle_compare, True)
    area.arrows_button = tool_button("Arrows", "draw flow vectors as arrows", area.toggle_arrows, True)
    area.matte_button = tool_button("Matte", "show the mask as its matte (black and white) instead of over its "
                                    "plate, the node's input clip (Alt+M)", area.toggle_matte, True)
    area.matte_button.setShortcut("Alt+M")
    area.fit_button = tool_button("Fit", "fit the frame to the viewer (F)", lambda: area.stack.image.fit_to_window())
    area.one_button = tool_button("1:1", "one image pixel per screen pixel (1)", lambda: area.stack.image.one_to_one())
    # the display controls (exposure, gamma, channel, proxy, overlay) fold away, so a small
    # window keeps its height for the picture and the properties; the button says when the
    # view is altered
    area.display_button = tool_button("Display", "exposure, gain, gamma, channel, proxy and safe-area "
                                     "overlay, for viewing only", area.toggle_display, True)
    for w in (area.title_label, area.compare_button, area.arrows_button, area.matte_button, area.display_button, area.fit_button,
              area.one_button, area.pin_button):
        bar.addWidget(w)
    lay.addLayout(bar)
    area.viewer_layout = lay
    area.view_controls = ViewControls()
    area.view_controls.changed.connect(area.set_view)
    area.view_controls.setVisible(False)
    lay.addWidget(area.view_controls)
    area.stack = ViewerStack()
    lay.addWidget(area.stack, 1)
    area.pixel_label = Readout(area.stack)  # over the picture: a row of its own took 17 px of it
    area.preview_mark = PreviewMark(area.stack)  # PREVIEW in the picture's corner: never cut off with the title
    area.stack.image.hovered.connect(area.pixel_label.setText)
    area.stack.similarity.hovered.connect(area.pixel_label.setText)


def build_timeline(area) -> None:
    """The Timeline dock's widget: a bar (play, loop, mute, time, info, fit) over the timeline."""
    area.timeline_widget = KeyPanel(area.forward_key)
    lay = QVBoxLayout(area.timeline_widget)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    bar = QHBoxLayout()
    bar.setContentsMargins(4, 2, 4, 2)
    area.play_button = tool_button("", "play / pause (Space)", lambda: area.transport.toggle_play())
    area.transport.set_play_icon(False)
    area.loop_button = tool_button("Loop", "loop between the in and out points", area.transport.set_loop, True)
    area.loop_button.setChecked(True)
    area.mute_button = tool_button("Mute", "play without sound", area.transport.set_mute, True)
    area.fit_timeline_button = tool_button("Fit", "show the whole clip (\\)", lambda: area.timeline.set_zoom(None))
    # text that changes must not resize the dock: no width of their own, cut at their end with '…'
    # the time asks 270 px whatever its text (less in a narrow dock), the message has the rest and at least 120: a
    # minimum width on an 'ignored' label got it no room in the layout, and the message was painted over the time
    # (seen under Xvfb at 1024x700)
    area.time_label = EndCutLabel("", room=270)
    area.info_label = EndCutLabel("")
    area.info_label.setMinimumWidth(120)
    area.info_label.setStyleSheet("color: #c8a040")
    for w in (area.play_button, area.loop_button, area.mute_button, area.time_label):
        bar.addWidget(w)
    area.info_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
    bar.addWidget(area.info_label, 1)  # the room left (beside a stretch it got none: its message never showed)
    bar.addWidget(area.fit_timeline_button)
    lay.addLayout(bar)
    area.timeline = Timeline()
    lay.addWidget(area.timeline, 1)
    t = area.timeline
    t.seeked.connect(area.seek)
    t.playToggled.connect(area.transport.toggle_play)
    t.shuttle.connect(area.transport.shuttle)
    t.inOutChanged.connect(area.on_in_out)
    t.thumbnailsWanted.connect(area.want_thumbnails)
