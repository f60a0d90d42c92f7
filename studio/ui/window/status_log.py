"""The status bar and the Log as one: every status message is also a Log line (once: one the
window logged already is not written twice), and a click on the status bar's message opens the
Log at that line, selected, the way a Nuke or Resolve user reads a cut message whole."""
from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextDocument

RECENT_LINES = 40  # a message among the Log's last lines is there already (logged just before it was shown)
MARKS = "✓✗⚠ "  # a verdict's mark, not in the Log's line
PREFIX = 48  # a label's text worded a little otherwise than its Log line: found by its start


def link_status_to_log(win) -> None:
    sb = win.statusBar()
    sb.to_log = lambda text: _log_unless_there(win, text)
    sb.message_clicked.connect(lambda text: show_in_log(win, text))
    for label in (win.runs.run_label, win.node_label):  # the verdict and the node's line: the same click
        label.clicked.connect(lambda text: show_in_log(win, text))


def _plain(text: str) -> str:
    return " ".join(str(text).split())


def _recent_lines(win) -> list[str]:
    doc = win.log_view.document()
    block, lines = doc.lastBlock(), []
    while block.isValid() and len(lines) < RECENT_LINES:
        lines.append(block.text())
        block = block.previous()
    return lines


def _log_unless_there(win, text: str) -> None:
    want = _plain(text)
    if not any(want in line for line in _recent_lines(win)):
        win.log(text, "info", status=False)


def show_in_log(win, text: str) -> bool:
    """Raise the Log and select the newest line holding ``text`` (True when found)."""
    win.log_dock.show()
    win.log_dock.raise_()
    view = win.log_view
    want = _plain(text).lstrip(MARKS)
    found = False
    for words in (want, want[:PREFIX]):
        cursor = view.textCursor()
        cursor.movePosition(QTextCursor.End)
        view.setTextCursor(cursor)
        found = bool(words) and view.find(words, QTextDocument.FindBackward)
        if found:
            break
    if found:
        c = view.textCursor()
        c.movePosition(QTextCursor.StartOfBlock)
        c.movePosition(QTextCursor.EndOfBlock, QTextCursor.KeepAnchor)
        view.setTextCursor(c)
        view.centerCursor()
    view.setFocus()
    return found
