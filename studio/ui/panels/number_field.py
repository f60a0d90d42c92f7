"""Number fields that refuse an out-of-range value in place (issue 35): a typed ``-5`` or
``100000`` stays visible while typing; on Enter (or leaving the field) it is refused, the field
goes back to the value it had, turns red, and says the range. Qt's own spin boxes dropped the
keys that left the range (``100000`` became ``10``) or reverted without a word.

The range is always in the field's tooltip; a refusal emits :attr:`refused` with the sentence
(the properties panel puts it beside the field and in the status bar)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSizePolicy, QSpinBox, QToolTip

REFUSED_STYLE = "border: 1px solid #ff6e6e;"
_PARTIAL = {"", "-", "+", ".", "-.", "+."}
_OPEN_END = 1e11
SPECIAL_SHOWN = 8  # characters of the minimum's word a narrow field still has room for  # a limit beyond this is "no limit" (the editors use ±1e12 and ±2**31-1)


def _number(spin, text: str) -> float | None:
    """The number typed in ``spin`` (its prefix, suffix and group separators aside), or None."""
    t = text.strip()
    if spin.prefix() and t.startswith(spin.prefix()):
        t = t[len(spin.prefix()):]
    if spin.suffix() and t.endswith(spin.suffix()):
        t = t[: -len(spin.suffix())]
    t = t.strip().replace(spin.locale().groupSeparator(), "").replace(spin.locale().decimalPoint(), ".")
    try:
        return float(t)
    except ValueError:
        return None


def range_text(spin) -> str:
    """'1 to 10', 'at least 0', 'at most 5' or '' for the spin box's range, in its own format."""
    lo, hi = spin.minimum(), spin.maximum()
    special = spin.specialValueText()
    lo_s = f"{lo:g}" + (f" ({special})" if special else "")
    if abs(lo) < _OPEN_END and abs(hi) < _OPEN_END:
        return f"{lo_s} to {hi:g}"
    if abs(lo) < _OPEN_END:
        return f"at least {lo_s}"
    if abs(hi) < _OPEN_END:
        return f"at most {hi:g}"
    return ""


class _Refusing:
    """What both number fields share (a mixin before Qt's spin box class)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.refused_text = ""
        self.lineEdit().textEdited.connect(lambda *_: self._mark(False))
        self.valueChanged.connect(lambda *_: self._mark(False))

    def validate(self, text, pos):  # noqa: D401 - Qt's name
        state, text, pos = super().validate(text, pos)
        if state == QValidator.Invalid:
            t = text.strip()
            if t in _PARTIAL or _number(self, text) is not None:  # typed out of range: kept until Enter
                state = QValidator.Intermediate
        return state, text, pos

    def check_typed(self) -> bool:
        """Refuse the typed number if it is out of range (True when it may go on)."""
        text = self.lineEdit().text()
        if self.specialValueText() and text.strip() == self.specialValueText():
            return True
        v = _number(self, text)
        if v is None or self.minimum() <= v <= self.maximum():
            return True
        self.refused_text = f"{text.strip()} refused: it must be {range_text(self)}"
        self.lineEdit().setText(self.textFromValue(self.value()))
        self._mark(True)
        QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), self.refused_text, self)
        self.refused.emit(self.refused_text)
        return False

    def _mark(self, on: bool) -> None:
        if on != bool(self.property("refused")):
            self.setProperty("refused", on)
            self.setStyleSheet(REFUSED_STYLE if on else "")
            self.refusedChanged.emit(on)

    def setSpecialValueText(self, text: str) -> None:  # noqa: N802 - Qt's name
        """The minimum's word ('auto', "the pose video's length"): a long one may be cut when the panel is narrow
        (the whole word stays in the tooltip's range), so the field can shrink below it (Preferred, not Qt's
        Minimum) and never widens the properties form past its dock."""
        super().setSpecialValueText(text)
        if text:
            policy = self.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Preferred)
            self.setSizePolicy(policy)

    def show_start(self) -> None:
        """The text from its start where it is cut ("the pose video's…", not "…o's length"), unless typed in."""
        if not self.hasFocus():
            self.lineEdit().setCursorPosition(0)

    def resizeEvent(self, ev):  # noqa: N802 - Qt's name
        super().resizeEvent(ev)
        self.show_start()

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        """Qt's hint, but as wide as the range's numbers need where the minimum's word is wider than they are."""
        hint = super().minimumSizeHint()
        special = self.specialValueText()
        if special:
            fm = self.fontMetrics()
            affix = self.prefix() + self.suffix()
            numbers = max(fm.horizontalAdvance(self.textFromValue(v) + affix) for v in (self.minimum(), self.maximum()))
            extra = fm.horizontalAdvance(special) - max(numbers, fm.horizontalAdvance(special[:SPECIAL_SHOWN]))
            if extra > 0:
                hint.setWidth(hint.width() - extra)
        return hint

    def show_range_in_tooltip(self, help_text: str) -> None:
        r = range_text(self)
        self.setToolTip((help_text + "\n" if help_text else "") + (f"range: {r}" if r else ""))

    def keyPressEvent(self, ev):  # noqa: N802
        if ev.key() in (Qt.Key_Return, Qt.Key_Enter) and not self.check_typed():
            self.selectAll()
            ev.accept()
            return
        super().keyPressEvent(ev)

    def focusOutEvent(self, ev):  # noqa: N802
        self.check_typed()
        super().focusOutEvent(ev)


class IntField(_Refusing, QSpinBox):
    refused = Signal(str)
    refusedChanged = Signal(bool)


class FloatField(_Refusing, QDoubleSpinBox):
    refused = Signal(str)
    refusedChanged = Signal(bool)
