"""A field or list that shows a path or a long name, which a window at 1024x700 may cut, says its whole text in its
tooltip (issue 116's aim: nothing cut without a tooltip; walk10: the Render dialog's output path showed only its end,
no tooltip). The tooltip follows the text as it is typed or chosen."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QListWidget


def follow(edit: QLineEdit, note: str = "") -> QLineEdit:
    """``edit``'s tooltip: ``note`` (what the field is for), then its whole text, or its placeholder (the value an
    empty field stands for) while it is empty; kept as the text changes."""
    def said(text: str) -> None:
        edit.setToolTip("\n".join(x for x in (note, text or edit.placeholderText()) if x))
    edit.textChanged.connect(said)
    said(edit.text())
    return edit


def follow_items(view: QListWidget) -> QListWidget:
    """Each item's tooltip: its whole text (a folder), for the items there and those added later."""
    def said(*_) -> None:
        for i in range(view.count()):
            it = view.item(i)
            if it.toolTip() != it.text():
                it.setToolTip(it.text())
    view.model().rowsInserted.connect(said)
    view.model().dataChanged.connect(said)
    said()
    return view
