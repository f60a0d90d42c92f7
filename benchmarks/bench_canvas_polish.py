"""Canvas polish costs on a large graph: (1) a mouse move while dragging one node, with the
drop-on-a-wire check (which wire it would take, are its ports compatible) against the same move
with the check off, measured in the same run; (2) building the right-click menus (the empty-canvas
one lists every node type by category).

    .venv/bin/python benchmarks/bench_canvas_polish.py [--nodes 400] [--moves 200]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_NO_AUDIO_DEVICE", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.ui.canvas.canvas import Canvas  # noqa: E402
from studio.ui.document.document import Document  # noqa: E402


def ms(xs):
    return f"median {statistics.median(xs) * 1e3:7.3f} ms   p90 {sorted(xs)[int(len(xs) * 0.9)] * 1e3:7.3f} ms"


def mouse(vp, kind, pos: QPoint, buttons):
    btn = Qt.LeftButton if kind != QMouseEvent.MouseMove else Qt.NoButton
    return QMouseEvent(kind, QPointF(pos), QPointF(vp.mapToGlobal(pos)), btn, buttons, Qt.NoModifier)


def drag_moves(canvas: Canvas, nid: str, n: int) -> list[float]:
    """Press on a node, move it ``n`` times across the wires, release; the time of each move."""
    v = canvas.view
    vp = v.viewport()
    item = canvas.view_node(nid).view
    start = v.mapFromScene(QPointF(item.sceneBoundingRect().center().x(), item.sceneBoundingRect().top() + 8))
    QApplication.sendEvent(vp, mouse(vp, QMouseEvent.MouseButtonPress, start, Qt.LeftButton))
    times = []
    for k in range(1, n + 1):
        p = start + QPoint((k * 7) % 300, (k * 5) % 200)
        t0 = time.perf_counter()
        QApplication.sendEvent(vp, mouse(vp, QMouseEvent.MouseMove, p, Qt.LeftButton))
        times.append(time.perf_counter() - t0)
    QApplication.sendEvent(vp, mouse(vp, QMouseEvent.MouseButtonRelease, start, Qt.NoButton))
    canvas.doc.undo_stack.undo()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, default=400, help="nodes in the graph (chains of 4, in a grid)")
    ap.add_argument("--moves", type=int, default=200, help="mouse moves measured per case")
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])  # noqa: F841
    doc = Document()
    cols = 20
    prev = None
    for i in range(args.nodes):
        x, y = (i % cols) * 260.0, (i // cols) * 160.0
        nid = doc.add_node("source.shapes" if i % 4 == 0 else "transform.resize", (x, y))
        if i % 4 and prev is not None:
            doc.connect(prev, "video", nid, "video")
        prev = nid
    free = doc.add_node("transform.color", (cols * 130.0, 80.0))  # no links: it can be inserted
    canvas = Canvas(doc)
    canvas.widget.resize(1600, 1000)
    canvas.widget.show()
    canvas.view.zoom_to_nodes([canvas.view_node(free).view])
    print(f"graph: {len(doc.graph.nodes)} nodes, {len(doc.graph.links)} links")

    on = drag_moves(canvas, free, args.moves)
    real = canvas.wires.insertion_target
    canvas.wires.insertion_target = lambda item: None  # baseline: NodeGraphQt's move alone
    off = drag_moves(canvas, free, args.moves)
    canvas.wires.insertion_target = real
    on2 = drag_moves(canvas, free, args.moves)  # again, so warm-up does not favour the baseline
    with_check = on[len(on) // 4:] + on2[len(on2) // 4:]
    base = off[len(off) // 4:]
    print(f"drag move, drop-on-wire check on : {ms(with_check)}")
    print(f"drag move, check off (baseline)  : {ms(base)}")
    print(f"ratio: {statistics.median(with_check) / statistics.median(base):.2f}x")

    hit = canvas.view_node(free).view
    t = []
    for _ in range(50):
        t0 = time.perf_counter()
        canvas.wires.insertion_target(hit)
        t.append(time.perf_counter() - t0)
    print(f"insertion_target alone           : {ms(t)}")

    for what, pt in (("empty canvas", QPoint(5, 5)),
                     ("node", canvas.view.mapFromScene(canvas.view_node(free).view.sceneBoundingRect().center()))):
        t = []
        for _ in range(20):
            t0 = time.perf_counter()
            m = canvas.menus.build(pt)
            t.append(time.perf_counter() - t0)
            m.deleteLater()
        print(f"context menu on {what:<13}    : {ms(t)}  ({len(m.actions())} top-level entries)")
    doc.undo_stack.clear()
    return 0


if __name__ == "__main__":
    sys.exit(main())
