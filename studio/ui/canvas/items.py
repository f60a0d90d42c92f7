"""The canvas's graphics items: the node and backdrop/note classes, the status line under a node, colours."""
from __future__ import annotations


from NodeGraphQt import BackdropNode, BaseNode
from NodeGraphQt.qgraphics.node_abstract import AbstractNodeItem
from NodeGraphQt.qgraphics.node_backdrop import BackdropNodeItem
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem


NODE_MIME = "application/x-studio-node"        # palette drags: the node type id
CLIP_KEY = "studio_nodes"                     # copy/paste: a Document.snapshot as JSON text, marked
LIBRARY_PREFIX = "library:"                    # palette entries of saved sub-graphs: library:<path>
GROUP_COLOR = (78, 58, 112)                    # group nodes stand out from single nodes
DEFAULT_BORDER = (74, 84, 85, 255)
ERROR_BORDER = (230, 60, 60, 255)
RUN_BORDER = (90, 170, 255, 255)
BYPASS_BORDER = (230, 150, 40, 255)
CACHED_COLOR = QColor(120, 200, 140)
TEXT_COLOR = QColor(190, 190, 190)
ERROR_COLOR = QColor(255, 110, 110)




class StudioNode(BaseNode):
    """The canvas node of every Studio node type (ports are added per instance from its spec)."""
    __identifier__ = "studio"
    NODE_NAME = "Node"


BACKDROP_COLOR = (5, 129, 138)
NOTE_COLOR = (150, 132, 60)
NOTE_WIDTH = 420.0
NOTE_PX = 15
HEADER_H = 26.0


class AnnotationItem(BackdropNodeItem):
    """A backdrop (a titled frame that carries the nodes on it when dragged) or a canvas note
    (a sticky text that moves alone). The title is ours, not NodeGraphQt's unique node name,
    so two backdrops may share one."""

    def __init__(self, name="backdrop", text="", parent=None):
        super().__init__(name, text, parent)
        self.kind = "backdrops"
        self.label = ""

    def mousePressEvent(self, event):  # noqa: N802 - Qt's name
        if self.kind == "notes":  # a note moves alone
            AbstractNodeItem.mousePressEvent(self, event)
            return
        super().mousePressEvent(event)

    def paint(self, painter, option, widget=None):
        painter.save()
        r = self.boundingRect().adjusted(1, 1, -1, -1)
        sel = self.isSelected()
        border = QColor(254, 207, 42) if sel else QColor(*self.color[:3]).lighter(120)
        if self.kind == "notes":
            painter.setPen(QPen(border, 1.2 if sel else 0.8))
            painter.setBrush(QColor(*self.color[:3], 70))
            painter.drawRoundedRect(r, 3, 3)
            painter.setFont(note_font())
            painter.setPen(QColor(235, 228, 200))
            painter.drawText(r.adjusted(8, 6, -8, -6), self.label, note_option())
        else:
            painter.setPen(Qt.NoPen)
            painter.setBrush(QColor(*self.color[:3], 50))
            painter.drawRoundedRect(r, 3, 3)
            top = QRectF(r.x(), r.y(), r.width(), HEADER_H)
            painter.setBrush(QColor(*self.color[:3]))
            painter.drawRoundedRect(top, 3, 3)
            painter.drawRect(QRectF(top.x(), top.bottom() - 4, top.width(), 4))
            f = QFont()
            f.setPointSizeF(10)
            f.setBold(True)
            painter.setFont(f)
            painter.setPen(QColor(240, 240, 240))
            painter.drawText(top.adjusted(8, 0, -8, 0), Qt.AlignLeft | Qt.AlignVCenter,
                             QFontMetrics(f).elidedText(self.label, Qt.ElideRight, int(top.width() - 16)))
            painter.setBrush(Qt.NoBrush)
            painter.setPen(QPen(border, 1.2 if sel else 0.8))
            painter.drawRoundedRect(r, 3, 3)
        painter.restore()


class AnnotationNode(BackdropNode):
    """The canvas item of one entry of ``graph.ui["backdrops"]`` or ``graph.ui["notes"]``."""
    __identifier__ = "studio"
    NODE_NAME = "Backdrop"

    def __init__(self, qgraphics_views=None):
        super().__init__(qgraphics_views or AnnotationItem)


def note_font() -> QFont:
    """Canvas notes: 15 px at 100 %."""
    f = QFont()
    f.setPixelSize(NOTE_PX)
    return f


def note_option():
    """Notes wrap at words, and a word longer than a line (a converted node's settings as JSON) at any
    character: with word wrap alone it ran past the note's right edge, cut (issue 75, item 8)."""
    from PySide6.QtGui import QTextOption
    o = QTextOption(Qt.AlignLeft | Qt.AlignTop)
    o.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
    return o


def note_height(text: str, width: float = NOTE_WIDTH) -> float:
    """The height a note needs to show ``text`` at ``width`` (notes without a saved size), wrapped as
    it is drawn (note_option)."""
    from PySide6.QtGui import QTextLayout
    fm = QFontMetrics(note_font())
    h = 0.0
    for para in (text or " ").split("\n"):
        lay = QTextLayout(para, note_font())
        lay.setTextOption(note_option())
        lay.beginLayout()
        while (line := lay.createLine()).isValid():
            line.setLineWidth(width - 16)
            h += fm.lineSpacing()
        lay.endLayout()
    return float(max(40, h + 16))


