"""Help > Model families and the model picker's "Families…": every kind of model Studio reads, as
``main.py families`` lists them (the registry's records, Registry.model_families): one row per
family under its kind, with its variants, its tasks and the inputs of each, and the file formats
and layouts read (the tooltip holds the whole record)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from .tree_filter import filter_grouped

COLUMNS = ("Family", "Variants", "Tasks (inputs)", "Reads")
GROUPS = {"not read": "Named, not read (why: in the last column)"}


def _tasks(r: dict) -> str:
    """The tasks with their inputs; for a model's part (a text encoder), the families it serves."""
    said = "; ".join(f"{t} ({', '.join(r.get('inputs', {}).get(t, []))})" for t in r.get("tasks", []))
    if r.get("why"):  # a family named but not read: what it does, and why not (in the tooltip)
        return f"not read: {r['does']}"
    return said or ("part of " + ", ".join(r["used_by"]) if r.get("used_by") else "")


def _uses(t, r: dict) -> bool:
    """Whether template ``t`` names a model of record ``r``: the family's name or a variant in its title, its
    models' labels or names ('Wan 2.1 VACE 1.3B' is Wan's; 'LTX-2' LTX-2's)."""
    text = " ".join([t.title] + [f"{n.label} {n.name}" for n in t.needs]).lower().replace("-", " ")
    names = {str(r.get("name", "")).split(" (")[0]} | {v.split(" (")[0] for v in r.get("variants", [])}
    return any(n and n.lower().replace("-", " ") in text for n in names)


def count_words(records: list[dict]) -> str:
    """'34 video model families, 27 other models (text encoders, upscalers…) and 4 named, not read': the
    README's count of families beside the rest (the dialog said '65 kinds of model' beside the README's
    '34 families', issue 104's walk)."""
    video = sum(r.get("kind") == "video model" for r in records)
    unread = sum(r.get("kind") == "not read" for r in records)
    other = len(records) - video - unread
    return (f"{video} video model {'family' if video == 1 else 'families'}, {other} other "
            f"model{'' if other == 1 else 's'} (text encoders, upscalers, preprocessors…)"
            + (f" and {unread} named, not read" if unread else ""))


class FamiliesDialog(QDialog):
    """The records in a tree grouped by kind, with a filter (family, variant, task, format)."""

    def __init__(self, records: list[dict], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Model families Studio reads")
        self.records = records
        self._templates = None  # the shipped templates, read when a family is first chosen
        lay = QVBoxLayout(self)
        about = QLabel(f"{count_words(records)}, from the nodes' own declarations "
                       "(the same list as `main.py families --json`)", self)
        about.setStyleSheet("color:#aaa")
        about.setWordWrap(True)  # one line of it widened the dialog past a 1024-wide screen
        lay.addWidget(about)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("filter: family, variant, task, format…")
        self.filter.textChanged.connect(self.apply_filter)
        lay.addWidget(self.filter)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        lay.addWidget(self.tree, 1)
        self.details = QLabel("select a family to read its whole record", self)  # the row, unabridged
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.details.setStyleSheet("color:#ccc")
        lay.addWidget(self.details)
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._show(cur))
        self._fill()
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        screen = self.screen() or QGuiApplication.primaryScreen()  # fits a 1024x700 screen
        r = screen.availableGeometry() if screen is not None else None
        self.resize(min(960, r.width() - 40) if r else 960, min(520, r.height() - 60) if r else 520)

    def _fill(self) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        for r in self.records:
            kind = str(r.get("kind") or "other")
            if kind not in groups:
                g = groups[kind] = QTreeWidgetItem(self.tree, [GROUPS.get(kind, kind.capitalize() + "s")])
                f = QFont(g.font(0))
                f.setBold(True)
                g.setFont(0, f)
                g.setFirstColumnSpanned(True)
            row = QTreeWidgetItem(groups[kind], [f"{r.get('name', '')} ({r.get('family', '')})",
                                                 ", ".join(r.get("variants", [])), _tasks(r),
                                                 "; ".join(r.get("formats", [])) or r.get("why", "")])
            tip = "\n".join([f"{r.get('name')} — family '{r.get('family')}'",
                             "variants: " + ", ".join(r.get("variants", [])),
                             *[f"{t}: {', '.join(r.get('inputs', {}).get(t, []))}" for t in r.get("tasks", [])],
                             "reads: " + "; ".join(r.get("formats", [])) if not r.get("why") else
                             f"not read: {r['why']}",
                             *[f"not made: {nb['task']}: {nb['why']}" for nb in r.get("not_built", [])],
                             *(["used by: " + ", ".join(r["used_by"])] if r.get("used_by") else []),
                             *(["does: " + "; ".join(r["does"])] if r.get("does") else [])])
            for c in range(len(COLUMNS)):
                row.setToolTip(c, tip)
            row.setData(0, Qt.UserRole, r)
        self.tree.expandAll()
        for c in range(len(COLUMNS) - 1):
            self.tree.resizeColumnToContents(c)
            self.tree.setColumnWidth(c, min(self.tree.columnWidth(c), 300))

    def _show(self, cur) -> None:
        """The chosen family's whole record, its templates and where its files go; the prompt when a
        heading or nothing is chosen (it kept the last family's record: stale)."""
        r = cur.data(0, Qt.UserRole) if cur is not None and not cur.isHidden() else None
        if not r:
            self.details.setText("select a family to read its whole record")
            return
        extra = []
        if r.get("kind") == "video model":
            extra.append("its files go in: your models folder (a diffusers folder), or diffusion_models/ (a single "
                         "denoiser file), text_encoders/, vae/, clip_vision/ (ComfyUI's part files)")
        names = [t.title for t in self.templates() if _uses(t, r)]
        extra.append("templates: " + ("; ".join(names) if names else "none ships for it"))
        self.details.setText(cur.toolTip(0) + "\n" + "\n".join(extra))

    def templates(self) -> list:
        """(title, needs) of each shipped template, read once (studio.core.template_models)."""
        if self._templates is None:
            import glob
            import json
            import os
            from types import SimpleNamespace

            from studio.core.assets import TEMPLATES_DIR
            from studio.core.registry import default_registry
            from studio.core.template_models import needed_models
            self._templates, reg = [], default_registry()
            for p in sorted(glob.glob(os.path.join(str(TEMPLATES_DIR), "*.json"))):
                try:
                    with open(p, encoding="utf-8") as f:
                        doc = json.load(f)
                    title = doc["ui"]["template"]["title"]
                except (OSError, ValueError, KeyError, TypeError):
                    continue
                self._templates.append(SimpleNamespace(title=title, needs=needed_models(doc, reg)))
        return self._templates

    def apply_filter(self, text: str) -> None:
        filter_grouped(self.tree, text, lambda g, row: row.toolTip(0))
        cur = self.tree.currentItem()
        if cur is None or cur.isHidden():  # the shown record follows the filter, never one filtered out
            first = next((g.child(j) for i in range(self.tree.topLevelItemCount())
                          if not (g := self.tree.topLevelItem(i)).isHidden()
                          for j in range(g.childCount()) if not g.child(j).isHidden()), None)
            self.tree.setCurrentItem(first) if first is not None else self._show(None)
        else:
            self._show(cur)

    def rows(self) -> list[str]:
        """The families shown (not filtered out), as 'kind/family' (tests)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            g = self.tree.topLevelItem(i)
            for j in range(g.childCount()):
                if not g.child(j).isHidden():
                    r = g.child(j).data(0, Qt.UserRole)
                    out.append(f"{r.get('kind')}/{r.get('family')}")
        return out
