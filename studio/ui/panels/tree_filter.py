"""Filtering a two-level tree (headings with rows under them) by the words typed: a row stays when
every word begins a word of its text, a heading when a row under it stays. The model picker and the model
families list filter this way."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem


def filter_grouped(tree: QTreeWidget, text: str, hay: Callable[[QTreeWidgetItem, QTreeWidgetItem], str]) -> None:
    """Hide the rows whose ``hay(heading, row)`` lacks a word of ``text`` (case ignored), and the
    headings left with no row shown."""
    import re
    # each word at the start of a word of the text ('ati' finds ATI, not 'spatial'; 'move' finds Wan-Move);
    # letters and digits are words apart ('2.1' finds wan2.1, 't2v' finds Wan2.1-T2V)
    def start(w: str) -> str:
        return r"(?<![0-9])" if w[0].isdigit() else r"(?<![a-z])" if w[0].isalpha() else ""
    pats = [re.compile(start(w) + re.escape(w)) for w in text.lower().split()]
    for i in range(tree.topLevelItemCount()):
        g = tree.topLevelItem(i)
        shown = 0
        for j in range(g.childCount()):
            row = g.child(j)
            h = hay(g, row).lower()
            hide = not all(p.search(h) for p in pats)
            row.setHidden(hide)
            shown += not hide
        g.setHidden(shown == 0)