MIN_FIT_SCALE = 0.1  # Fit Graph shows all of the graph (issue 25: a floor of 0.65 left templates cut)
MAX_FIT_SCALE = 1.0  # and never zooms a small graph past 100 %
READABLE_TITLE_PX = 9  # a graph just opened is shown no smaller than titles of 9 px on screen (issue 61)
PROXY_PX = 28        # NodeGraphQt draws a node narrower than this on screen as a blank box (its default: 70)
STATUS_PX = 11      # status text under a node: readable at 100 % zoom (issue 15)
STATUS_LINES = 2    # a skip reason wraps to two lines, then elides (full text in the tooltip)
ERROR_LINES = 8     # an error is the point: it wraps to eight lines (a 600-character message whole)
STATUS_MAX_W = 270.0  # the status text's widest: within the column a converted workflow's layout gives a node
WARN_COLOR = QColor(230, 180, 80)
NOT_RUN_COLOR = QColor(150, 150, 150)


def _pieces(word: str, fm: QFontMetrics, width: int) -> list[tuple[str, str]]:
    """A word as (piece, glue before it): whole when it fits the width, else cut after its '/'
    (a path), then by characters; the pieces after the first join without a space."""
    if fm.horizontalAdvance(word) <= width:
        return [(word, " ")]
    out, cur = [], ""
    for ch in word:
        if cur and fm.horizontalAdvance(cur + ch) > width:
            cut = cur.rfind("/") + 1 if "/" in cur[:-1] else len(cur)
            out.append(cur[:cut])
            cur = cur[cut:]
        cur += ch
    out.append(cur)
    return [(p, " " if i == 0 else "") for i, p in enumerate(out)]


class StatusItem(QGraphicsItem):
    """Under a node: a progress bar while it runs, then its time, 'cached' or its error. Long
    text (a skip reason) wraps to two lines and elides, an error to ``ERROR_LINES`` (read whole
    where it happened); the tooltip carries it in full."""

    def __init__(self, parent):
        super().__init__(parent)
        self.text = ""
        self.color = TEXT_COLOR
        self.progress: float | None = None
        self.max_lines = STATUS_LINES
        self._laid: tuple = (None, [])  # (text, width, max_lines) -> its lines: boundingRect asks on every repaint
        self.setZValue(parent.zValue() + 1)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setAcceptHoverEvents(True)  # for the tooltip

    @staticmethod
    def font() -> QFont:
        f = QFont()
        f.setPixelSize(STATUS_PX)
        return f

    def text_width(self) -> float:
        return max(180.0, min(STATUS_MAX_W, self.parentItem().boundingRect().width() * 1.5))

    def boundingRect(self):  # noqa: N802 - Qt's name
        w = max(60.0, self.parentItem().boundingRect().width(), self.text_width())
        return QRectF(0, 0, w, 10 + max(STATUS_LINES, len(self.lines())) * (STATUS_PX + 4))

    def lines(self) -> list[str]:
        """The text as drawn: word-wrapped to the item's width (a path wider than it broken after a
        '/'), at most ``max_lines``, the last elided."""
        if not self.text:
            return []
        width = int(self.text_width())
        key = (self.text, width, self.max_lines)
        if self._laid[0] != key:  # laid out once per text and width (a selection repainted each node's: 15-40 ms)
            self._laid = (key, self._lay_out(width))
        return list(self._laid[1])

    def _lay_out(self, width: int) -> list[str]:
        fm = QFontMetrics(self.font())
        lines, cur = [], ""
        pieces = [(p, glue) for w in self.text.split() for p, glue in _pieces(w, fm, width)]
        for i, (w, glue) in enumerate(pieces):
            trial = (cur + glue + w) if cur else w
            if fm.horizontalAdvance(trial) <= width or not cur:
                cur = trial
                continue
            lines.append(cur)
            cur = w
            if len(lines) == self.max_lines - 1:
                cur = w + "".join(g + p for p, g in pieces[i + 1:])
                break
        lines.append(cur)
        lines = lines[:self.max_lines]  # the lines before the last fit by construction: only the last is cut
        return lines[:-1] + [fm.elidedText(lines[-1], Qt.ElideRight, width)]

    def set(self, text: str | None = None, color: QColor | None = None, progress: float | None | str = "keep",
            max_lines: int | None = None):
        if max_lines is not None and max_lines != self.max_lines:
            self.prepareGeometryChange()
            self.max_lines = max_lines
        if text is not None and text != self.text:
            self.prepareGeometryChange()
            self.text = text
            self.setToolTip(text if len(text) > 30 else "")
        if color is not None:
            self.color = color
        if progress != "keep":
            self.progress = progress
        self.update()

    def paint(self, painter: QPainter, option, widget=None):
        r = self.boundingRect()
        y = 2.0
        if self.progress is not None:
            painter.setPen(Qt.NoPen)
            painter.setBrush(QBrush(QColor(40, 40, 40, 220)))
            painter.drawRoundedRect(QRectF(0, y, r.width(), 6), 2, 2)
            painter.setBrush(QBrush(QColor(90, 170, 255)))
            painter.drawRoundedRect(QRectF(0, y, r.width() * max(0.0, min(1.0, self.progress)), 6), 2, 2)
            y += 8
        if self.text:
            painter.setFont(self.font())
            fm = QFontMetrics(self.font())
            for line in self.lines():
                # a backing under the text: a wire passing under the node does not run through it
                painter.setPen(Qt.NoPen)
                painter.setBrush(QBrush(QColor(30, 31, 34, 215)))
                painter.drawRoundedRect(QRectF(-2, y, fm.horizontalAdvance(line) + 6, STATUS_PX + 4), 2, 2)
                painter.setPen(QPen(self.color))
                painter.drawText(QRectF(0, y, self.text_width() + 4, STATUS_PX + 4),
                                 Qt.AlignLeft | Qt.AlignVCenter, line)
                y += STATUS_PX + 3
