"""Filtering a two-level tree (headings with rows under them) by the words typed: a row stays when
every word is in its text, a heading when a row under it stays. The model picker and the model
families list filter this way."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem


def filter_grouped(tree: QTreeWidget, text: str, hay: Callable[[QTreeWidgetItem, QTreeWidgetItem], str]) -> None:
    """Hide the rows whose ``hay(heading, row)`` lacks a word of ``text`` (case ignored), and the
    headings left with no row shown."""
    words = text.lower().split()
    for i in range(tree.topLevelItemCount()):
        g = tree.topLevelItem(i)
        shown = 0
        for j in range(g.childCount()):
            row = g.child(j)
            hide = not all(w in hay(g, row).lower() for w in words)
            row.setHidden(hide)
            shown += not hide
        g.setHidden(shown == 0)
